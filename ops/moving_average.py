"""tf.train.ExponentialMovingAverage: shadow variables that follow other variables (or
tensors) as shadow -= (1 - decay) * (shadow - value) each time the op of apply() runs."""
from tf0.engine import dtypes
from tf0.engine.graph import GraphKeys, Tensor, get_default_graph

from . import math_ops
from .core import OPS, convert_to_tensor
from .sources import group, zeros
from .variables import Variable


class ExponentialMovingAverage:
    """TF1's ExponentialMovingAverage(decay, num_updates=None, zero_debias=False,
    name="ExponentialMovingAverage"). With num_updates (a step count tensor), the decay
    is min(decay, (1 + num_updates) / (10 + num_updates)), so early averages move fast."""

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        if zero_debias:
            raise NotImplementedError("tf0's ExponentialMovingAverage has no zero_debias")
        self._decay, self._num_updates, self._name = decay, num_updates, name
        self._averages = {}

    @property
    def name(self):
        return self._name

    def apply(self, var_list=None):
        """Create a shadow variable for each variable or float tensor of var_list (default:
        the trainable variables) and return the op that updates them all."""
        graph = get_default_graph()
        var_list = list(graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
                        if var_list is None else var_list)
        for var in var_list:
            if not var.dtype.is_floating:
                raise TypeError(f"ExponentialMovingAverage averages floats, got "
                                f"{var.dtype.name} ({var.name})")
            if _key(var) in self._averages:
                continue
            initial = var.initialized_value() if isinstance(var, Variable) else \
                zeros(var.shape, dtype=var.dtype)
            self._averages[_key(var)] = Variable(
                initial, trainable=False, name=self.average_name(var),
                collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.MOVING_AVERAGE_VARIABLES])
        with graph.name_scope(self._name):
            decay = convert_to_tensor(self._decay, dtype=dtypes.float32)
            if self._num_updates is not None:
                steps = math_ops.cast(self._num_updates, dtypes.float32)
                decay = OPS.minimum(decay, (1.0 + steps) / (10.0 + steps))
            updates = []
            for var in var_list:
                shadow = self._averages[_key(var)]
                rate = math_ops.cast(1.0 - decay, shadow.dtype)
                value = var.value() if isinstance(var, Variable) else var
                updates.append(shadow.assign_sub((shadow.value() - value) * rate))
            return group(*updates)

    def average(self, var):
        """The shadow variable of `var`, or None if apply() was not given it."""
        return self._averages.get(_key(var))

    def average_name(self, var):
        """The shadow variable's name, <var's op name>/<this average's name>."""
        return f"{var.op.name}/{self._name}"

    def variables_to_restore(self, moving_avg_variables=None):
        """{name in a checkpoint: variable} that restores each averaged variable from its
        shadow (and every other global variable from itself), for tf.train.Saver."""
        graph = get_default_graph()
        averaged = list(graph.get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES)
                        if moving_avg_variables is None else moving_avg_variables)
        averaged += graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
        shadows = {id(v) for v in self._averages.values()}
        out = {}
        for var in graph.get_collection(GraphKeys.GLOBAL_VARIABLES):
            if id(var) in shadows:
                continue
            out[self.average_name(var) if var in averaged else var.op.name] = var
        return out


def _key(var):
    return var if isinstance(var, Tensor) else id(var)
