"""Ops with no data inputs, or that only forward one: constant, placeholder, fill, range,
zeros/ones(_like), identity, stop_gradient, no_op and group."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import (Operation, Tensor, constant_value, get_default_graph,
                             shape_from_tensor)
from tf0.engine.shapes import TensorShape, as_shape

from .core import OPS, constant, convert_to_tensor, defop, fixed, make_op, same_as_input


def _const_infer(op):
    v = op.attrs["value"]
    return [(TensorShape(v.shape), op.attrs["dtype"])]


def _const_numpy(op, ctx):
    value = op.attrs["value"]
    return lambda: value


defop("Const", _const_infer, _const_numpy, grad=NO_GRADIENT, fresh_output=False)


def _placeholder_infer(op):
    return [(op.attrs["shape"], op.attrs["dtype"])]


# A placeholder never runs: the plan fills it from the feed or reports it unfed.
defop("Placeholder", _placeholder_infer, None, grad=NO_GRADIENT, fresh_output=False)


def placeholder(dtype, shape=None, name=None):
    """A tensor that must be fed. shape: None (any), or a list with None for unknown dims."""
    return make_op("Placeholder", [], {"dtype": dtypes.as_dtype(dtype),
                                       "shape": as_shape(shape)}, name or "Placeholder")


def _pwd_infer(op):
    shape = op.attrs["shape"]
    if not op.inputs[0].shape.is_compatible_with(shape):
        raise ValueError(f"default value shape {op.inputs[0].shape} is not compatible "
                         f"with {shape}")
    return [(shape, op.inputs[0].dtype)]


defop("PlaceholderWithDefault", _pwd_infer, fixed(lambda x: x),
      grad=lambda op, dy: [dy], fresh_output=False)


def placeholder_with_default(input, shape, name=None):
    """A placeholder that yields `input` when not fed."""
    x = convert_to_tensor(input)
    return make_op("PlaceholderWithDefault", [x], {"shape": as_shape(shape)},
                   name or "PlaceholderWithDefault")


def _fill_infer(op):
    dims, value = op.inputs
    if value.shape.ndims not in (None, 0):
        raise ValueError(f"Fill value must be a scalar, got shape {value.shape}")
    return [(shape_from_tensor(dims), value.dtype)]


def _fill_numpy(op, ctx):
    dtype = op.outputs[0].dtype.np
    return lambda dims, value: np.full(tuple(dims), value, dtype=dtype)


def _fill_grad(op, dy):
    return [None, OPS.reduce_sum(dy)]


defop("Fill", _fill_infer, _fill_numpy, grad=_fill_grad, kernels=("strided_copy",))


def fill(dims, value, name=None):
    return make_op("Fill", [convert_to_tensor(dims, dtype=dtypes.int32), convert_to_tensor(value)],
                   name=name or "Fill")


def _shape_arg(shape):
    """A static shape tuple when `shape` is a Python/NumPy value, else None (a tensor, or a
    list holding tensors, which convert_to_tensor stacks)."""
    if isinstance(shape, Tensor):
        return None
    if isinstance(shape, TensorShape):
        return tuple(shape.as_list()) if shape.is_fully_defined() else None
    if isinstance(shape, (list, tuple)) and any(hasattr(d, "_as_graph_element") or
                                                isinstance(d, Tensor) for d in shape):
        return None
    return tuple(int(d) for d in np.reshape(shape, [-1]))


def zeros(shape, dtype=dtypes.float32, name=None):
    static = _shape_arg(shape)
    dtype = dtypes.as_dtype(dtype)
    if static is not None:
        return constant(np.zeros(static, dtype.np), dtype=dtype, name=name or "zeros")
    return fill(shape, np.zeros((), dtype.np), name=name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    static = _shape_arg(shape)
    dtype = dtypes.as_dtype(dtype)
    if static is not None:
        return constant(np.ones(static, dtype.np), dtype=dtype, name=name or "ones")
    return fill(shape, np.ones((), dtype.np), name=name or "ones")


def _like_infer(op):
    return [(op.inputs[0].shape, op.attrs["dtype"])]


def _like_numpy(fill_value):
    def bind(op, ctx):
        dtype = op.outputs[0].dtype.np
        return lambda x: np.full(np.shape(x), fill_value, dtype=dtype)
    return bind


defop("ZerosLike", _like_infer, _like_numpy(0), grad=NO_GRADIENT, kernels=("fill",))
defop("OnesLike", _like_infer, _like_numpy(1), grad=NO_GRADIENT, kernels=("fill",))


def _like(op_type, maker, tensor, dtype, name, optimize):
    """zeros/ones shaped like `tensor`: a constant when its shape is static (as in TF1),
    so the result does not depend on tensor's value (or on feeding it)."""
    x = convert_to_tensor(tensor)
    dtype = dtypes.as_dtype(dtype) if dtype is not None else x.dtype
    if optimize and x.shape.is_fully_defined():
        return maker(x.shape.as_list(), dtype, name=name)
    return make_op(op_type, [x], {"dtype": dtype}, name)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    if isinstance(tensor, Tensor) and tensor.dtype is dtypes.variant:
        return OPS._zeros_like_list(tensor, name=name)  # a TensorArray's gradient zero
    return _like("ZerosLike", zeros, tensor, dtype, name or "zeros_like", optimize)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    return _like("OnesLike", ones, tensor, dtype, name or "ones_like", optimize)


def _range_infer(op):
    start = op.inputs[0]
    vals = [constant_value(t) for t in op.inputs]
    if all(v is not None for v in vals):
        n = len(np.arange(vals[0], vals[1], vals[2]))
        return [(TensorShape([n]), start.dtype)]
    return [(TensorShape([None]), start.dtype)]


def _range_numpy(op, ctx):
    dtype = op.outputs[0].dtype.np
    return lambda start, limit, delta: np.arange(start, limit, delta, dtype=dtype)


defop("Range", _range_infer, _range_numpy, grad=NO_GRADIENT, kernels=("range",))


def range_(start, limit=None, delta=1, dtype=None, name="range"):
    """tf.range: like Python's range, as a 1-D tensor (int32 for ints, float32 for floats)."""
    if limit is None:
        start, limit = 0, start
    values = [start, limit, delta]
    if dtype is None:
        kinds = [v.dtype for v in values if isinstance(v, Tensor)]
        floats = [v for v in values if isinstance(v, float)]
        dtype = kinds[0] if kinds else (dtypes.float32 if floats else dtypes.int32)
    ts = [convert_to_tensor(v, dtype=dtype) for v in values]
    return make_op("Range", ts, name=name)


defop("Identity", same_as_input, fixed(lambda x: x), grad=lambda op, dy: [dy],
      fresh_output=False)
defop("StopGradient", same_as_input, fixed(lambda x: x), grad=NO_GRADIENT, fresh_output=False)
defop("NoOp", lambda op: [], fixed(lambda: None), grad=NO_GRADIENT)


def identity(input, name=None):
    return make_op("Identity", [convert_to_tensor(input)], name=name or "Identity")


def stop_gradient(input, name=None):
    return make_op("StopGradient", [convert_to_tensor(input)], name=name or "StopGradient")


def no_op(name=None):
    return get_default_graph().create_op("NoOp", [], name=name or "NoOp")


def group(*inputs, name=None):
    """An op that runs after all `inputs` (ops, tensors, or lists of them) and yields nothing."""
    deps = []
    for i in inputs:
        for x in (i if isinstance(i, (list, tuple)) else [i]):
            x = x._as_graph_element() if hasattr(x, "_as_graph_element") else x
            x = x.op if isinstance(x, Tensor) else x
            if not isinstance(x, Operation):
                raise TypeError(f"tf.group expects ops or tensors, got {x!r}")
            deps.append(x)
    graph = deps[0].graph if deps else get_default_graph()
    with graph.control_dependencies(deps):
        return graph.create_op("NoOp", [], name=name or "group_deps")


def tuple_(tensors, name=None, control_inputs=None):
    """tf.tuple: identities of `tensors` that are only available once all of them are."""
    gate = group(*[t for t in tensors if t is not None], *(control_inputs or ()))
    with gate.graph.control_dependencies([gate]):
        return [None if t is None else identity(t) for t in tensors]

