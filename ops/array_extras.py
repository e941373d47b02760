"""More of TF1's array functions, written in terms of other ops: batch_gather,
unravel_index, parallel_stack, repeat, tensor_scatter_nd_update/add/sub, space_to_batch_nd
and batch_to_space_nd (and their 2-D forms), clip_by_average_norm,
histogram_fixed_width_bins, broadcast_static_shape / broadcast_dynamic_shape and the static
helpers get_static_value, dimension_value and dimension_at_index."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import constant_value, name_scope
from tf0.engine.shapes import Dimension, TensorShape, broadcast_shapes

from .array_composites import gather_nd, scatter_nd
from .array_ops import expand_dims, pad, reshape, shape, stack, transpose
from .core import OPS, convert_to_tensor
from .index_ops import gather
from .math_ops import cast


def batch_gather(params, indices, name=None):
    """params[b, indices[b, i]] for params [batch, n, ...] and indices [batch, k]."""
    with name_scope(name, "BatchGather"):
        params, indices = convert_to_tensor(params), convert_to_tensor(indices)
        if indices.shape.ndims != 2:
            raise ValueError("tf0's batch_gather takes indices [batch, k]")
        rows = OPS.range_(0, shape(indices, out_type=indices.dtype)[0], 1, dtype=indices.dtype)
        rows = expand_dims(rows, 1) + OPS.zeros_like(indices)
        return gather_nd(params, stack([rows, indices], axis=2))


def unravel_index(indices, dims, name=None):
    """The coordinates [len(dims), ...] of flat indices into an array of shape `dims`."""
    with name_scope(name, "UnravelIndex"):
        indices = convert_to_tensor(indices)
        dims = cast(convert_to_tensor(dims), indices.dtype)
        strides = OPS.cumprod(dims, exclusive=True, reverse=True)
        return OPS.floormod(OPS.floordiv(expand_dims(indices, 0),
                                         reshape(strides, [-1] + [1] * indices.shape.ndims)),
                            reshape(dims, [-1] + [1] * indices.shape.ndims))


def parallel_stack(values, name="parallel_stack"):
    """tf.stack (the values must have one static shape, as TF1 asks)."""
    return stack(values, name=name)


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """Each element (axis None: of the flattened input) or each slice along `axis` repeated
    repeats times (an int, or a list of ints, one per slice)."""
    with name_scope(name, "Repeat"):
        x = convert_to_tensor(input)
        if axis is None:
            x, axis = reshape(x, [-1]), 0
        counts = constant_value(convert_to_tensor(repeats))
        if counts is None:
            raise ValueError("tf0's repeat takes repeats known when the graph is built")
        size = x.shape.dims[axis]
        if np.ndim(counts) == 0:
            if size is None:
                raise ValueError("tf0's repeat needs the size of the axis known")
            counts = np.full(size, int(counts))
        return gather(x, np.repeat(np.arange(len(counts)), counts).astype(np.int32), axis=axis)


def _scatter_like(tensor, indices, updates):
    tensor = convert_to_tensor(tensor)
    indices = convert_to_tensor(indices)
    updates = convert_to_tensor(updates, dtype=tensor.dtype)
    return tensor, indices, scatter_nd(indices, updates, shape(tensor, out_type=indices.dtype))


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """`tensor` with the slices at index tuples indices [..., K] replaced by updates (for a
    repeated index the updates add up; TF1 leaves their order unspecified)."""
    with name_scope(name, "TensorScatterUpdate"):
        tensor, indices, scattered = _scatter_like(tensor, indices, updates)
        hit = scatter_nd(indices, OPS.ones_like(cast(updates, dtypes.float32)),
                         shape(tensor, out_type=indices.dtype))
        return OPS.where(hit > 0, scattered, tensor)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    with name_scope(name, "TensorScatterAdd"):
        tensor, _, scattered = _scatter_like(tensor, indices, updates)
        return tensor + scattered


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    with name_scope(name, "TensorScatterSub"):
        tensor, _, scattered = _scatter_like(tensor, indices, updates)
        return tensor - scattered


def _blocks(x, block_shape, what):
    block = [int(b) for b in np.ravel(block_shape)]
    spatial = x.shape.dims[1:1 + len(block)] if x.shape.ndims else None
    if spatial is None or None in spatial:
        raise ValueError(f"tf0's {what} needs the spatial sizes known")
    return block, spatial, x.shape.dims[1 + len(block):]


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002
    """[batch, *spatial, *rest] -> [batch * prod(block), *(padded spatial / block), *rest]:
    the spatial dims padded, then cut into blocks that become batch entries (block offset
    major, as TF1)."""
    with name_scope(name, "SpaceToBatchND"):
        x = convert_to_tensor(input)
        block, _, rest = _blocks(x, block_shape, "space_to_batch_nd")
        pads = np.reshape(np.asarray(paddings, np.int64), (-1, 2))
        x = pad(x, [[0, 0], *pads.tolist()] + [[0, 0]] * len(rest))
        m = len(block)
        padded = x.shape.dims[1:1 + m]
        if any(p % b for p, b in zip(padded, block)):
            raise ValueError(f"padded spatial sizes {padded} must be multiples of {block}")
        split = [-1] + [d for p, b in zip(padded, block) for d in (p // b, b)] + list(rest)
        x = reshape(x, split)
        order = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + \
            list(range(1 + 2 * m, 1 + 2 * m + len(rest)))
        x = transpose(x, order)
        return reshape(x, [-1] + [p // b for p, b in zip(padded, block)] + list(rest))


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002
    """The inverse of space_to_batch_nd: batch entries back into blocks of space, then the
    crops [[start, end], ...] cut from each spatial dim."""
    with name_scope(name, "BatchToSpaceND"):
        x = convert_to_tensor(input)
        block, spatial, rest = _blocks(x, block_shape, "batch_to_space_nd")
        m = len(block)
        x = reshape(x, block + [-1] + list(spatial) + list(rest))
        order = [m] + [i for j in range(m) for i in (m + 1 + j, j)] + \
            list(range(2 * m + 1, 2 * m + 1 + len(rest)))
        x = reshape(transpose(x, order), [-1] + [s * b for s, b in zip(spatial, block)] +
                    list(rest))
        cuts = np.reshape(np.asarray(crops, np.int64), (-1, 2))
        index = (slice(None),) + tuple(slice(int(a), s * b - int(e))
                                       for (a, e), s, b in zip(cuts, spatial, block))
        return x[index]


def space_to_batch(input, paddings, block_size=None, name=None, block_shape=None):  # noqa: A002
    """space_to_batch_nd over height and width with a square block."""
    size = block_size if block_size is not None else block_shape
    return space_to_batch_nd(input, [size, size], paddings, name=name or "SpaceToBatch")


def batch_to_space(input, crops, block_size, name=None, block_shape=None):  # noqa: A002
    """batch_to_space_nd over height and width with a square block."""
    size = block_size if block_size is not None else block_shape
    return batch_to_space_nd(input, [size, size], crops, name=name or "BatchToSpace")


def clip_by_average_norm(t, clip_norm, name=None):
    """t scaled down so that its L2 norm divided by its element count is at most
    clip_norm."""
    with name_scope(name, "clip_by_average_norm"):
        t = convert_to_tensor(t)
        count = cast(OPS.size(t), t.dtype)
        inverse = OPS.rsqrt(OPS.reduce_sum(t * t))
        return t * clip_norm * OPS.minimum(inverse * count, 1.0 / clip_norm)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """The bin (0 .. nbins-1) of each value among nbins equal bins spanning value_range;
    values outside it go to the first or last bin."""
    with name_scope(name, "histogram_fixed_width_bins"):
        values = convert_to_tensor(values)
        value_range = cast(convert_to_tensor(value_range), values.dtype)
        scaled = (values - value_range[0]) / (value_range[1] - value_range[0])
        bins = cast(OPS.floor(scaled * float(nbins)), dtypes.int64)
        return cast(OPS.clip_by_value(bins, 0, nbins - 1), dtype)


def broadcast_static_shape(shape_x, shape_y):
    """The TensorShape two static shapes broadcast to (ValueError when they cannot)."""
    return broadcast_shapes(TensorShape(shape_x), TensorShape(shape_y))


def broadcast_dynamic_shape(shape_x, shape_y):
    """The shape (int32 vector) two run-time shapes broadcast to."""
    x = OPS.zeros(convert_to_tensor(shape_x), dtypes.bool_)
    y = OPS.zeros(convert_to_tensor(shape_y), dtypes.bool_)
    return shape(OPS.logical_or(x, y))


def get_static_value(tensor, partial=False):
    """The value of `tensor` when the graph alone determines it, else None."""
    return constant_value(convert_to_tensor(tensor))


def dimension_value(dimension):
    """An int or None, from a Dimension or an int."""
    return dimension.value if isinstance(dimension, Dimension) else dimension


def dimension_at_index(shape_, index):
    """The Dimension at `index` of a shape (unknown when the rank is)."""
    shape_ = TensorShape(shape_)
    return Dimension(None if shape_.ndims is None else shape_.dims[index])

