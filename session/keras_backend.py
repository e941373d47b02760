"""tf.keras.backend (TF1 graph mode): the session keras runs in (one per graph, created on
demand; variables it has not seen are initialized as they appear, as keras does), values
in and out of variables, and the math keras programs write custom losses and layers
with (keras's argument names over tf ops)."""
import weakref

import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import get_default_graph, reset_default_graph
from tf0.ops import keras_base
from tf0.ops.core import OPS
from tf0.ops.keras_base import learning_phase  # noqa: F401 (keras.backend's name)
from tf0.ops.variables import global_variables, variables_initializer

from .session import Session

_SESSIONS = weakref.WeakKeyDictionary()  # graph -> [session, names of initialized vars]


def _entry(graph):
    entry = _SESSIONS.get(graph)
    if entry is None or entry[0]._closed:
        entry = _SESSIONS[graph] = [Session(graph=graph), set()]
    return entry


def get_session(graph=None):
    """The keras session of `graph` (default: the default graph), with every global
    variable initialized (the ones already holding a value are left as they are)."""
    graph = graph if graph is not None else get_default_graph()
    session, seen = _entry(graph)
    with graph.as_default():
        fresh = [v for v in global_variables() if v.op.name not in seen]
    if fresh:
        with graph.as_default():
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
    return get_session(x.graph).run(x)


def batch_get_value(xs):
    return get_session(xs[0].graph).run(list(xs)) if xs else []


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
    session = get_session(pairs[0][0].graph)
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


# ---- the math keras programs write custom losses and layers with ----------------------------
def mean(x, axis=None, keepdims=False):
    return OPS.reduce_mean(x, axis=axis, keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001 (keras's name)
    return OPS.reduce_sum(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return OPS.reduce_max(x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return OPS.reduce_min(x, axis=axis, keepdims=keepdims)


def clip(x, min_value, max_value):
    return OPS.clip_by_value(x, min_value, max_value)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """max(x, threshold), alpha (x - threshold) below it, capped at max_value."""
    out = OPS.where(x >= threshold, x, alpha * (x - threshold) if alpha else OPS.zeros_like(x))
    return OPS.minimum(out, max_value) if max_value is not None else out


def softmax(x, axis=-1):
    return OPS.softmax(x, axis=axis)


def dot(x, y):
    return OPS.matmul(x, y)


def concatenate(tensors, axis=-1):
    return OPS.concat(list(tensors), axis)


def expand_dims(x, axis=-1):
    return OPS.expand_dims(x, axis)


def batch_flatten(x):
    return OPS.reshape(x, [-1, int(np.prod(x.shape.as_list()[1:]))])


def variable(value, dtype=None, name=None):
    """A variable holding value (initialized by the keras session)."""
    from tf0.ops.variables import Variable
    return Variable(np.asarray(value, dtype or floatx()), name=name)


def constant(value, dtype=None, shape=None, name=None):
    return OPS.constant(value, dtype=dtype or floatx(), shape=shape, name=name)


def placeholder(shape=None, ndim=None, dtype=None, name=None):
    from tf0.ops.sources import placeholder as make
    if shape is None and ndim is not None:
        shape = [None] * ndim
    return make(dtype or floatx(), shape, name=name)


def binary_crossentropy(target, output, from_logits=False):
    if from_logits:
        return OPS.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    p = OPS.clip_by_value(output, epsilon(), 1.0 - epsilon())
    return OPS.sigmoid_cross_entropy_with_logits(labels=target, logits=OPS.log(p / (1.0 - p)))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if from_logits:
        return -OPS.reduce_sum(target * OPS.log_softmax(output, axis), axis=axis)
    p = output / OPS.reduce_sum(output, axis=axis, keepdims=True)
    p = OPS.clip_by_value(p, epsilon(), 1.0 - epsilon())
    return -OPS.reduce_sum(target * OPS.log(p), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    depth = output.shape.dims[axis]
    hot = OPS.one_hot(OPS.cast(target, dtypes.int64), depth, dtype=output.dtype)
    hot = OPS.reshape(hot, OPS.shape(output))
    return categorical_crossentropy(hot, output, from_logits, axis)


square, sqrt, abs, exp, log, pow = (  # noqa: A001
    OPS.square, OPS.sqrt, OPS.abs, OPS.exp, OPS.log, OPS.pow)
sigmoid, tanh, sign, round = OPS.sigmoid, OPS.tanh, OPS.sign, OPS.round  # noqa: A001
cast, reshape, squeeze, stack, transpose = (OPS.cast, OPS.reshape, OPS.squeeze, OPS.stack,
                                            OPS.transpose)
shape, zeros_like, ones_like, gather = OPS.shape, OPS.zeros_like, OPS.ones_like, OPS.gather
argmax, argmin, equal, maximum, minimum = (OPS.argmax, OPS.argmin, OPS.equal, OPS.maximum,
                                           OPS.minimum)
l2_normalize = OPS.l2_normalize
