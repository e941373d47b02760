"""The graph side of tf.keras (TF1 graph mode): layer names unique per graph ("dense",
"dense_1", ...), the layer that made each tensor (for functional models), the learning
phase, and keras's names for activations, initializers and regularizers."""
import contextlib
import functools
import re
import weakref

import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import get_default_graph

from . import init_ops
from .core import convert_to_tensor
from .variable_scope import get_variable, variable_scope

_NAMES = weakref.WeakKeyDictionary()  # graph -> {prefix: count}
_PHASE = weakref.WeakKeyDictionary()  # graph -> the learning-phase tensor
_MADE_BY = weakref.WeakKeyDictionary()  # tensor -> (layer, input tensors)
# The keras session's batch_get_value / batch_set_value, as "get" / "set": given by
# tf0.session.keras_backend (ops do not import the session layer).
SESSION_VALUES = {}


def _names():
    """The default graph's ({prefix: count}, names taken)."""
    return _NAMES.setdefault(get_default_graph(), ({}, set()))


def unique_name(prefix, numbered=False):
    """prefix, then prefix_1, prefix_2, ... within the default graph (keras's rule), past
    any name a layer was given; numbered: prefix_1 first (keras's inputs)."""
    counts, taken = _names()
    while True:
        count = counts.get(prefix, 0)
        counts[prefix] = count + 1
        name = f"{prefix}_{count + 1}" if numbered else \
            prefix if count == 0 else f"{prefix}_{count}"
        if name not in taken:
            taken.add(name)
            return name


def claim_name(name):
    """A name given to a layer: automatic names pass it by."""
    _names()[1].add(name)


def reset_names(graph=None):
    _NAMES.pop(graph if graph is not None else get_default_graph(), None)


def snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def learning_phase(graph=None):
    """A bool scalar of `graph` (default: the default graph), False unless fed: keras's
    training flag (fit feeds True)."""
    graph = graph if graph is not None else get_default_graph()
    phase = _PHASE.get(graph)
    if phase is None:
        from .sources import placeholder_with_default
        with graph.as_default(), graph.name_scope("keras_learning_phase/"):
            phase = placeholder_with_default(False, [], name="phase")
        _PHASE[graph] = phase
    return phase


def made_by(tensor):
    """(layer, input tensors) of the keras layer call that made `tensor`, or None."""
    return _MADE_BY.get(tensor)


def flat(value):
    """A list of value's items (a list or tuple), or [value]."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


# ---- names of activations, initializers, regularizers ------------------------------------
def _softsign(x):
    from .core import OPS
    return x / (1.0 + OPS.abs(x))


def _hard_sigmoid(x):
    from .core import OPS
    return OPS.clip_by_value(0.2 * x + 0.5, 0.0, 1.0)


def _activations():
    """{keras name: function}."""
    from . import nn_ops, relu_ops
    from .core import OPS
    return {"linear": None, "relu": relu_ops.relu, "relu6": relu_ops.relu6, "elu": OPS.elu,
            "selu": OPS.selu, "softplus": OPS.softplus, "softsign": _softsign,
            "sigmoid": OPS.sigmoid, "tanh": OPS.tanh, "exponential": OPS.exp,
            "softmax": nn_ops.softmax, "hard_sigmoid": _hard_sigmoid}


def get_activation(identifier):
    """A keras activation (a name, a function or None for linear) as a function."""
    if identifier is None or callable(identifier):
        return identifier
    table = _activations()
    if identifier not in table:
        raise ValueError(f"Unknown activation function: {identifier}")
    return table[identifier]


def activation_name(fn):
    """The keras name of an activation function, or None for one keras does not name."""
    return next((name for name, f in _activations().items() if f is fn and f is not None),
                None)


def get_initializer(identifier):
    """A keras initializer (a name or an initializer) as an initializer."""
    if not isinstance(identifier, str):
        return identifier
    table = {"zeros": init_ops.Zeros, "ones": init_ops.Ones,
             "glorot_uniform": init_ops.GlorotUniform, "glorot_normal": init_ops.GlorotNormal,
             "he_normal": init_ops.he_normal, "he_uniform": init_ops.he_uniform,
             "lecun_normal": init_ops.lecun_normal, "lecun_uniform": init_ops.lecun_uniform,
             "orthogonal": init_ops.Orthogonal, "identity": init_ops.Identity,
             "random_normal": lambda: init_ops.RandomNormal(stddev=0.05),
             "random_uniform": lambda: init_ops.RandomUniform(-0.05, 0.05),
             "truncated_normal": lambda: init_ops.TruncatedNormal(stddev=0.05)}
    if identifier not in table:
        raise ValueError(f"Unknown initializer: {identifier}")
    return table[identifier]()


class L1L2:
    """keras.regularizers.l1_l2: l1 * sum(|w|) + l2 * sum(w^2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, weights):
        from .core import OPS
        total = 0.0
        if self.l1:
            total += self.l1 * OPS.reduce_sum(OPS.abs(weights))
        if self.l2:
            total += self.l2 * OPS.reduce_sum(OPS.square(weights))
        return total if not isinstance(total, float) else None


def l1(l=0.01):  # noqa: E741 (keras's name)
    return L1L2(l1=l)


def l2(l=0.01):  # noqa: E741
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1, l2)


def get_regularizer(identifier):
    if isinstance(identifier, str):
        return {"l1": L1L2(l1=0.01), "l2": L1L2(l2=0.01),
                "l1_l2": L1L2(0.01, 0.01)}[identifier]
    return identifier


# ---- the layer base ----------------------------------------------------------------------
class KerasLayer:
    """tf.keras.layers.Layer: named at construction, builds its weights on the first call
    (under its name: <name>/kernel), remembers each call for functional models. Subclasses
    give build(input_shape) and call(inputs, **kwargs); call may take `training`, which
    defaults to the learning phase."""

    def __init__(self, trainable=True, name=None, dtype=None, input_shape=None,
                 batch_input_shape=None, input_dim=None, **unknown):
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected keyword arguments "
                            f"{sorted(unknown)}")
        if name:
            claim_name(name)
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.trainable, self.dtype, self.built = trainable, dtype, False
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        self.batch_input_shape = tuple(batch_input_shape) if batch_input_shape else \
            (None, *input_shape) if input_shape is not None else None
        self._trainable_weights, self._non_trainable_weights = [], []
        self.losses, self.updates, self._scope = [], [], None
        self.inbound_nodes = []  # (inputs, outputs) per call

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self):
        return list(self._non_trainable_weights) + \
            ([] if self.trainable else list(self._trainable_weights))

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    variables = weights

    def add_weight(self, name=None, shape=None, dtype=None, initializer=None,
                   regularizer=None, trainable=True, constraint=None, **unused):
        """A variable <layer name>/<name>; regularizer(variable) joins self.losses."""
        dtype = dtypes.as_dtype(dtype or self.dtype or dtypes.float32)
        init = get_initializer(initializer) if initializer is not None else \
            init_ops.GlorotUniform()
        var = get_variable(name, shape, dtype=dtype, initializer=init, trainable=trainable)
        (self._trainable_weights if trainable else self._non_trainable_weights).append(var)
        penalty = get_regularizer(regularizer)(var) if regularizer is not None else None
        if penalty is not None:
            self.add_loss(penalty)
        return var

    def add_loss(self, loss):
        """A term the model adds to its loss (keras keeps it off TF1's collections)."""
        self.losses.append(loss)

    def add_update(self, updates):
        self.updates.extend(flat(updates))

    _opens_scope = True  # weights are made under <name>/

    def build(self, input_shape):
        pass

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def __call__(self, inputs, **kwargs):
        tensors = [convert_to_tensor(x) for x in flat(inputs)]
        inputs = tensors if isinstance(inputs, (list, tuple)) else tensors[0]
        if "training" in _call_args(self) and kwargs.get("training") is None:
            kwargs["training"] = learning_phase()
        scope = variable_scope(self._scope if self._scope is not None else self.name,
                               reuse=True if self.built else None) if self._opens_scope \
            else contextlib.nullcontext()
        with scope as opened:
            self._scope = opened if self._opens_scope else None
            if not self.built:
                if self.dtype is None:  # keras's weights are float32 under integer inputs
                    self.dtype = tensors[0].dtype if tensors[0].dtype.is_floating \
                        else dtypes.float32
                shapes = [t.shape for t in tensors]
                self.build(shapes if isinstance(inputs, list) else shapes[0])
                self.built = True
            outputs = self.call(inputs, **kwargs)
        for out in flat(outputs):
            _MADE_BY[out] = (self, tensors)
        self.inbound_nodes.append((tensors, flat(outputs)))
        return outputs

    def get_weights(self):
        return SESSION_VALUES["get"](self.weights)

    def set_weights(self, weights):
        SESSION_VALUES["set"](list(zip(self.weights, weights)))

    def count_params(self):
        return int(sum(np.prod(w.shape.as_list()) for w in self.weights))

    @property
    def input(self):
        return self.inbound_nodes[0][0][0]

    @property
    def output(self):
        return self.inbound_nodes[0][1][0]

    def __init_subclass__(cls, **kwargs):
        """Every layer class remembers the arguments it was made with (get_config)."""
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = _recording(cls.__dict__["__init__"])

    def get_config(self):
        """The arguments the layer was made with: {"args": [...], "kwargs": {...}}, its
        name among the kwargs."""
        args, kwargs = self.__dict__.get("_made_with", ((), {}))
        return {"args": list(args), "kwargs": dict(kwargs, name=self.name)}


def _recording(init):
    """init, storing the arguments of the outermost __init__ call as _made_with."""
    @functools.wraps(init)
    def recording(self, *args, **kwargs):
        if "_made_with" not in self.__dict__:
            self.__dict__["_made_with"] = (args, dict(kwargs))
        init(self, *args, **kwargs)
    return recording


KerasLayer.__init__ = _recording(KerasLayer.__init__)


def _call_args(layer):
    import inspect
    return inspect.signature(layer.call).parameters

