"""tf.dynamic_partition and tf.dynamic_stitch, written in terms of other ops (boolean_mask,
last_of_each's stable sort, the segment sums and gather), so both backends and the gradients come
with them. Their output sizes depend on the values of their inputs (a count read back from
the device), so plans holding them launch op by op, as with boolean_mask."""
from tf0.engine import dtypes
from tf0.engine.graph import name_scope

from .array_composites import segment_count, unsorted_segment_sum
from .array_ops import concat, reshape, shape
from .core import OPS, convert_to_tensor
from .index_ops import gather
from .scan_ops import boolean_mask, last_of_each


def dynamic_partition(data, partitions, num_partitions, name=None):
    """[outputs[i] for i < num_partitions]: outputs[i] holds the slices of `data` whose
    entry in `partitions` (int32, shaped like data's leading dims) is i, in their order."""
    with name_scope(name, "DynamicPartition"):
        data = convert_to_tensor(data)
        partitions = convert_to_tensor(partitions, dtype=dtypes.int32)
        return [boolean_mask(data, OPS.equal(partitions, i))
                for i in range(int(num_partitions))]


def dynamic_stitch(indices, data, name=None):
    """merged[indices[m][...]] = data[m][...]: one tensor of max(indices) + 1 slices. Where
    an index appears more than once the later one (in m, then in order) wins, as in TF1;
    slices no index names are zeros."""
    with name_scope(name, "DynamicStitch"):
        indices = [convert_to_tensor(i, dtype=dtypes.int32) for i in indices]
        data = [convert_to_tensor(d) for d in data]
        if len(indices) != len(data) or not indices:
            raise ValueError(f"dynamic_stitch takes as many index tensors as data tensors, "
                             f"at least one (got {len(indices)} and {len(data)})")
        k = indices[0].shape.ndims
        if k is None:
            raise ValueError("dynamic_stitch needs indices of known rank")
        slice_shape = shape(data[0])[k:]
        flat_index = concat([reshape(i, [-1]) for i in indices], 0)
        flat_data = concat([reshape(d, concat([[-1], slice_shape], 0)) for d in data], 0)
        count = segment_count(flat_index)
        last = last_of_each(flat_index)  # the later of equal indices wins
        winner_index = boolean_mask(flat_index, last)
        winner_at = boolean_mask(OPS.range_(OPS.size(flat_index)), last)
        # each index has one winner: these sums are exact, and `covered` marks the indices
        source = unsorted_segment_sum(winner_at, winner_index, count)
        covered = unsorted_segment_sum(OPS.ones_like(winner_index), winner_index, count) > 0
        picked = gather(flat_data, source)
        mask = reshape(covered, concat([[-1], OPS.ones_like(slice_shape)], 0))
        return OPS.where(OPS.broadcast_to(mask, shape(picked)), picked,
                         OPS.zeros_like(picked))
