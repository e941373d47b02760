"""Launchers of kernels/array.cu (layout changes through one strided-copy kernel, mirror
padding, and a copy of several arrays into one block in one launch) and gather.cu (gather
and its deterministic gradient, one_hot)."""
import numpy as np

from . import loader
from .device import (THREADS, blocks_for, broadcast_strides, coalesce, constant,
                     contiguous_strides, empty, i64, meta, suffix)
from .launch_elementwise import fill


def family_of(name):
    """The module that defines kernel `name`: gathers and one_hot in gather.cu, the others
    in array.cu."""
    return "gather" if name.startswith(("gather_", "one_hot_")) else "array"


def _kernel(name):
    return loader.get(family_of(name), name)


def strided_copy(src, dst, shape, src_strides, dst_strides, src_off=0, dst_off=0):
    """dst[dst_off + sum(i*dst_strides)] = src[src_off + sum(i*src_strides)] over `shape`."""
    n = int(np.prod(shape, dtype=np.int64))
    if n == 0:
        return dst
    dims, (s_src, s_dst) = coalesce(list(shape), [list(src_strides), list(dst_strides)])
    _kernel(f"strided_copy_{suffix(src.dtype)}")((blocks_for(n),), (THREADS,),
                                                 (src, dst, i64(n), meta(dims, s_src, s_dst),
                                                  i64(src_off), i64(dst_off)))
    return dst


def transpose(x, perm):
    shape = [x.shape[p] for p in perm]
    own = contiguous_strides(x.shape)
    out = empty(shape, x.dtype)
    return strided_copy(x, out, shape, [own[p] for p in perm], contiguous_strides(shape))


def broadcast_to(x, shape):
    out = empty(shape, x.dtype)
    return strided_copy(x, out, shape, broadcast_strides(x.shape, shape),
                        contiguous_strides(shape))


def tile(x, multiples):
    """x tiled: read as the broadcast [m0, d0, m1, d1, ...] and written contiguously."""
    split = [v for m, d in zip(multiples, x.shape) for v in (m, d)]
    own = contiguous_strides(x.shape)
    src_strides = [v for s in own for v in (0, s)]
    out_shape = [m * d for m, d in zip(multiples, x.shape)]
    out = empty(out_shape, x.dtype)
    return strided_copy(x, out, split, src_strides, contiguous_strides(split))


def _index_plan(shape, index):
    """(out_shape, src_strides, src_offset) of a basic NumPy index into a contiguous array."""
    n_real = sum(1 for i in index if i is not None and i is not Ellipsis)
    if Ellipsis in index:
        pos = index.index(Ellipsis)
        index = index[:pos] + (slice(None),) * (len(shape) - n_real) + index[pos + 1:]
    index = tuple(index) + (slice(None),) * (len(shape) - sum(1 for i in index if i is not None))
    own = contiguous_strides(shape)
    out_shape, strides, offset, d = [], [], 0, 0
    for item in index:
        if item is None:
            out_shape.append(1)
            strides.append(0)
            continue
        if isinstance(item, slice):
            start, stop, step = item.indices(shape[d])
            out_shape.append(len(range(start, stop, step)))
            strides.append(own[d] * step)
            offset += start * own[d]
        else:
            i = item + shape[d] if item < 0 else item
            if not 0 <= i < shape[d]:
                raise IndexError(f"index {item} is out of bounds for axis {d} with size {shape[d]}")
            offset += i * own[d]
        d += 1
    return out_shape, strides, offset


def getitem(x, index):
    """x[index] for ints, slices, None and Ellipsis, as a new contiguous array."""
    shape, strides, offset = _index_plan(x.shape, index)
    out = empty(shape, x.dtype)
    return strided_copy(x, out, shape, strides, contiguous_strides(shape), src_off=offset)


def setitem_into_zeros(dy, x_shape, index):
    """zeros(x_shape) with dy written at x[index] (the gradient of getitem)."""
    out = fill(x_shape, dy.dtype, 0)
    shape, strides, offset = _index_plan(tuple(x_shape), index)
    return strided_copy(dy, out, shape, contiguous_strides(shape), strides, dst_off=offset)


def concat(xs, axis):
    shape = list(xs[0].shape)
    shape[axis] = sum(x.shape[axis] for x in xs)
    out = empty(shape, xs[0].dtype)
    dst = contiguous_strides(shape)
    offset = 0
    for x in xs:
        strided_copy(x, out, x.shape, contiguous_strides(x.shape), dst, dst_off=offset * dst[axis])
        offset += x.shape[axis]
    return out


def split(x, sizes, axis):
    own = contiguous_strides(x.shape)
    outs, offset = [], 0
    for s in sizes:
        shape = list(x.shape)
        shape[axis] = s
        out = empty(shape, x.dtype)
        outs.append(strided_copy(x, out, shape, own, contiguous_strides(shape),
                                 src_off=offset * own[axis]))
        offset += s
    return tuple(outs)


def stack(xs, axis):
    return concat([x.reshape(x.shape[:axis] + (1,) + x.shape[axis:]) for x in xs], axis)


def unstack(x, axis):
    pieces = split(x, [1] * x.shape[axis], axis)
    return tuple(p.reshape(p.shape[:axis] + p.shape[axis + 1:]) for p in pieces)


def pad(x, paddings, value):
    shape = [d + a + b for d, (a, b) in zip(x.shape, paddings)]
    out = fill(shape, x.dtype, value)
    dst = contiguous_strides(shape)
    offset = sum(a * s for (a, _), s in zip(paddings, dst))
    return strided_copy(x, out, x.shape, contiguous_strides(x.shape), dst, dst_off=offset)


def mirror_pad(x, paddings, symmetric):
    shape = [d + a + b for d, (a, b) in zip(x.shape, paddings)]
    out = empty(shape, x.dtype)
    if out.size:
        md = meta(shape, list(x.shape), [a for a, _ in paddings])
        _kernel(f"mirror_pad_{suffix(x.dtype)}")((blocks_for(out.size),), (THREADS,),
                                                 (x, out, i64(out.size), md, np.int32(symmetric)))
    return out


def _axis_view(shape, axis):
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    return outer, shape[axis], inner


def gather(params, indices, axis, err, op_id):
    outer, dim, inner = _axis_view(params.shape, axis)
    out = empty(params.shape[:axis] + indices.shape + params.shape[axis + 1:], params.dtype)
    if out.size:
        _kernel(f"gather_{suffix(params.dtype)}_{suffix(indices.dtype)}")(
            (blocks_for(out.size),), (THREADS,),
            (params, indices, out, i64(outer), i64(indices.size), i64(dim), i64(inner), err,
             np.int32(op_id)))
    return out


def gather_grad(dy, indices, params_shape, axis, err, op_id):
    outer, dim, inner = _axis_view(params_shape, axis)
    out = empty(params_shape, dy.dtype)
    if out.size:
        _kernel(f"gather_grad_{suffix(dy.dtype)}_{suffix(indices.dtype)}")(
            (blocks_for(out.size),), (THREADS,),
            (dy, indices, out, i64(outer), i64(indices.size), i64(dim), i64(inner), err,
             np.int32(op_id)))
    return out


def one_hot(indices, depth, axis, on, off, dtype):
    axis = indices.ndim if axis == -1 else axis
    outer = int(np.prod(indices.shape[:axis], dtype=np.int64))
    inner = int(np.prod(indices.shape[axis:], dtype=np.int64))
    out = empty(indices.shape[:axis] + (depth,) + indices.shape[axis:], dtype)
    if out.size:
        t = np.dtype(dtype).type
        _kernel(f"one_hot_{suffix(dtype)}_{suffix(indices.dtype)}")(
            (blocks_for(out.size),), (THREADS,),
            (indices, out, i64(outer), i64(depth), i64(inner), t(on), t(off)))
    return out


class SegmentCopy:
    """One launch that copies C-contiguous device arrays `sources` (at fixed addresses, e.g.
    buffers of a captured graph) to byte `offsets` of a uint8 device array given per call.
    Built outside a capture: the address table is uploaded here."""

    def __init__(self, sources, offsets):
        self.count = len(sources)
        self.table = constant(np.array([(x.data.ptr, offset, x.nbytes)
                                        for x, offset in zip(sources, offsets)], np.int64))
        self.blocks = blocks_for(max(x.nbytes for x in sources) // 16 + 1)
        self.kernel = _kernel("copy_segments")

    def __call__(self, dst):
        self.kernel((self.blocks, self.count), (THREADS,), (self.table, dst))
        return dst
