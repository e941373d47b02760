"""Segment maxima, minima and products: tf.unsorted_segment_max / min / prod and
tf.segment_max / min / prod. One host op each (NumPy's ufunc.at in slice order; on the GPU
backend the values are downloaded and the result uploaded), with TF1's gradients: each
segment's gradient shared equally by the slices that reach its extreme; a product's
divided by each factor, with zeros handled as TF1 does. A segment no slice reaches holds
the dtype's lowest (max) or highest (min) finite value, or 1 (prod), in the unsorted form,
0 in the sorted one, as in TF1."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import constant_value, name_scope
from tf0.engine.shapes import TensorShape

from .array_composites import segment_count, unsorted_segment_sum
from .core import OPS, convert_to_tensor, defop, make_op

_UFUNC = {"UnsortedSegmentMax": np.maximum, "UnsortedSegmentMin": np.minimum,
          "UnsortedSegmentProd": np.multiply}


def _infer(op):
    data, ids, count = op.inputs
    known = constant_value(count)
    rows = TensorShape([None if known is None else int(known)])
    rest = data.shape.dims[ids.shape.ndims:] if data.shape.ndims is not None \
        and ids.shape.ndims is not None else None
    return [(rows.concatenate(TensorShape(rest)), data.dtype)]


def _empty_value(dtype, op_type):
    if op_type == "UnsortedSegmentProd":
        return 1
    info = np.finfo(dtype) if np.dtype(dtype).kind == "f" else np.iinfo(dtype)
    return info.min if op_type == "UnsortedSegmentMax" else info.max


def _bind(op, ctx):
    ufunc, fill = _UFUNC[op.type], _empty_value(op.outputs[0].dtype.np, op.type)

    def segment_extreme(data, ids, count):
        ids = np.asarray(ids)
        rows = np.asarray(data).reshape((-1,) + data.shape[ids.ndim:])
        flat = ids.reshape(-1)
        if flat.size and flat.max(initial=-1) >= int(count):
            raise ValueError(f"segment id {int(flat.max())} is not in [0, {int(count)})")
        out = np.full((int(count),) + rows.shape[1:], fill, rows.dtype)
        kept = flat >= 0
        ufunc.at(out, flat[kept], rows[kept])
        return out
    return segment_extreme


def _grad(op, dy):
    data, ids, count = op.inputs
    k = ids.shape.ndims
    picked = OPS.gather(op.outputs[0], OPS.maximum(ids, 0))
    inner = OPS.ones_like(OPS.shape(data)[k:])
    kept = OPS.reshape(ids >= 0, OPS.concat([OPS.shape(ids), inner], 0))
    chosen = OPS.logical_and(OPS.equal(data, picked), OPS.broadcast_to(kept, OPS.shape(data)))
    share = dy / unsorted_segment_sum(OPS.cast(chosen, dy.dtype), ids, count)
    spread = OPS.gather(share, OPS.maximum(ids, 0))
    return [OPS.where(chosen, spread, OPS.zeros_like(spread)), None, None]


def _prod_grad(op, dy):
    data, ids, count = op.inputs
    is_zero = OPS.equal(data, OPS.zeros_like(data))
    zeros = unsorted_segment_sum(OPS.cast(is_zero, dy.dtype), ids, count)
    dy = OPS.where(zeros > 1, OPS.zeros_like(dy), dy)  # two zeros: no factor matters alone
    others = unsorted_segment_prod(OPS.where(is_zero, OPS.ones_like(data), data), ids, count)
    index = OPS.maximum(ids, 0)
    partial = OPS.where(is_zero, OPS.gather(others, index),
                        OPS.gather(op.outputs[0], index) / data)
    inner = OPS.ones_like(OPS.shape(data)[ids.shape.ndims:])
    kept = OPS.reshape(ids >= 0, OPS.concat([OPS.shape(ids), inner], 0))
    spread = OPS.where(OPS.broadcast_to(kept, OPS.shape(data)), OPS.gather(dy, index),
                       OPS.zeros_like(data))
    return [spread * partial, None, None]


for _type in ("UnsortedSegmentMax", "UnsortedSegmentMin"):
    defop(_type, _infer, _bind, grad=_grad)
defop("UnsortedSegmentProd", _infer, _bind, grad=_prod_grad)


def _segment(op_type, data, segment_ids, num_segments, name):
    with name_scope(name, op_type):
        data = convert_to_tensor(data)
        if not (data.dtype.is_floating or data.dtype.is_integer) or data.dtype is dtypes.uint8:
            raise TypeError(f"{op_type} takes float or integer data, got {data.dtype.name}")
        ids = convert_to_tensor(segment_ids)
        if ids.shape.ndims is None:
            raise ValueError(f"{op_type} needs segment_ids of known rank")
        count = OPS.cast(convert_to_tensor(num_segments), dtypes.int32)
        return make_op(op_type, [data, ids, count], {}, name=op_type)


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """out[s] = the largest data[i...] with segment_ids[i...] == s (ids cover data's
    leading dims; negative ids are dropped)."""
    return _segment("UnsortedSegmentMax", data, segment_ids, num_segments, name)


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """As unsorted_segment_max, the smallest."""
    return _segment("UnsortedSegmentMin", data, segment_ids, num_segments, name)


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """As unsorted_segment_max, the product (1 for a segment no slice reaches)."""
    return _segment("UnsortedSegmentProd", data, segment_ids, num_segments, name)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """Each segment's sum divided by the square root of its slice count (0 when empty)."""
    with name_scope(name, "UnsortedSegmentSqrtN"):
        data = convert_to_tensor(data)
        total = unsorted_segment_sum(data, segment_ids, num_segments)
        ids = convert_to_tensor(segment_ids)
        count = unsorted_segment_sum(OPS.cast(ids >= 0, data.dtype), ids, num_segments)
        shape = OPS.concat([[-1], OPS.ones_like(OPS.shape(total)[1:])], 0)
        return total / OPS.reshape(OPS.sqrt(OPS.maximum(count, 1.0)), shape)


def _sorted(unsorted, data, segment_ids, name):
    """The sorted-ids form: max(segment_ids) + 1 segments, 0 where an id is missing."""
    with name_scope(name):
        data = convert_to_tensor(data)
        ids = convert_to_tensor(segment_ids)
        count = segment_count(ids)
        out = unsorted(data, ids, count)
        present = unsorted_segment_sum(OPS.ones_like(ids, dtype=dtypes.float32), ids, count)
        present = OPS.reshape(present > 0, OPS.concat(
            [[-1], OPS.ones_like(OPS.shape(out)[1:])], 0))
        return OPS.where(OPS.broadcast_to(present, OPS.shape(out)), out, OPS.zeros_like(out))


def segment_max(data, segment_ids, name=None):
    """The largest slice of each segment, ids sorted: max(segment_ids) + 1 segments, 0
    for an id that does not occur (TF1's sorted form)."""
    return _sorted(unsorted_segment_max, data, segment_ids, name or "SegmentMax")


def segment_min(data, segment_ids, name=None):
    """As segment_max, the smallest."""
    return _sorted(unsorted_segment_min, data, segment_ids, name or "SegmentMin")


def segment_prod(data, segment_ids, name=None):
    """As segment_max, the product (1 for an id that does not occur, as TF1)."""
    with name_scope(name, "SegmentProd"):
        ids = convert_to_tensor(segment_ids)
        return unsorted_segment_prod(data, ids, segment_count(ids))
