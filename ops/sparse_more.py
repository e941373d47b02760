"""More of TF1's SparseTensor ops, written on the components (indices, values, dense_shape):
reorder, reshape, transpose, retain, concat, add, to_indicator, fill_empty_rows, softmax,
reduce_max, expand_dims, from_dense, eye, sparse_to_dense and the sparse_segment_*
reductions. Index bookkeeping runs as integer ops; values flow through gathers and segment
sums, so gradients reach them. Entries are ordered row-major (reorder's order)."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import name_scope

from .array_composites import unsorted_segment_sum
from .array_ops import concat, expand_dims, reshape, shape, stack
from .core import OPS, convert_to_tensor
from .index_ops import gather
from .math_ops import cast
from .scan_ops import argsort, boolean_mask, cumprod, where_true
from .segment_ops import unsorted_segment_max, unsorted_segment_sqrt_n
from .set_ops import unique
from .sparse_ops import SparseTensor, sparse_tensor_to_dense


def _rank(sp):
    rank = sp.indices.shape.dims[1] if sp.indices.shape.ndims == 2 else None
    if rank is None:
        raise ValueError("this sparse op needs the SparseTensor's rank known")
    return rank


def _linear(indices, dense_shape):
    """Row-major linear positions (int64 [n]) of index rows [n, rank]."""
    strides = cumprod(dense_shape, exclusive=True, reverse=True)
    return OPS.reduce_sum(indices * strides, axis=1)


def _unlinear(linear, dense_shape):
    """Index rows [n, rank] of row-major linear positions."""
    strides = cumprod(dense_shape, exclusive=True, reverse=True)
    return OPS.floormod(OPS.floordiv(expand_dims(linear, 1), strides), dense_shape)


def sparse_reorder(sp_input, name=None):
    """The same entries in row-major order of their indices (stable for repeats)."""
    sp = SparseTensor.from_value(sp_input)
    with name_scope(name, "SparseReorder"):
        order = argsort(_linear(sp.indices, sp.dense_shape))
        return SparseTensor(gather(sp.indices, order), gather(sp.values, order),
                            sp.dense_shape)


def sparse_reshape(sp_input, shape, name=None):  # noqa: A002 (TF1's name)
    """The entries at the same row-major positions of a tensor of `shape` (one -1
    allowed)."""
    sp = SparseTensor.from_value(sp_input)
    with name_scope(name, "SparseReshape"):
        new = cast(convert_to_tensor(shape), dtypes.int64)
        total = OPS.reduce_prod(sp.dense_shape)
        known = OPS.reduce_prod(OPS.where(new >= 0, new, OPS.ones_like(new)))
        new = OPS.where(new >= 0, new, OPS.zeros_like(new) + total // known)
        return SparseTensor(_unlinear(_linear(sp.indices, sp.dense_shape), new), sp.values,
                            new)


def sparse_transpose(sp_input, perm=None, name=None):
    """The transpose (dims permuted by perm, reversed by default), reordered."""
    sp = SparseTensor.from_value(sp_input)
    with name_scope(name, "SparseTranspose"):
        if perm is None:
            perm = list(range(_rank(sp)))[::-1]
        perm = [int(p) for p in perm]
        moved = SparseTensor(gather(sp.indices, perm, axis=1), sp.values,
                             gather(sp.dense_shape, perm))
        return sparse_reorder(moved)


def sparse_retain(sp_input, to_retain):
    """The entries where the bool vector to_retain [n] is true."""
    sp = SparseTensor.from_value(sp_input)
    keep = convert_to_tensor(to_retain)
    return SparseTensor(boolean_mask(sp.indices, keep), boolean_mask(sp.values, keep),
                        sp.dense_shape)


def sparse_concat(axis, sp_inputs, name=None, expand_nonconcat_dim=False, concat_dim=None):
    """The SparseTensors side by side along `axis` (their other dims must agree, or take
    the largest with expand_nonconcat_dim), reordered."""
    axis = int(axis if concat_dim is None else concat_dim)
    sps = [SparseTensor.from_value(s) for s in sp_inputs]
    with name_scope(name, "SparseConcat"):
        shapes = stack([s.dense_shape for s in sps])
        along = shapes[:, axis]
        offsets = OPS.cumsum(along, exclusive=True)
        rank = _rank(sps[0])
        at_axis = np.eye(rank, dtype=np.int64)[axis]
        indices = [s.indices + at_axis * offsets[k] for k, s in enumerate(sps)]
        values = [s.values for s in sps]
        dense = OPS.reduce_max(shapes, axis=0) if expand_nonconcat_dim else sps[0].dense_shape
        dense = dense * (1 - at_axis) + at_axis * OPS.reduce_sum(along)
        return sparse_reorder(SparseTensor(concat(indices, 0), concat(values, 0), dense))


def sparse_add(a, b, thresh=0, name=None, threshold=None):
    """a + b: dense when either is dense; else a SparseTensor of the entries of both, equal
    indices summed; such a sum is kept only when |sum| >= thresh (TF1 checks no other)."""
    thresh = threshold if threshold is not None else thresh
    if not isinstance(a, SparseTensor) or not isinstance(b, SparseTensor):
        sp, dense = (a, b) if isinstance(a, SparseTensor) else (b, a)
        return sparse_tensor_to_dense(sp) + convert_to_tensor(dense)
    with name_scope(name, "SparseAdd"):
        linear = concat([_linear(a.indices, a.dense_shape), _linear(b.indices, b.dense_shape)],
                        0)
        positions, slot = unique(linear, out_idx=dtypes.int64)
        count = shape(positions, out_type=dtypes.int64)[0]
        values = unsorted_segment_sum(concat([a.values, b.values], 0), slot, count)
        if not (thresh is None or (np.isscalar(thresh) and float(thresh) == 0)):
            both = unsorted_segment_sum(OPS.ones_like(slot), slot, count) > 1
            keep = OPS.logical_or(OPS.logical_not(both), OPS.abs(values) >= convert_to_tensor(
                thresh, dtype=values.dtype))
            positions, values = boolean_mask(positions, keep), boolean_mask(values, keep)
        summed = SparseTensor(_unlinear(positions, a.dense_shape), values, a.dense_shape)
        return sparse_reorder(summed)


def sparse_to_indicator(sp_input, vocab_size, name=None):
    """Dense bool [..., vocab_size]: true at each row's values (ids) — the last index of
    each entry is dropped."""
    sp = SparseTensor.from_value(sp_input)
    with name_scope(name, "SparseToIndicator"):
        rows = sp.indices[:, :-1]
        ids = expand_dims(cast(sp.values, dtypes.int64), 1)
        size = concat([sp.dense_shape[:-1], [int(vocab_size)]], 0)
        hits = OPS.scatter_nd(concat([rows, ids], 1), OPS.ones_like(sp.values,
                                                                    dtype=dtypes.int32), size)
        return hits > 0


def sparse_fill_empty_rows(sp_input, default_value, name=None):
    """(the SparseTensor with an entry (row, 0...) = default_value added to each row that
    has none, bool [rows]: which rows were empty)."""
    sp = SparseTensor.from_value(sp_input)
    with name_scope(name, "SparseFillEmptyRows"):
        rows = sp.dense_shape[0]
        present = unsorted_segment_sum(OPS.ones_like(sp.indices[:, 0]), sp.indices[:, 0], rows)
        empty = OPS.equal(present, 0)
        missing = where_true(empty)  # [k, 1] int64
        rank = shape(sp.indices, out_type=dtypes.int64)[1]
        pad = OPS.zeros(cast(stack([shape(missing, out_type=dtypes.int64)[0], rank - 1]),
                             dtypes.int32), dtypes.int64)
        fill = OPS.zeros_like(missing[:, 0], dtype=sp.values.dtype) + \
            convert_to_tensor(default_value, dtype=sp.values.dtype)
        filled = SparseTensor(concat([sp.indices, concat([missing, pad], 1)], 0),
                              concat([sp.values, fill], 0), sp.dense_shape)
        return sparse_reorder(filled), empty


def _rows(sp):
    """Each entry's row: the linear position of all its indices but the last."""
    return _linear(sp.indices[:, :-1], sp.dense_shape[:-1])


def sparse_softmax(sp_input, name=None):
    """softmax over the entries of each row (the last dim), the others implicitly absent."""
    sp = SparseTensor.from_value(sp_input)
    with name_scope(name, "SparseSoftmax"):
        rows = _rows(sp)
        count = OPS.reduce_prod(sp.dense_shape[:-1])
        peak = gather(unsorted_segment_max(sp.values, rows, count), rows)
        e = OPS.exp(sp.values - OPS.stop_gradient(peak))
        return SparseTensor(sp.indices, e / gather(unsorted_segment_sum(e, rows, count), rows),
                            sp.dense_shape)


def sparse_reduce_max(sp_input, axis=None, keepdims=None, reduction_axes=None,
                      keep_dims=None, name=None):
    """The max over the present entries (a dense tensor; the dtype's lowest value where
    none is present), over all dims or `axis` (a static list)."""
    sp = SparseTensor.from_value(sp_input)
    axis = axis if axis is not None else reduction_axes
    keep = bool(keepdims or keep_dims)
    with name_scope(name, "SparseReduceMax"):
        if axis is None:
            out = OPS.reduce_max(sp.values)
            rank = sp.indices.shape.dims[1] if sp.indices.shape.ndims else None
            return reshape(out, [1] * rank) if keep and rank is not None else out
        rank = _rank(sp)
        axes = sorted({int(a) % rank for a in np.ravel(axis)})
        kept = [d for d in range(rank) if d not in axes]
        keep_shape = gather(sp.dense_shape, kept)
        slot = _linear(gather(sp.indices, kept, axis=1), keep_shape)
        out = unsorted_segment_max(sp.values, slot, OPS.reduce_prod(keep_shape))
        result = reshape(out, keep_shape)
        if keep:
            for a in axes:
                result = expand_dims(result, a)
        return result


def sparse_expand_dims(sp_input, axis=None, name=None):
    """A dim of size 1 inserted at `axis` (a Python int)."""
    sp = SparseTensor.from_value(sp_input)
    with name_scope(name, "ExpandDims"):
        a = int(axis) % (_rank(sp) + 1)
        zeros = OPS.zeros_like(sp.indices[:, :1])
        return SparseTensor(concat([sp.indices[:, :a], zeros, sp.indices[:, a:]], 1),
                            sp.values, concat([sp.dense_shape[:a], [1], sp.dense_shape[a:]],
                                              0))


def from_dense(tensor, name=None):
    """The SparseTensor of a dense tensor's non-zero elements (row-major)."""
    with name_scope(name, "dense_to_sparse"):
        x = convert_to_tensor(tensor)
        indices = where_true(OPS.not_equal(x, OPS.zeros_like(x)))
        return SparseTensor(indices, OPS.gather_nd(x, indices), shape(x, out_type=dtypes.int64))


def sparse_eye(num_rows, num_columns=None, dtype=dtypes.float32, name=None):
    """The identity as a SparseTensor [num_rows, num_columns] (static sizes)."""
    rows = int(num_rows)
    cols = rows if num_columns is None else int(num_columns)
    n = min(rows, cols)
    return SparseTensor(np.stack([np.arange(n), np.arange(n)], 1).astype(np.int64),
                        np.ones(n, dtypes.as_dtype(dtype).np), [rows, cols])


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    """TF1's old form: the dense tensor with sparse_values at sparse_indices ([n, rank],
    [n] or a scalar index), default_value elsewhere."""
    with name_scope(name, "SparseToDense"):
        indices = cast(convert_to_tensor(sparse_indices), dtypes.int64)
        if indices.shape.ndims == 0:
            indices = reshape(indices, [1, 1])
        elif indices.shape.ndims == 1:
            indices = expand_dims(indices, 1)
        values = convert_to_tensor(sparse_values)
        values = values + OPS.zeros_like(indices[:, 0], dtype=values.dtype)
        return sparse_tensor_to_dense(SparseTensor(indices, values, output_shape),
                                      default_value=default_value)


def _sparse_segment(reduce, data, indices, segment_ids, num_segments, name, default_name):
    with name_scope(name, default_name):
        rows = gather(convert_to_tensor(data), indices)
        ids = convert_to_tensor(segment_ids)
        count = OPS.reduce_max(ids) + 1 if num_segments is None else num_segments
        return reduce(rows, ids, count)


def sparse_segment_sum(data, indices, segment_ids, name=None, num_segments=None):
    """segment sums of the rows data[indices]."""
    return _sparse_segment(unsorted_segment_sum, data, indices, segment_ids, num_segments,
                           name, "SparseSegmentSum")


def sparse_segment_mean(data, indices, segment_ids, name=None, num_segments=None):
    """segment means of the rows data[indices] (0 for an empty segment)."""
    def mean(rows, ids, count):
        total = unsorted_segment_sum(rows, ids, count)
        n = unsorted_segment_sum(OPS.ones_like(ids, dtype=rows.dtype), ids, count)
        return total / reshape(OPS.maximum(n, 1.0), concat([[-1], OPS.ones_like(
            shape(total)[1:])], 0))
    return _sparse_segment(mean, data, indices, segment_ids, num_segments, name,
                           "SparseSegmentMean")


def sparse_segment_sqrt_n(data, indices, segment_ids, name=None, num_segments=None):
    """segment sums of the rows data[indices] over the square root of their counts."""
    return _sparse_segment(unsorted_segment_sqrt_n, data, indices, segment_ids, num_segments,
                           name, "SparseSegmentSqrtN")


def sparse_slice(sp_input, start, size, name=None):
    """The entries with every index in [start, start + size), moved to start at 0; the
    dense shape is the part of [start, start + size) inside the input's (TF1's SparseSlice:
    entries keep their order)."""
    sp = SparseTensor.from_value(sp_input)
    with name_scope(name, "SparseSlice"):
        start = cast(convert_to_tensor(start), dtypes.int64)
        end = start + cast(convert_to_tensor(size), dtypes.int64)
        keep = OPS.reduce_all(OPS.logical_and(sp.indices >= start, sp.indices < end), axis=1)
        dense = OPS.maximum(OPS.minimum(end, sp.dense_shape) - start, 0)
        return SparseTensor(boolean_mask(sp.indices, keep) - start,
                            boolean_mask(sp.values, keep), dense)


def sparse_split(keyword_required=None, sp_input=None, num_split=None, axis=None, name=None,
                 split_dim=None):
    """num_split SparseTensors of sp_input's consecutive slices along `axis`, the first
    (size % num_split) one longer than the others (TF1's sizes)."""
    if keyword_required is not None:
        raise ValueError("sparse.split takes keyword arguments only (sp_input=, num_split=, "
                         "axis=)")
    axis = int(axis if split_dim is None else split_dim)
    sp = SparseTensor.from_value(sp_input)
    with name_scope(name, "SparseSplit"):
        rank = _rank(sp)
        at_axis = np.eye(rank, dtype=np.int64)[axis]
        length = sp.dense_shape[axis]
        base, extra = length // num_split, length % num_split
        parts = []
        for k in range(int(num_split)):
            offset = k * base + OPS.minimum(extra, k)
            size = base + cast(extra > k, dtypes.int64)
            parts.append(sparse_slice(sp, at_axis * offset,
                                      sp.dense_shape * (1 - at_axis) + at_axis * size))
        return parts
