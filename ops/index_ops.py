"""Indexing ops: basic slicing (x[1:, None, ..., -1], tf.slice) and its gradient, gather
(and its deterministic gradient), one_hot.

A slicing op's `index` attr is a tuple of ints, slices, None and Ellipsis. Components known
only at run time (x[t] with a loop counter t, tf.slice with tensor begin and size) are
held as "$k", meaning the op's input k + 1 (a scalar integer), and tf.slice's
[b : b + s] (s = -1: to the end) as ("size", b, s); resolve_index fills them in."""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import name_scope
from tf0.engine.shapes import TensorShape

from .array_ops import RunTimeParts, _static_int_list, int_parts, run_time_value
from .core import convert_to_tensor, defop, make_op, normalize_axes


# ---- slicing --------------------------------------------------------------------------------
def _is_run_time(part):
    return isinstance(part, (str, tuple))


def resolve_index(index, values, shape):
    """`index` with its run-time components filled in from `values` (host integers), for
    an array of `shape`. A tf.slice window must lie inside the array (IndexError)."""
    def value(part):
        return run_time_value(part, values)
    out = []
    for axis, item in enumerate(index):
        if isinstance(item, str):
            out.append(value(item))
        elif isinstance(item, slice):
            out.append(slice(value(item.start), value(item.stop), value(item.step)))
        elif isinstance(item, tuple):  # tf.slice's items come one per axis, in order
            begin, size = value(item[1]), value(item[2])
            end = shape[axis] if size == -1 else begin + size
            if not 0 <= begin <= end <= shape[axis] or size < -1:
                raise IndexError(f"tf.slice of [{begin}, {begin} + {size}) on axis {axis} "
                                 f"of size {shape[axis]}")
            out.append(slice(begin, end))
        else:
            out.append(item)
    return tuple(out)


def _index_infer_dims(dims, index):
    """Output dims of x[index] given input dims (None = unknown); a run-time slice gives an
    unknown dim, a run-time integer removes its dim."""
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
        if isinstance(item, tuple):  # tf.slice: a static size other than -1 is the dim
            out.append(item[2] if isinstance(item[2], int) and item[2] >= 0 else None)
        elif isinstance(item, slice) and any(map(_is_run_time, (item.start, item.stop,
                                                                 item.step))):
            out.append(None)
        elif isinstance(item, slice):
            out.append(None if size is None else len(range(*item.indices(size))))
        elif not isinstance(item, str):
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

    def slice_np(x, *run_time):
        try:
            where = resolve_index(index, run_time, np.shape(x)) if run_time else index
            return np.asarray(x[where])
        except (IndexError, ValueError) as e:
            raise errors.InvalidArgumentError(None, None, f"slice out of bounds: {e}") from None
    return slice_np


def _strided_grad(op, dy):
    run_time = list(op.inputs[1:])
    return [make_op("StridedSliceGrad", [dy, op.inputs[0], *run_time],
                    {"index": op.attrs["index"]}, name="StridedSliceGrad")] \
        + [None] * len(run_time)


defop("StridedSlice", _strided_infer, _strided_bind, grad=_strided_grad, kernels=("strided_copy",),
      fresh_output=False)
defop("Slice", _strided_infer, _strided_bind, grad=_strided_grad, kernels=("strided_copy",),
      fresh_output=False)


def _strided_grad_bind(op, ctx):
    index = op.attrs["index"]

    def scatter_np(dy, x, *run_time):
        out = np.zeros(np.shape(x), dtype=dy.dtype)
        out[resolve_index(index, run_time, np.shape(x)) if run_time else index] = dy
        return out
    return scatter_np


defop("StridedSliceGrad", lambda op: [(op.inputs[1].shape, op.inputs[0].dtype)],
      _strided_grad_bind,
      grad=lambda op, ddy: [make_op("StridedSlice", [ddy, *op.inputs[2:]],
                                    {"index": op.attrs["index"]}, name="StridedSlice"),
                            None] + [None] * len(op.inputs[2:]),
      kernels=("fill", "strided_copy"))


def _normalize_index(key):
    """(index attr, run-time tensors) of a Python index key."""
    key = key if isinstance(key, tuple) else (key,)
    parts, out = RunTimeParts(), []
    for item in key:
        if isinstance(item, slice):
            item = slice(*(parts.part(v) for v in (item.start, item.stop, item.step)))
            if item.step == 0:
                raise ValueError("slice step cannot be zero")
        elif item is not None and item is not Ellipsis:
            item = parts.part(item)
        out.append(item)
    if out.count(Ellipsis) > 1:
        raise ValueError("An index can only have a single ellipsis ('...')")
    return tuple(out), parts.tensors


def strided_slice_getitem(tensor, key):
    """tensor[key] for ints, slices, None (newaxis) and Ellipsis; ints and slice bounds may
    be scalar integer tensors (x[t] inside a loop)."""
    index, run_time = _normalize_index(key)
    return make_op("StridedSlice", [tensor, *run_time], {"index": index},
                   name="strided_slice")


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """tf.strided_slice: input_[begin:end:strides] written out per dimension, with TF1's
    bit masks (bit i of begin_mask/end_mask ignores begin[i]/end[i], of ellipsis_mask makes
    entry i `...`, of new_axis_mask a new axis, of shrink_axis_mask the single index
    begin[i]). begin, end, strides: lists of ints or scalar tensors."""
    begin = int_parts(begin, "strided_slice begin")
    end = int_parts(end, "strided_slice end")
    strides = [1] * len(begin) if strides is None else \
        int_parts(strides, "strided_slice strides")
    if not len(begin) == len(end) == len(strides):
        raise ValueError("strided_slice: begin, end and strides must have one length")
    key = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        if ellipsis_mask >> i & 1:
            key.append(Ellipsis)
        elif new_axis_mask >> i & 1:
            key.append(None)
        elif shrink_axis_mask >> i & 1:
            key.append(b)
        else:
            key.append(slice(None if begin_mask >> i & 1 else b,
                             None if end_mask >> i & 1 else e, s))
    with name_scope(name, "strided_slice"):
        return strided_slice_getitem(convert_to_tensor(input_), tuple(key))


def slice_(input_, begin, size, name=None):
    """tf.slice: input_[begin[i] : begin[i] + size[i]] on every axis; size -1 means to the
    end. begin and size: lists of ints or scalar tensors, or 1-D integer tensors of static
    length."""
    x = convert_to_tensor(input_)
    parts = RunTimeParts()
    begin = [parts.part(b) for b in int_parts(begin, "slice begin")]
    size = [parts.part(n) for n in int_parts(size, "slice size")]
    if len(begin) != len(size):
        raise ValueError("slice: begin and size must have the same length")
    index = tuple(("size", b, n) if _is_run_time(b) or _is_run_time(n)
                  else slice(b, None if n == -1 else b + n) for b, n in zip(begin, size))
    return make_op("Slice", [x, *parts.tensors], {"index": index}, name=name or "Slice")


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
