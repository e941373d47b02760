"""tf.keras.backend (TF1 graph mode): the session keras runs in (one per graph, created on
demand; variables it has not seen are initialized as they appear, as keras does), values
in and out of variables, and the small helpers TF1 keras programs call."""
import weakref

import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import get_default_graph, reset_default_graph
from tf0.ops import keras_base
from tf0.ops.keras_base import learning_phase  # noqa: F401 (keras.backend's name)
from tf0.ops.variables import global_variables, variables_initializer

from .session import Session

_SESSIONS = weakref.WeakKeyDictionary()  # graph -> [session, names of initialized vars]


def _entry():
    graph = get_default_graph()
    entry = _SESSIONS.get(graph)
    if entry is None or entry[0]._closed:
        entry = _SESSIONS[graph] = [Session(graph=graph), set()]
    return entry


def get_session():
    """The default graph's keras session, with every global variable initialized (the
    ones already holding a value are left as they are)."""
    session, seen = _entry()
    fresh = [v for v in global_variables() if v.op.name not in seen]
    if fresh:
        with session.graph.as_default():
            ready = session.run([v.is_initialized() for v in fresh])
            missing = [v for v, ok in zip(fresh, ready) if not ok]
            if missing:
                session.run(variables_initializer(missing))
        seen.update(v.op.name for v in fresh)
    return session


def set_session(session):
    """Use `session` (and its graph's variables as they are) for keras."""
    _SESSIONS[session.graph] = [session, set()]


def clear_session():
    """A fresh default graph: keras's layer names and session start over."""
    old = get_default_graph()
    entry = _SESSIONS.pop(old, None)
    if entry is not None:
        entry[0].close()
    keras_base.reset_names(old)
    reset_default_graph()


def get_value(x):
    return get_session().run(x)


def batch_get_value(xs):
    return get_session().run(list(xs)) if xs else []


_ASSIGNS = weakref.WeakKeyDictionary()  # variable -> (placeholder, assign op), made once


def _assign_of(variable):
    if variable not in _ASSIGNS:
        from tf0.ops.sources import placeholder
        with variable.graph.as_default():
            value = placeholder(variable.dtype, variable.shape)
            _ASSIGNS[variable] = (value, variable.assign(value).op)
    return _ASSIGNS[variable]


def batch_set_value(pairs):
    """Assign each (variable, value) pair, checking every shape first."""
    if not pairs:
        return
    for variable, value in pairs:
        if list(np.shape(value)) != variable.shape.as_list():
            raise ValueError(f"Layer weight shape {tuple(variable.shape.as_list())} not "
                             f"compatible with provided weight shape {np.shape(value)}")
    session = get_session()
    feeds, ops = {}, []
    for variable, value in pairs:
        holder, op = _assign_of(variable)
        feeds[holder] = np.asarray(value, variable.dtype.np)
        ops.append(op)
    session.run(ops, feeds)


def set_value(x, value):
    batch_set_value([(x, value)])


keras_base.SESSION_VALUES.update(get=batch_get_value, set=batch_set_value)


def floatx():
    return "float32"


def epsilon():
    return 1e-7


def int_shape(x):
    return None if x.shape.ndims is None else tuple(x.shape.as_list())


def eval(x):  # noqa: A001 (keras's name)
    return get_value(x)


def cast_to_floatx(x):
    return np.asarray(x, dtypes.float32.np)
