"""tf.train optimizers (TF1 semantics): compute_gradients, apply_gradients, minimize; slot
variables; the global step."""
import numpy as np

from tf0.engine.gradients import gradients
from tf0.engine.graph import GraphKeys, Tensor, get_default_graph

from . import math_ops
from .core import OPS, constant, convert_to_tensor, make_op
from .sources import fill, group
from .variables import Variable


def _as_scalar(value, dtype, name):
    if callable(value):
        value = value()
    if isinstance(value, Variable):
        value = value.value()
    if isinstance(value, Tensor):
        return math_ops.cast(value, dtype) if value.dtype is not dtype else value
    return constant(np.asarray(value, dtype.np), name=name)


class Optimizer:
    """Base class. Subclasses set SLOTS (slot names and initial values) and build the
    update op of one variable in `_apply`."""

    SLOTS = ()  # (slot name, initial value)

    def __init__(self, use_locking=False, name="Optimizer"):
        self._name = name
        self._slots = {}  # (slot name, variable) -> slot Variable

    def get_name(self):
        return self._name

    def compute_gradients(self, loss, var_list=None, gate_gradients=1, aggregation_method=None,
                          colocate_gradients_with_ops=False, grad_loss=None):
        """[(gradient or None, variable)] for the trainable variables (or var_list)."""
        if var_list is None:
            var_list = get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES)
        var_list = list(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = gradients(loss, var_list, grad_ys=None if grad_loss is None else [grad_loss])
        return list(zip(grads, var_list))

    def get_slot(self, var, name):
        return self._slots.get((name, var))

    def get_slot_names(self):
        return [name for name, _ in self.SLOTS]

    def _slot(self, var, slot_name, initial):
        key = (slot_name, var)
        if key not in self._slots:
            graph = var.graph
            suffix = self._name if not self._slot_index(slot_name) else \
                f"{self._name}_{self._slot_index(slot_name)}"
            with graph.name_scope(""), graph.control_dependencies(None):
                shape = np.array(var.shape.as_list(), np.int32)
                value = np.asarray(initial, dtype=var.dtype.np)
                # TF1 names the slots <var>/<Optimizer>, <var>/<Optimizer>_1, ...
                self._slots[key] = Variable(lambda: fill(shape, value), trainable=False,
                                            name=f"{var.op.name}/{suffix}")
        return self._slots[key]

    def _slot_index(self, slot_name):
        return [name for name, _ in self.SLOTS].index(slot_name)

    def _prepare(self):
        """Build hyper-parameter tensors shared by every variable's update."""

    def _finish(self, update_ops, name):
        return group(*update_ops, name=name)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """The op that applies every (gradient, variable) pair, then bumps global_step."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable: "
                             f"{[v.name for _, v in grads_and_vars]}")
        graph = pairs[0][1].graph
        with graph.name_scope(name or self._name) as scope:
            self._prepare()
            updates = []
            for g, v in pairs:
                with graph.name_scope("update_" + v.op.name.replace("/", "_")):
                    slots = [self._slot(v, s, init) for s, init in self.SLOTS]
                    updates.append(self._apply(g, v, slots))
            # as TF1's, the returned op takes the scope's own name ("train", not
            # "train/train"), so that programs can run it by that name
            if global_step is None:
                return self._finish(updates, scope)
            with graph.control_dependencies([self._finish(updates, "update")]):
                return global_step.assign_add(np.asarray(1, global_step.dtype.np),
                                              name=scope).op

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=1,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        grads_and_vars = self.compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _update(self, op_type, grad, var, slots, scalars, **attrs):
        """One fused update op: refs (variable, slots), the gradient, then scalars."""
        grad = convert_to_tensor(grad)
        refs = [var._variable] + [s._variable for s in slots]
        return make_op(op_type, refs + [grad] + list(scalars),
                       {"n_refs": len(refs), **attrs}, name=op_type).op

    def variables(self):
        return list(self._slots.values())


class GradientDescentOptimizer(Optimizer):
    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._lr = learning_rate

    def _apply(self, grad, var, slots):
        lr = _as_scalar(self._lr, var.dtype, "learning_rate")
        return self._update("ApplyGradientDescent", grad, var, slots, [lr])


class MomentumOptimizer(Optimizer):
    SLOTS = (("Momentum", 0.0),)

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._lr, self._momentum, self._nesterov = learning_rate, momentum, bool(use_nesterov)

    def _apply(self, grad, var, slots):
        return self._update("ApplyMomentum", grad, var, slots,
                            [_as_scalar(self._lr, var.dtype, "learning_rate"),
                             _as_scalar(self._momentum, var.dtype, "momentum")],
                            use_nesterov=self._nesterov)


class AdamOptimizer(Optimizer):
    """Adam with TF1's bias correction folded into the step size:
    lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); beta1_power and beta2_power are
    non-trainable variables advanced after every variable has been updated."""
    SLOTS = (("m", 0.0), ("v", 0.0))

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._lr, self._beta1, self._beta2, self._epsilon = learning_rate, beta1, beta2, epsilon
        self._powers = None

    def _prepare(self):
        if self._powers is None:
            graph = get_default_graph()
            with graph.name_scope(""), graph.control_dependencies(None):
                self._powers = (Variable(np.float32(self._beta1), trainable=False,
                                         name="beta1_power"),
                                Variable(np.float32(self._beta2), trainable=False,
                                         name="beta2_power"))

    def _apply(self, grad, var, slots):
        dt = var.dtype
        b1p, b2p = (math_ops.cast(p.value(), dt) for p in self._powers)
        lr = _as_scalar(self._lr, dt, "learning_rate")
        lr_t = lr * OPS.sqrt(1 - b2p) / (1 - b1p)
        return self._update("ApplyAdam", grad, var, slots,
                            [lr_t, _as_scalar(self._beta1, dt, "beta1"),
                             _as_scalar(self._beta2, dt, "beta2"),
                             _as_scalar(self._epsilon, dt, "epsilon")])

    def _finish(self, update_ops, name):
        graph = get_default_graph()
        b1p, b2p = self._powers
        with graph.control_dependencies(update_ops):
            bump = [b1p.assign(b1p.read_value() * np.float32(self._beta1)),
                    b2p.assign(b2p.read_value() * np.float32(self._beta2))]
        return group(*update_ops, *bump, name=name)


class RMSPropOptimizer(Optimizer):
    """TF1's RMSProp: the mean-square slot starts at 1; centered, it divides by the
    variance instead (an "mg" slot, starting at 0, holds the mean gradient)."""
    SLOTS = (("rms", 1.0), ("momentum", 0.0))

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
                 use_locking=False, centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._centered = centered
        if centered:  # TF1's slot order, which its slot names number
            self.SLOTS = (("rms", 1.0), ("mg", 0.0), ("momentum", 0.0))
        self._lr, self._decay, self._momentum, self._epsilon = learning_rate, decay, momentum, \
            epsilon

    def _apply(self, grad, var, slots):
        dt = var.dtype
        kind = "ApplyCenteredRMSProp" if self._centered else "ApplyRMSProp"
        return self._update(kind, grad, var, slots,
                            [_as_scalar(self._lr, dt, "learning_rate"),
                             _as_scalar(self._decay, dt, "decay"),
                             _as_scalar(self._momentum, dt, "momentum"),
                             _as_scalar(self._epsilon, dt, "epsilon")])


class AdagradOptimizer(Optimizer):
    SLOTS = (("accumulator", 0.1),)

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self.SLOTS = (("accumulator", float(initial_accumulator_value)),)

    def _apply(self, grad, var, slots):
        return self._update("ApplyAdagrad", grad, var, slots,
                            [_as_scalar(self._lr, var.dtype, "learning_rate")])


class AdadeltaOptimizer(Optimizer):
    """TF1's Adadelta: running averages of squared gradients and of squared updates."""
    SLOTS = (("accum", 0.0), ("accum_update", 0.0))

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking=False,
                 name="Adadelta"):
        super().__init__(use_locking, name)
        self._lr, self._rho, self._epsilon = learning_rate, rho, epsilon

    def _apply(self, grad, var, slots):
        dt = var.dtype
        return self._update("ApplyAdadelta", grad, var, slots,
                            [_as_scalar(self._lr, dt, "learning_rate"),
                             _as_scalar(self._rho, dt, "rho"),
                             _as_scalar(self._epsilon, dt, "epsilon")])


class FtrlOptimizer(Optimizer):
    """TF1's FTRL-Proximal: per-coordinate rates from the accumulated squared gradients,
    L1 and L2 regularization in closed form, optional L2 shrinkage of the gradient."""

    def __init__(self, learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="Ftrl", accum_name=None, linear_name=None,
                 l2_shrinkage_regularization_strength=0.0):
        super().__init__(use_locking, name)
        if learning_rate_power > 0:
            raise ValueError(f"learning_rate_power must be <= 0, got {learning_rate_power}")
        if initial_accumulator_value <= 0:
            raise ValueError(f"initial_accumulator_value must be positive, got "
                             f"{initial_accumulator_value}")
        self._lr, self._power = learning_rate, learning_rate_power
        self._l1, self._l2 = l1_regularization_strength, l2_regularization_strength
        self._shrinkage = l2_shrinkage_regularization_strength
        self.SLOTS = ((accum_name or "accum", float(initial_accumulator_value)),
                      (linear_name or "linear", 0.0))

    def _apply(self, grad, var, slots):
        dt = var.dtype
        return self._update("ApplyFtrl", grad, var, slots,
                            [_as_scalar(self._lr, dt, "learning_rate"),
                             _as_scalar(self._l1, dt, "l1_regularization_strength"),
                             _as_scalar(self._l2, dt, "l2_regularization_strength"),
                             _as_scalar(self._shrinkage, dt, "l2_shrinkage"),
                             _as_scalar(self._power, dt, "learning_rate_power")])


class ProximalGradientDescentOptimizer(Optimizer):
    """Gradient descent followed by the proximal step of L1 and L2 regularization."""

    def __init__(self, learning_rate, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False,
                 name="ProximalGradientDescent"):
        super().__init__(use_locking, name)
        self._lr, self._l1, self._l2 = learning_rate, l1_regularization_strength, \
            l2_regularization_strength

    def _apply(self, grad, var, slots):
        dt = var.dtype
        return self._update("ApplyProximalGradientDescent", grad, var, slots,
                            [_as_scalar(self._lr, dt, "learning_rate"),
                             _as_scalar(self._l1, dt, "l1_regularization_strength"),
                             _as_scalar(self._l2, dt, "l2_regularization_strength")])


class ProximalAdagradOptimizer(Optimizer):
    """Adagrad's per-coordinate rate followed by the proximal step of L1 and L2."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="ProximalAdagrad"):
        super().__init__(use_locking, name)
        self._lr, self._l1, self._l2 = learning_rate, l1_regularization_strength, \
            l2_regularization_strength
        self.SLOTS = (("accumulator", float(initial_accumulator_value)),)

    def _apply(self, grad, var, slots):
        dt = var.dtype
        return self._update("ApplyProximalAdagrad", grad, var, slots,
                            [_as_scalar(self._lr, dt, "learning_rate"),
                             _as_scalar(self._l1, dt, "l1_regularization_strength"),
                             _as_scalar(self._l2, dt, "l2_regularization_strength")])


def get_global_step(graph=None):
    graph = graph or get_default_graph()
    steps = graph.get_collection(GraphKeys.GLOBAL_STEP)
    return steps[0] if steps else None


def get_or_create_global_step(graph=None):
    """The graph's int64 global step variable, created (value 0) on first use."""
    graph = graph or get_default_graph()
    step = get_global_step(graph)
    if step is None:
        with graph.as_default(), graph.name_scope(""), graph.control_dependencies(None):
            step = Variable(np.int64(0), trainable=False, name="global_step",
                            collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])
    return step


def create_global_step(graph=None):
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError("global_step already exists.")
    return get_or_create_global_step(graph)
