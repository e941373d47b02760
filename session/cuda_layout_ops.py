"""CUDA bindings of the layout ops (reshape, transpose, concat and split, slicing, gather,
tile, pad, broadcast) and of the scans (cumulative sums and products, tf.where's
coordinates); see cuda_ops for what a binding is."""
import numpy as np

from tf0.engine.op_def import results
from tf0.kernels import launch_array as A, launch_reduce as R, launch_scan as S
from tf0.ops.array_ops import multiples_of
from tf0.ops.index_ops import resolve_index

from .cuda_ops import AFTER_FIRST, _InputsFrom, _invalid, _shape_arg, binds


@binds("Reshape", host_inputs=(1,))
def _reshape(op, ctx):
    def reshape_gpu(x, shape):
        shape = list(_shape_arg(shape))
        if -1 in shape:
            known = int(np.prod([d for d in shape if d != -1]))
            if known == 0 or x.size % known:
                raise _invalid(f"Input to reshape is a tensor with {x.size} values, but the "
                               f"requested shape is {shape}")
            shape[shape.index(-1)] = x.size // known
        if int(np.prod(shape)) != x.size:
            raise _invalid(f"Input to reshape is a tensor with {x.size} values, but the "
                           f"requested shape is {shape}")
        return x.reshape(shape)
    return reshape_gpu


@binds("ExpandDims")
def _expand_dims(op, ctx):
    axis = op.attrs["axis"]

    def expand_gpu(x):
        shape = list(x.shape)
        shape.insert(axis % (x.ndim + 1), 1)
        return x.reshape(shape)
    return expand_gpu


@binds("Squeeze")
def _squeeze(op, ctx):
    axes = op.attrs["axis"]

    def squeeze_gpu(x):
        drop = {i for i, d in enumerate(x.shape) if d == 1} if axes is None else \
            {a % x.ndim for a in axes}
        if any(x.shape[a] != 1 for a in drop):
            raise _invalid(f"Can not squeeze dims {sorted(drop)} of shape {x.shape}")
        return x.reshape([d for i, d in enumerate(x.shape) if i not in drop])
    return squeeze_gpu


@binds("Transpose")
def _transpose(op, ctx):
    perm = op.attrs["perm"]
    return lambda x: A.transpose(x, perm if perm is not None else tuple(range(x.ndim))[::-1])


@binds("ConcatV2")
def _concat(op, ctx):
    axis = op.attrs["axis"]
    return lambda *xs: A.concat(xs, axis % xs[0].ndim)


@binds("SplitLike")
def _split_like(op, ctx):
    axis = op.attrs["axis"]
    return lambda dy, *xs: A.split(dy, [x.shape[axis] for x in xs], axis % dy.ndim)


@binds("Pack")
def _pack(op, ctx):
    axis = op.attrs["axis"]
    return lambda *xs: A.stack(xs, axis % (xs[0].ndim + 1))


@binds("Unpack")
def _unpack(op, ctx):
    axis = op.attrs["axis"]
    return lambda x: results(A.unstack(x, axis % x.ndim))


@binds("SplitV")
def _split_v(op, ctx):
    sizes, axis = list(op.attrs["sizes"]), op.attrs["axis"]

    def split_gpu(x):
        a = axis % x.ndim
        s = list(sizes)
        if -1 in s:
            s[s.index(-1)] = x.shape[a] - (sum(s) + 1)
        if sum(s) != x.shape[a] or min(s) < 0:
            raise _invalid(f"split sizes {sizes} do not match dimension size {x.shape[a]}")
        return results(A.split(x, s, a))
    return split_gpu


@binds("StridedSlice", "Slice", host_inputs=AFTER_FIRST)
def _getitem(op, ctx):
    index = op.attrs["index"]

    def getitem_gpu(x, *run_time):
        try:
            return A.getitem(x, resolve_index(index, run_time, x.shape) if run_time else index)
        except (IndexError, ValueError) as e:
            raise _invalid(f"slice out of bounds: {e}") from None
    return getitem_gpu


@binds("StridedSliceGrad", host_inputs=_InputsFrom(2))
def _getitem_grad(op, ctx):
    index = op.attrs["index"]

    def scatter_gpu(dy, x, *run_time):
        return A.setitem_into_zeros(dy, x.shape, resolve_index(index, run_time, x.shape)
                                    if run_time else index)
    return scatter_gpu


@binds("Cumsum", "Cumprod")
def _cumulative(op, ctx):
    a, name = op.attrs, "sum" if op.type == "Cumsum" else "prod"
    return lambda x: S.cumulative(name, x, a["axis"], a["exclusive"], a["reverse"])


@binds("SortIndices")
def _sort_indices(op, ctx):
    descending = op.attrs["descending"]
    return lambda x: S.sort_indices(x, descending)


@binds("Where")
def _where(op, ctx):
    return S.where_coords


@binds("GatherV2")
def _gather(op, ctx):
    axis, op_id, err = op.attrs["axis"], ctx.op_id(op), ctx.error_flag
    return lambda params, idx: A.gather(params, idx, axis % params.ndim, err, op_id)


@binds("GatherGrad")
def _gather_grad(op, ctx):
    axis, op_id, err = op.attrs["axis"], ctx.op_id(op), ctx.error_flag
    return lambda dy, idx, params: A.gather_grad(dy, idx, params.shape, axis % params.ndim, err,
                                                 op_id)


@binds("OneHot")
def _one_hot(op, ctx):
    a = op.attrs
    dtype = a["dtype"].np
    return lambda idx: A.one_hot(idx, a["depth"], a["axis"], a["on_value"], a["off_value"], dtype)


@binds("Tile", host_inputs=AFTER_FIRST)
def _tile(op, ctx):
    return lambda x, *run_time: A.tile(x, multiples_of(op, run_time))


@binds("TileGrad", host_inputs=_InputsFrom(2))
def _tile_grad(op, ctx):
    def tile_grad_gpu(dy, x, *run_time):
        mult = multiples_of(op, run_time)
        split = [v for m, d in zip(mult, x.shape) for v in (m, d)]
        return R.reduce("sum", dy.reshape(split), tuple(range(0, 2 * len(mult), 2)))
    return tile_grad_gpu


@binds("Pad")
def _pad(op, ctx):
    pads, value = op.attrs["paddings"], op.attrs["constant_values"]
    return lambda x: A.pad(x, pads, value)


@binds("MirrorPad")
def _mirror_pad(op, ctx):
    pads, symmetric = op.attrs["paddings"], op.attrs["mode"] == "symmetric"
    return lambda x: A.mirror_pad(x, pads, symmetric)


@binds("BroadcastTo", host_inputs=(1,))
def _broadcast_to(op, ctx):
    def broadcast_gpu(x, shape):
        shape = _shape_arg(shape)
        try:
            np.broadcast_shapes(x.shape, shape)
        except ValueError:
            raise _invalid(f"Cannot broadcast a tensor of shape {x.shape} to {list(shape)}") \
                from None
        return A.broadcast_to(x, shape)
    return broadcast_gpu


