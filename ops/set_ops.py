"""tf.unique, tf.unique_with_counts and tf.setdiff1d, written with a stable argsort, cumsum
and boolean_mask: no kernels of their own. Their output sizes depend on the data, so on the
GPU their plans read a count back and launch op by op (as boolean_mask does)."""
import collections

from tf0.engine import dtypes
from tf0.engine.graph import name_scope

from . import math_ops
from .array_ops import concat, expand_dims, size
from .core import OPS, convert_to_tensor
from .index_ops import gather
from .reduce_ops import REDUCE_BUILDERS
from .scan_ops import argsort, boolean_mask, cumsum
from .sources import range_

UniqueOutput = collections.namedtuple("UniqueOutput", ["y", "idx"])
UniqueWithCountsOutput = collections.namedtuple("UniqueWithCountsOutput", ["y", "idx", "count"])
SetDiffOutput = collections.namedtuple("SetDiffOutput", ["out", "idx"])


def _groups(x, out_idx):
    """(y, idx, first_sorted, rank, n) of a 1-D x: y its distinct values in order of first
    occurrence, idx [n] the position in y of each element; first_sorted [n] marks where a
    group of equal values starts in sorted order, rank the order of the groups in y."""
    x = convert_to_tensor(x)
    if x.shape.ndims != 1:
        raise ValueError(f"unique needs a 1-D tensor, got shape {x.shape}")
    order = argsort(x)  # stable: the first of equal values has the smallest index
    ordered = gather(x, order)
    starts_group = math_ops.cast(OPS.ones_like(order[:1]), dtypes.bool_)  # [] when x is empty
    first_sorted = concat([starts_group, OPS.not_equal(ordered[1:], ordered[:-1])], 0)
    group_sorted = cumsum(math_ops.cast(first_sorted, dtypes.int32)) - 1
    rank = argsort(boolean_mask(order, first_sorted))  # groups by first occurrence
    y = gather(boolean_mask(ordered, first_sorted), rank)
    new_id = argsort(rank)
    idx = gather(new_id, gather(group_sorted, argsort(order)))
    return y, math_ops.cast(idx, out_idx), first_sorted, rank, size(x)


def unique(x, out_idx=dtypes.int32, name=None):
    """(y, idx): the distinct values of 1-D x in order of first occurrence, and for each
    element of x its position in y (x == gather(y, idx))."""
    with name_scope(name, "Unique"):
        y, idx, *_ = _groups(x, dtypes.as_dtype(out_idx))
        return UniqueOutput(y, idx)


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """(y, idx, count): as unique, and how many times each value of y occurs in x."""
    with name_scope(name, "UniqueWithCounts"):
        out_idx = dtypes.as_dtype(out_idx)
        y, idx, first_sorted, rank, n = _groups(x, out_idx)
        starts = boolean_mask(range_(n), first_sorted)
        ends = concat([starts[1:], expand_dims(n, 0)], 0)[:size(starts)]
        return UniqueWithCountsOutput(y, idx, math_ops.cast(gather(ends - starts, rank),
                                                             out_idx))


def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """(out, idx): the elements of 1-D x that are not in y, in x's order, and their
    positions in x."""
    with name_scope(name, "setdiff1d"):
        x, y = convert_to_tensor(x), convert_to_tensor(y)
        if x.shape.ndims != 1 or y.shape.ndims != 1:
            raise ValueError("setdiff1d needs 1-D tensors")
        seen = REDUCE_BUILDERS["reduce_any"](
            OPS.equal(expand_dims(x, 1), expand_dims(math_ops.cast(y, x.dtype), 0)), axis=1)
        keep = OPS.logical_not(seen)
        return SetDiffOutput(boolean_mask(x, keep),
                             math_ops.cast(boolean_mask(range_(size(x)), keep),
                                           dtypes.as_dtype(index_dtype)))
