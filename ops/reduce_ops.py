"""Reductions over any set of axes (sum, mean, max, min, prod, any, all) and argmax/argmin."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.shapes import TensorShape

from .array_ops import _static_int_list
from .core import OPS, convert_to_tensor, defop, make_op, normalize_axes


def _reduce_infer(op):
    x = op.inputs[0]
    axes, keep = op.attrs["axes"], op.attrs["keep_dims"]
    if op.type in ("Any", "All") and not x.dtype.is_bool:
        raise ValueError(f"reduce_{op.type.lower()} needs a bool tensor, got {x.dtype.name}")
    if op.type not in ("Any", "All") and x.dtype.is_bool:
        raise ValueError(f"{op.type} does not accept bool tensors")
    if x.shape.ndims is None:
        return [(TensorShape(None), x.dtype)]
    rank = x.shape.ndims
    resolved = normalize_axes(axes, rank, op.type)
    dims = [1 if i in resolved else d for i, d in enumerate(x.shape.dims)] if keep else \
        [d for i, d in enumerate(x.shape.dims) if i not in resolved]
    return [(TensorShape(dims), x.dtype)]


def _resolved_axes(axes, ndim):
    return tuple(range(ndim)) if axes is None else tuple(a % ndim if ndim else 0 for a in axes)


def _extreme(dtype, highest):
    """The largest (highest) or smallest value of a NumPy dtype, infinities for floats."""
    if np.dtype(dtype).kind == "f":
        return np.inf if highest else -np.inf
    info = np.iinfo(dtype)
    return info.max if highest else info.min


def _reduce_bind(ufunc, mean=False):
    """A reduction through `ufunc.reduce` (NumPy's own np.sum/np.max/... call the same),
    with the axes resolved now when the input's rank is static."""
    def bind(op, ctx):
        axes, keep = op.attrs["axes"], op.attrs["keep_dims"]
        dtype = op.outputs[0].dtype.np if ufunc not in (np.logical_or, np.logical_and) else None
        rank = op.inputs[0].shape.ndims
        static = None if rank is None else _resolved_axes(axes, rank)
        reduce = ufunc.reduce
        # max and min of nothing: the identity (-inf / +inf, or the integer limits), as TF1
        extra = {"initial": _extreme(dtype, ufunc is np.minimum)} \
            if ufunc in (np.maximum, np.minimum) else {}

        def reduce_np(x):
            axis = static if static is not None else _resolved_axes(axes, x.ndim)
            out = reduce(x, axis=axis, dtype=dtype, keepdims=keep, **extra)
            if mean:
                count = 1
                for a in axis:
                    count *= x.shape[a]
                out = np.true_divide(out, count, dtype=dtype) if count else \
                    np.full(np.shape(out), np.nan, dtype)
            return np.asarray(out)
        return reduce_np
    return bind


def _kept_shape(op):
    """Shape of x with reduced axes set to 1: a constant when static, else a graph op."""
    x = op.inputs[0]
    axes = op.attrs["axes"]
    if x.shape.ndims is not None:
        resolved = normalize_axes(axes, x.shape.ndims, op.type)
        dims = [1 if i in resolved else d for i, d in enumerate(x.shape.dims)]
        if all(d is not None for d in dims):
            return OPS.constant(np.array(dims, np.int32))
    return make_op("ReducedShape", [OPS.shape(x)], {"axes": axes}, name="ReducedShape")


def _broadcast_back(op, dy):
    """dy (reduced) broadcast to the shape of the reduction's input."""
    x = op.inputs[0]
    if not op.attrs["keep_dims"] and dy.shape.ndims != 0:  # a scalar broadcasts as it is
        dy = OPS.reshape(dy, _kept_shape(op))
    return OPS.broadcast_to(dy, OPS.shape(x) if not x.shape.is_fully_defined()
                            else OPS.constant(np.array(x.shape.dims, np.int32)))


def _count(op):
    """Number of elements folded into each output element, as x's dtype."""
    x, y = op.inputs[0], op.outputs[0]
    xs, ys = x.shape.num_elements(), y.shape.num_elements()
    if xs is not None and ys is not None:
        return OPS.constant(np.array(xs / max(ys, 1), dtype=x.dtype.np))
    return OPS.cast(OPS.size(x), x.dtype) / OPS.cast(OPS.maximum(OPS.size(y), 1), x.dtype)


def _sum_grad(op, dy):
    return [_broadcast_back(op, dy)]


def _mean_grad(op, dy):
    # divide the reduced gradient, then broadcast: no pass over the input's size
    return [_broadcast_back(op, dy / _count(op))]


def _extremum_grad(op, dy):
    x, y = op.inputs[0], op.outputs[0]
    keep = {"axes": op.attrs["axes"], "keep_dims": True}
    y_full = _broadcast_back(op, y)
    hits = OPS.cast(OPS.equal(x, y_full), x.dtype)
    n_hits = make_op("Sum", [hits], keep, name="Sum")
    return [hits / n_hits * _broadcast_back(op, dy)]


def _prod_grad(op, dy):
    # d prod / d x_i = prod / x_i; exact for inputs without zeros.
    x = op.inputs[0]
    return [_broadcast_back(op, dy * op.outputs[0]) / x]


_REDUCTIONS = [
    ("Sum", "reduce_sum", np.add, False, _sum_grad),
    ("Mean", "reduce_mean", np.add, True, _mean_grad),
    ("Max", "reduce_max", np.maximum, False, _extremum_grad),
    ("Min", "reduce_min", np.minimum, False, _extremum_grad),
    ("Prod", "reduce_prod", np.multiply, False, _prod_grad),
    ("Any", "reduce_any", np.logical_or, False, NO_GRADIENT),
    ("All", "reduce_all", np.logical_and, False, NO_GRADIENT),
]


def _static_axes(axis, op_type):
    return None if axis is None else tuple(_static_int_list(axis, f"{op_type} axis"))


def _reduce_builder(op_type, default_name):
    def build(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
              keep_dims=None):
        if axis is None:
            axis = reduction_indices
        keep = bool(keepdims if keepdims is not None else (keep_dims or False))
        x = convert_to_tensor(input_tensor)
        axes = _static_axes(axis, op_type)
        if x.shape.ndims is not None and axes is not None:
            normalize_axes(axes, x.shape.ndims, default_name)  # range check now
        return make_op(op_type, [x], {"axes": axes, "keep_dims": keep}, name=name or op_type)
    build.__name__ = default_name
    build.__doc__ = (f"{default_name}(x, axis=None, keepdims=False): axis None reduces "
                     "everything; negative axes count from the end.")
    return build


REDUCE_BUILDERS = {}
for _type, _name, _ufunc, _mean, _grad in _REDUCTIONS:
    defop(_type, _reduce_infer, _reduce_bind(_ufunc, _mean), grad=_grad,
          kernels=("reduce_chunks", "reduce_cols", "strided_copy"))
    REDUCE_BUILDERS[_name] = _reduce_builder(_type, _name)


def _reduced_shape_bind(op, ctx):
    axes = op.attrs["axes"]

    def reduced_shape(shape):
        out = np.array(shape, dtype=np.int32, copy=True)
        out[list(range(len(out))) if axes is None else [a % max(len(out), 1) for a in axes]] = 1
        return out
    return reduced_shape


defop("ReducedShape", lambda op: [(op.inputs[0].shape, dtypes.int32)], _reduced_shape_bind,
      grad=NO_GRADIENT)


def _arg_infer(op):
    x, axis = op.inputs[0], op.attrs["axis"]
    if x.shape.ndims is None:
        return [(TensorShape(None), op.attrs["output_type"])]
    a = normalize_axes(axis, x.shape.ndims, op.type)[0]
    return [(TensorShape([d for i, d in enumerate(x.shape.dims) if i != a]),
             op.attrs["output_type"])]


def _arg_bind(np_fn):
    def bind(op, ctx):
        axis, dtype = op.attrs["axis"], op.attrs["output_type"].np
        return lambda x: np.asarray(np_fn(x, axis=axis)).astype(dtype)
    return bind


# NumPy's argmax/argmin return the first index among ties, which is TF1's rule too.
defop("ArgMax", _arg_infer, _arg_bind(np.argmax), grad=NO_GRADIENT, kernels=("arg_reduce", "cast"))
defop("ArgMin", _arg_infer, _arg_bind(np.argmin), grad=NO_GRADIENT, kernels=("arg_reduce", "cast"))


def _arg_builder(op_type):
    def build(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):
        if axis is None:
            axis = 0 if dimension is None else dimension
        axis = _static_axes(axis, op_type)[0]
        x = convert_to_tensor(input)
        if x.dtype.is_bool:
            raise TypeError(f"{op_type} does not accept bool tensors")
        return make_op(op_type, [x], {"axis": axis, "output_type": dtypes.as_dtype(output_type)},
                       name=name or op_type)
    return build


argmax = _arg_builder("ArgMax")
argmin = _arg_builder("ArgMin")
