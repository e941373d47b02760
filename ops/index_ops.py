"""Indexing ops: basic slicing (x[1:, None, ..., -1], tf.slice) and its gradient, gather
(and its deterministic gradient), one_hot."""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import Tensor, constant_value
from tf0.engine.shapes import TensorShape

from .array_ops import _static_int_list
from .core import convert_to_tensor, defop, make_op, normalize_axes


# ---- slicing --------------------------------------------------------------------------------
def _index_infer_dims(dims, index):
    """Output dims of x[index] for static index items, given input dims (None = unknown)."""
    n_real = sum(1 for i in index if i is not None and i is not Ellipsis)
    if Ellipsis in index:
        pos = index.index(Ellipsis)
        fill = len(dims) - n_real
        index = index[:pos] + (slice(None),) * fill + index[pos + 1:]
    elif n_real > len(dims):
        raise ValueError(f"Index {index} has too many dimensions for a rank-{len(dims)} tensor")
    out, d = [], 0
    for item in index:
        if item is None:
            out.append(1)
            continue
        if d >= len(dims):
            raise ValueError(f"Index {index} has too many dimensions for rank {len(dims)}")
        size = dims[d]
        if isinstance(item, slice):
            if size is not None:
                out.append(len(range(*item.indices(size))))
            elif item == slice(None):
                out.append(None)
            else:
                out.append(None)
        else:
            if size is not None and not -size <= item < size:
                raise ValueError(f"slice index {item} of dimension {d} out of bounds "
                                 f"for size {size}")
        d += 1
    return out + list(dims[d:])


def _strided_infer(op):
    x = op.inputs[0]
    if x.shape.ndims is None:
        return [(TensorShape(None), x.dtype)]
    return [(TensorShape(_index_infer_dims(x.shape.dims, op.attrs["index"])), x.dtype)]


def _strided_bind(op, ctx):
    index = op.attrs["index"]

    def slice_np(x):
        try:
            return np.asarray(x[index])
        except IndexError as e:
            raise errors.InvalidArgumentError(None, None, f"slice out of bounds: {e}") from None
    return slice_np


def _strided_grad(op, dy):
    return [make_op("StridedSliceGrad", [dy, op.inputs[0]], {"index": op.attrs["index"]},
                    name="StridedSliceGrad")]


defop("StridedSlice", _strided_infer, _strided_bind, grad=_strided_grad, kernels=("strided_copy",),
      fresh_output=False)
defop("Slice", _strided_infer, _strided_bind, grad=_strided_grad, kernels=("strided_copy",),
      fresh_output=False)


def _strided_grad_bind(op, ctx):
    index = op.attrs["index"]

    def scatter_np(dy, x):
        out = np.zeros(np.shape(x), dtype=dy.dtype)
        out[index] = dy
        return out
    return scatter_np


defop("StridedSliceGrad", lambda op: [(op.inputs[1].shape, op.inputs[0].dtype)],
      _strided_grad_bind,
      grad=lambda op, ddy: [make_op("StridedSlice", [ddy], {"index": op.attrs["index"]},
                                    name="StridedSlice"), None],
      kernels=("fill", "strided_copy"))


def _normalize_index(key):
    key = key if isinstance(key, tuple) else (key,)
    out = []
    for item in key:
        if isinstance(item, Tensor):
            value = constant_value(item)
            if value is None or np.ndim(value) != 0:
                raise TypeError("Only integers, slices, None/tf.newaxis and Ellipsis known "
                                "when the graph is built are valid indices")
            item = int(value)
        if isinstance(item, slice):
            item = slice(*(None if v is None else int(v)
                           for v in (item.start, item.stop, item.step)))
            if item.step == 0:
                raise ValueError("slice step cannot be zero")
        elif item is None or item is Ellipsis:
            pass
        elif isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            item = int(item)
        else:
            raise TypeError(f"Unsupported index {item!r}: use ints, slices, None or ...")
        out.append(item)
    if out.count(Ellipsis) > 1:
        raise ValueError("An index can only have a single ellipsis ('...')")
    return tuple(out)


def strided_slice_getitem(tensor, key):
    """tensor[key] for static ints, slices, None (newaxis) and Ellipsis."""
    return make_op("StridedSlice", [tensor], {"index": _normalize_index(key)},
                   name="strided_slice")


def slice_(input_, begin, size, name=None):
    """tf.slice: input_[begin[i] : begin[i] + size[i]] on every axis; size -1 means to the end."""
    x = convert_to_tensor(input_)
    begin = _static_int_list(begin, "slice begin")
    size = _static_int_list(size, "slice size")
    if len(begin) != len(size):
        raise ValueError("slice: begin and size must have the same length")
    index = tuple(slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))
    return make_op("Slice", [x], {"index": index}, name=name or "Slice")


# ---- gather / one_hot -----------------------------------------------------------------------
def _gather_infer(op):
    params, indices = op.inputs
    axis = op.attrs["axis"]
    if not indices.dtype.is_integer:
        raise ValueError(f"gather indices must be int32 or int64, got {indices.dtype.name}")
    if params.shape.ndims is None or indices.shape.ndims is None:
        return [(TensorShape(None), params.dtype)]
    a = normalize_axes(axis, params.shape.ndims, "gather")[0]
    dims = params.shape.dims
    return [(TensorShape(dims[:a] + indices.shape.dims + dims[a + 1:]), params.dtype)]


def _check_indices(indices, limit):
    if indices.size and (indices.min() < 0 or indices.max() >= limit):
        bad = indices[(indices < 0) | (indices >= limit)].flat[0]
        raise errors.InvalidArgumentError(None, None,
                                          f"indices value {bad} is not in [0, {limit})")


def _gather_bind(op, ctx):
    axis = op.attrs["axis"]

    def gather_np(params, indices):
        a = axis % params.ndim
        _check_indices(indices, params.shape[a])
        return np.take(params, indices, axis=a)
    return gather_np


def _gather_grad(op, dy):
    params, indices = op.inputs
    return [make_op("GatherGrad", [dy, indices, params], {"axis": op.attrs["axis"]},
                    name="GatherGrad"), None]


defop("GatherV2", _gather_infer, _gather_bind, grad=_gather_grad, kernels=("gather",))


def _gather_grad_bind(op, ctx):
    axis = op.attrs["axis"]

    def scatter_add_np(dy, indices, params):
        a = axis % params.ndim
        _check_indices(indices, params.shape[a])
        out = np.zeros(params.shape, dtype=dy.dtype)
        k = np.ndim(indices)
        moved = np.moveaxis(dy, list(range(a, a + k)), list(range(k)))
        np.add.at(np.moveaxis(out, a, 0), indices, moved)
        return out
    return scatter_add_np


defop("GatherGrad", lambda op: [(op.inputs[2].shape, op.inputs[0].dtype)], _gather_grad_bind,
      grad=lambda op, ddy: [gather(ddy, op.inputs[1], axis=op.attrs["axis"]), None, None],
      kernels=("gather_grad",))


def gather(params, indices, validate_indices=None, name=None, axis=0):
    """params[..., indices, ...] along `axis`; out-of-range indices raise an error."""
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    return make_op("GatherV2", [p, i], {"axis": _static_int_list(axis, "gather axis")[0]},
                   name=name or "GatherV2")


def _one_hot_infer(op):
    idx, depth, axis = op.inputs[0], op.attrs["depth"], op.attrs["axis"]
    if not idx.dtype.is_integer:
        raise ValueError(f"one_hot indices must be integers, got {idx.dtype.name}")
    if idx.shape.ndims is None:
        return [(TensorShape(None), op.attrs["dtype"])]
    dims = list(idx.shape.dims)
    dims.insert(axis % (len(dims) + 1) if axis != -1 else len(dims), depth)
    return [(TensorShape(dims), op.attrs["dtype"])]


def _one_hot_bind(op, ctx):
    depth, axis, dtype = op.attrs["depth"], op.attrs["axis"], op.attrs["dtype"].np
    on, off = op.attrs["on_value"], op.attrs["off_value"]

    def one_hot_np(indices):
        hot = np.asarray(indices)[..., None] == np.arange(depth)
        out = np.where(hot, dtype.type(on), dtype.type(off))
        return out if axis == -1 else np.ascontiguousarray(np.moveaxis(out, -1, axis))
    return one_hot_np


defop("OneHot", _one_hot_infer, _one_hot_bind, grad=NO_GRADIENT, kernels=("one_hot",))


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """A depth-sized one-hot vector per index (all off_value for out-of-range indices)."""
    dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.float32
    return make_op("OneHot", [convert_to_tensor(indices)], {
        "depth": int(depth), "axis": -1 if axis is None else int(axis), "dtype": dtype,
        "on_value": 1 if on_value is None else on_value,
        "off_value": 0 if off_value is None else off_value}, name=name or "one_hot")
