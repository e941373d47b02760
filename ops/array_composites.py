"""Array ops written in terms of other ops (no kernels or gradient rules of their own):
gather_nd, scatter_nd and the segment sums (one flat gather / deterministic scatter-add),
meshgrid, linspace, the diagonal family, shape_n, roll, matrix_band_part, space_to_depth
and depth_to_space."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import name_scope

from . import math_ops
from .array_ops import broadcast_to, concat, expand_dims, reshape, shape, stack, transpose
from .core import OPS, convert_to_tensor, make_op
from .index_ops import gather, slice_
from .linalg_ops import eye
from .reduce_ops import REDUCE_BUILDERS
from .sources import range_, zeros

_sum, _all, _prod = (REDUCE_BUILDERS[k] for k in ("reduce_sum", "reduce_all", "reduce_prod"))


def _flat_index(indices, dims, what):
    """(row-major flat index of each index tuple in indices [..., K] into dims (K sizes, an
    int tensor), -1 where a component is out of range, so the gather or scatter that
    takes it reports the error; the number of index tuples in all)."""
    depth = indices.shape.dims[-1] if indices.shape.ndims else None
    if depth is None:
        raise ValueError(f"{what} needs indices whose last dimension is known")
    dims = math_ops.cast(dims, indices.dtype)
    strides = [_prod(dims[k + 1:]) if k + 1 < depth else OPS.constant(np.array(1, indices.dtype.np))
               for k in range(depth)]
    flat = _sum(indices * stack(strides), axis=-1)
    valid = _all((indices >= 0) & (indices < dims), axis=-1)
    return math_ops.where(valid, flat, -OPS.ones_like(flat))


def gather_nd(params, indices, name=None):
    """tf.gather_nd: out[i...] = params[indices[i..., :]] (indices [..., K], K <= rank)."""
    with name_scope(name, "GatherNd"):
        params, indices = convert_to_tensor(params), convert_to_tensor(indices)
        depth = indices.shape.dims[-1] if indices.shape.ndims else None
        dims = shape(params)
        flat = _flat_index(indices, dims[:depth] if depth else dims, "gather_nd")
        inner = params.shape.dims[depth:] if params.shape.ndims is not None else None
        rows = reshape(params, [-1, *inner] if inner is not None and None not in inner
                       else concat([[-1], dims[depth:]], 0))
        return gather(rows, flat)


def scatter_nd(indices, updates, shape, name=None):
    """tf.scatter_nd: zeros of `shape` with each updates[i...] added at
    indices[i..., :] (duplicates are summed, in a fixed order: deterministic)."""
    with name_scope(name, "ScatterNd"):
        indices, updates = convert_to_tensor(indices), convert_to_tensor(updates)
        dims = convert_to_tensor(shape, dtype=indices.dtype)
        depth = indices.shape.dims[-1] if indices.shape.ndims else None
        flat = reshape(_flat_index(indices, dims[:depth] if depth else dims, "scatter_nd"),
                       [-1])
        dims32 = math_ops.cast(dims, dtypes.int32)  # shapes are int32 whatever the indices
        inner = dims32[depth:]
        rows = reshape(updates, concat([[-1], inner], 0))
        target = zeros(concat([[_prod(dims32[:depth])], inner], 0), dtype=updates.dtype)
        out = make_op("GatherGrad", [rows, flat, target], {"axis": 0}, name="ScatterAdd")
        return reshape(out, dims32)


def meshgrid(*args, indexing="xy", name=None):
    """tf.meshgrid: N-D coordinate arrays from N 1-D arrays; 'xy' swaps the first two
    output dims (Cartesian), 'ij' keeps them (matrix)."""
    if indexing not in ("xy", "ij"):
        raise ValueError("indexing must be 'xy' or 'ij'")
    with name_scope(name, "meshgrid"):
        args = [reshape(convert_to_tensor(a), [-1]) for a in args]
        sizes = [_dim(a, 0) for a in args]
        if indexing == "xy" and len(args) > 1:
            sizes[0], sizes[1] = sizes[1], sizes[0]
        out = []
        for k, a in enumerate(args):
            axis = {0: 1, 1: 0}.get(k, k) if indexing == "xy" and len(args) > 1 else k
            ones = [1] * len(args)
            ones[axis] = -1
            out.append(broadcast_to(reshape(a, ones), stack(sizes)))
        return out


def linspace(start, stop, num, name=None):
    """tf.linspace: `num` values start + i * (stop - start) / (num - 1), as TF1 computes
    them (the last one may differ from stop in its last bit)."""
    with name_scope(name, "LinSpace"):
        start = convert_to_tensor(start)
        stop = convert_to_tensor(stop, dtype=start.dtype)
        if not start.dtype.is_floating:
            raise TypeError(f"tf.linspace needs float start and stop, got {start.dtype.name}")
        count = convert_to_tensor(num, dtype=dtypes.int32)
        steps = math_ops.cast(OPS.maximum(count - 1, 1), start.dtype)
        return start + math_ops.cast(range_(count), start.dtype) * ((stop - start) / steps)


def _dim(x, axis):
    """Dimension `axis` of x: an int when static, else a scalar tensor."""
    static = x.shape.dims[axis] if x.shape.ndims else None
    return static if static is not None else shape(x)[axis]


def matrix_diag(diagonal, name=None):
    """[..., n] -> [..., n, n] with `diagonal` on the diagonal, zeros elsewhere."""
    with name_scope(name, "MatrixDiag"):
        diagonal = convert_to_tensor(diagonal)
        return expand_dims(diagonal, -1) * eye(_dim(diagonal, -1), dtype=diagonal.dtype)


def matrix_diag_part(input, name=None):
    """[..., n, m] -> [..., min(n, m)]: the main diagonal."""
    with name_scope(name, "MatrixDiagPart"):
        x = convert_to_tensor(input)
        rows, cols = _dim(x, -2), _dim(x, -1)
        keep = min(rows, cols) if isinstance(rows, int) and isinstance(cols, int) \
            else OPS.minimum(rows, cols)
        return _sum(x * eye(rows, cols, dtype=x.dtype), axis=-1)[..., :keep]


def diag(diagonal, name=None):
    """tf.diag of a vector: the square matrix with it on the diagonal."""
    diagonal = convert_to_tensor(diagonal)
    if diagonal.shape.ndims != 1:
        raise ValueError(f"tf.diag takes a vector here, got shape {diagonal.shape}")
    return matrix_diag(diagonal, name=name or "Diag")


def diag_part(input, name=None):
    """tf.diag_part of a square matrix: its diagonal."""
    x = convert_to_tensor(input)
    if x.shape.ndims != 2:
        raise ValueError(f"tf.diag_part takes a matrix here, got shape {x.shape}")
    return matrix_diag_part(x, name=name or "DiagPart")


def trace(x, name=None):
    """Sum of the main diagonal of each matrix in x [..., n, m]."""
    with name_scope(name, "Trace"):
        return _sum(matrix_diag_part(x), axis=-1)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Sums of the slices of data by segment: out[s] = sum of data[i...] with
    segment_ids[i...] == s (ids cover data's leading dims); slices with a negative id are
    dropped, ids >= num_segments are an error. Summed in a fixed order: deterministic."""
    with name_scope(name, "UnsortedSegmentSum"):
        data = convert_to_tensor(data)
        ids = convert_to_tensor(segment_ids)
        k = ids.shape.ndims
        if k is None:
            raise ValueError("unsorted_segment_sum needs segment_ids of known rank")
        rows = reshape(data, concat([[-1], shape(data)[k:]], 0))
        flat = reshape(ids, [-1])
        kept = math_ops.cast(flat >= 0, data.dtype)
        rows = rows * reshape(kept, concat([[-1], OPS.ones_like(shape(data)[k:])], 0))
        target = zeros(concat([[math_ops.cast(num_segments, dtypes.int32)], shape(data)[k:]],
                              0), dtype=data.dtype)
        return make_op("GatherGrad", [rows, OPS.maximum(flat, 0), target], {"axis": 0},
                       name="SegmentSum")


def segment_count(segment_ids):
    """max(segment_ids) + 1: the segments of the sorted segment ops (0 without ids)."""
    return OPS.maximum(OPS.reduce_max(segment_ids) + 1, 0)


def segment_sum(data, segment_ids, name=None):
    """unsorted_segment_sum with num_segments = max(segment_ids) + 1 (ids sorted, as TF1
    requires; the count is read from the ids' values)."""
    with name_scope(name, "SegmentSum"):
        ids = convert_to_tensor(segment_ids)
        return unsorted_segment_sum(data, ids, segment_count(ids))


def segment_mean(data, segment_ids, name=None):
    """unsorted_segment_mean with num_segments = max(segment_ids) + 1 (0 for a segment
    with no entries)."""
    with name_scope(name, "SegmentMean"):
        ids = convert_to_tensor(segment_ids)
        return unsorted_segment_mean(data, ids, segment_count(ids))


def histogram_fixed_width(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """Counts [nbins] of values in nbins equal bins over value_range [lo, hi]; values
    below lo count in the first bin, values from hi on in the last."""
    with name_scope(name, "histogram_fixed_width"):
        values = convert_to_tensor(values)
        value_range = math_ops.cast(convert_to_tensor(value_range), values.dtype)
        lo, hi = value_range[0], value_range[1]
        scaled = (reshape(values, [-1]) - lo) / (hi - lo)
        bins = OPS.clip_by_value(OPS.floor(scaled * float(nbins)), 0.0, float(nbins - 1))
        ones = OPS.ones_like(bins, dtype=dtypes.float64)  # exact counts up to 2^53
        counts = unsorted_segment_sum(ones, math_ops.cast(bins, dtypes.int32), int(nbins))
        return math_ops.cast(counts, dtypes.as_dtype(dtype))


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None):
    """For each of values [..., m], where it would go in the row of sorted_sequence
    [..., n] (the same leading dims) to keep it sorted: before equal elements ("left") or
    after them ("right"). Compares every value with every element (n * m work)."""
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    with name_scope(name, "searchsorted"):
        seq = convert_to_tensor(sorted_sequence)
        values = convert_to_tensor(values, dtype=seq.dtype)
        below = (OPS.less if side == "left" else OPS.less_equal)(
            expand_dims(seq, -2), expand_dims(values, -1))
        return _sum(math_ops.cast(below, dtypes.as_dtype(out_type)), axis=-1)


def cross(a, b, name=None):
    """The cross products of the 3-vectors along the last dimension of a and b."""
    with name_scope(name, "Cross"):
        a, b = convert_to_tensor(a), convert_to_tensor(b)
        ax, ay, az = (a[..., i] for i in range(3))
        bx, by, bz = (b[..., i] for i in range(3))
        return stack([ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx], axis=-1)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """Means of the slices of data by segment (0 for an empty segment)."""
    with name_scope(name, "UnsortedSegmentMean"):
        data = convert_to_tensor(data)
        ids = convert_to_tensor(segment_ids)
        total = unsorted_segment_sum(data, ids, num_segments)
        count = unsorted_segment_sum(OPS.ones_like(ids, dtype=data.dtype), ids, num_segments)
        extra = (total.shape.ndims or 1) - 1
        count = reshape(count, concat([[-1], OPS.ones([extra], dtypes.int32)], 0))
        return total / OPS.maximum(count, 1)


def shape_n(input, out_type=dtypes.int32, name=None):
    """The shapes of a list of tensors."""
    return [shape(convert_to_tensor(x), out_type=out_type) for x in input]


def roll(input, shift, axis, name=None):  # noqa: A002 (TF1's argument name)
    """np.roll: elements shifted by `shift` along `axis` (ints, or lists of equal length;
    the same axis may repeat), wrapping around. The shifted lengths must be known."""
    with name_scope(name, "Roll"):
        x = convert_to_tensor(input)
        shifts, axes = np.atleast_1d(shift).tolist(), np.atleast_1d(axis).tolist()
        if len(shifts) != len(axes):
            raise ValueError(f"roll: {len(shifts)} shifts for {len(axes)} axes")
        rank = x.shape.ndims
        for s, a in zip(shifts, axes):
            a = int(a) + rank if int(a) < 0 else int(a)
            n = x.shape.dims[a] if rank is not None and 0 <= a < rank else None
            if n is None:
                raise ValueError(f"roll needs a known length along axis {a} of {x.shape}")
            s = int(s) % n if n else 0
            if s:
                tail = slice_(x, [0] * a + [n - s] + [0] * (rank - a - 1),
                              [-1] * a + [s] + [-1] * (rank - a - 1))
                head = slice_(x, [0] * rank, [-1] * a + [n - s] + [-1] * (rank - a - 1))
                x = concat([tail, head], a)
        return OPS.identity(x)


def matrix_band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """The band of each innermost matrix: element (i, j) kept where (num_lower < 0 or
    i - j <= num_lower) and (num_upper < 0 or j - i <= num_upper), else zero.
    num_lower and num_upper are ints; a matrix size known only at run time costs a mask
    built in the graph."""
    with name_scope(name, "MatrixBandPart"):
        x = convert_to_tensor(input)
        dims = x.shape.dims
        if dims is not None and len(dims) < 2:
            raise ValueError(f"matrix_band_part needs matrices [..., m, n], got {x.shape}")
        lower, upper = int(num_lower), int(num_upper)
        if dims is not None and None not in dims[-2:]:
            i, j = np.arange(dims[-2])[:, None], np.arange(dims[-1])[None, :]
            keep = OPS.constant(((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper)))
        else:
            size = shape(x)
            i = OPS.expand_dims(OPS.range_(size[-2]), 1)
            j = OPS.expand_dims(OPS.range_(size[-1]), 0)
            keep = OPS.logical_and(OPS.logical_or(lower < 0, i - j <= lower),
                                   OPS.logical_or(upper < 0, j - i <= upper))
        return math_ops.where(broadcast_to(keep, shape(x)), x, OPS.zeros_like(x))


def space_to_depth(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """[b, h, w, c] -> [b, h/bs, w/bs, bs*bs*c]: each bs x bs block of positions becomes
    depth, row-major within the block, as TF1 (NHWC only)."""
    with name_scope(name, "SpaceToDepth"):
        x = convert_to_tensor(input)
        b, h, w, c = _block_dims(x, block_size, data_format, "space_to_depth")
        bs = int(block_size)
        if h % bs or w % bs:
            raise ValueError(f"space_to_depth: height {h} and width {w} must be multiples "
                             f"of block_size {bs}")
        x = reshape(x, [-1, h // bs, bs, w // bs, bs, c])
        return reshape(transpose(x, [0, 1, 3, 2, 4, 5]), [-1, h // bs, w // bs, bs * bs * c])


def depth_to_space(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """The inverse of space_to_depth: [b, h, w, bs*bs*c] -> [b, h*bs, w*bs, c] (NHWC)."""
    with name_scope(name, "DepthToSpace"):
        x = convert_to_tensor(input)
        b, h, w, c = _block_dims(x, block_size, data_format, "depth_to_space")
        bs = int(block_size)
        if c % (bs * bs):
            raise ValueError(f"depth_to_space: depth {c} must be a multiple of "
                             f"block_size**2 = {bs * bs}")
        x = reshape(x, [-1, h, w, bs, bs, c // (bs * bs)])
        return reshape(transpose(x, [0, 1, 3, 2, 4, 5]), [-1, h * bs, w * bs, c // (bs * bs)])


def _block_dims(x, block_size, data_format, what):
    if data_format != "NHWC":
        raise ValueError(f"{what}: only data_format='NHWC' is supported")
    if int(block_size) < 2:
        raise ValueError(f"{what}: block_size must be at least 2, got {block_size}")
    dims = x.shape.dims
    if dims is None or len(dims) != 4 or None in dims[1:]:
        raise ValueError(f"{what} needs a 4-D input with known height, width and depth, "
                         f"got {x.shape}")
    return dims
