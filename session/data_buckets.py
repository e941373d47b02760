"""tf.data.experimental.bucket_by_sequence_length: elements grouped by length into
buckets, each batched (padded) when it holds its batch size, the rest at the end in bucket
order (TF1's group_by_window under it)."""
import numpy as np

from tf0.engine import errors
from tf0.engine.shapes import TensorShape, as_shape

from .data import _Batch, _flatten, _Traced, _Unary
from .data_more import padded_stack


class BucketBySequenceLength(_Unary):
    """Bucket i holds the elements of boundaries[i - 1] <= length < boundaries[i] and is
    batched by batch_sizes[i]: padded to padded_shapes (a None dim: the batch's longest;
    the first None dim with pad_to_bucket_boundary: the bucket's boundary - 1), or
    stacked as they are with no_padding."""

    def __init__(self, child, length_func, boundaries, batch_sizes, padded_shapes,
                 padding_values, pad_to_bucket_boundary, no_padding, drop_remainder):
        boundaries, batch_sizes = [int(b) for b in boundaries], [int(s) for s in batch_sizes]
        if len(batch_sizes) != len(boundaries) + 1:
            raise ValueError("len(bucket_batch_sizes) must equal len(bucket_boundaries) + 1")
        if any(b >= c for b, c in zip(boundaries, boundaries[1:])):
            raise ValueError("bucket_boundaries must be sorted increasingly")
        self._length = _Traced(length_func, child._template, child._spec)
        length = self._length.outputs
        if len(length) != 1 or not length[0].dtype.is_integer:
            raise ValueError("element_length_func must return one integer scalar")
        self._boundaries, self._sizes = boundaries, batch_sizes
        self._pad_to_boundary, self._no_padding = pad_to_bucket_boundary, no_padding
        self._drop = drop_remainder
        shapes = [as_shape(s) for s in _flatten(padded_shapes)] if padded_shapes is not None \
            else [TensorShape(None if s.ndims is None else [None] * s.ndims)
                  for s, _ in child._spec]
        values = _flatten(padding_values) if padding_values is not None else [0] * len(shapes)
        self._pads = [(shape, np.asarray(v, dt.np)) for shape, v, (_, dt)
                      in zip(shapes, values, child._spec)]
        super().__init__(child, [(TensorShape([None]).concatenate(
            s if no_padding else TensorShape(None if p.ndims is None else [None] * p.ndims)),
            dt) for (s, dt), (p, _) in zip(child._spec, self._pads)])

    def _bucket(self, length):
        if self._pad_to_boundary and self._boundaries and length >= self._boundaries[-1]:
            raise errors.InvalidArgumentError(
                None, None, "When pad_to_bucket_boundary=True, elements must have length < "
                            "max(bucket_boundaries).")
        return int(np.searchsorted(self._boundaries, length, side="right"))

    def _batch(self, bucket, elements):
        if self._no_padding:
            return _Batch._stack(elements)
        if not self._pad_to_boundary:
            return padded_stack(elements, self._pads)
        filler = self._boundaries[bucket] - 1
        pads = []
        for shape, value in self._pads:
            dims = shape.dims
            if dims and dims[0] is None:
                shape = TensorShape([filler] + list(dims[1:]))
            pads.append((shape, value))
        return padded_stack(elements, pads)

    def _gen(self, env):
        buckets = {}
        for element in self._child._gen(env):
            bucket = self._bucket(int(self._length(element)[0]))
            group = buckets.setdefault(bucket, [])
            group.append(element)
            if len(group) == self._sizes[bucket]:
                yield self._batch(bucket, group)
                buckets[bucket] = []
        for bucket in sorted(buckets):
            if buckets[bucket] and not self._drop:
                yield self._batch(bucket, buckets[bucket])


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """The transformation for Dataset.apply (see BucketBySequenceLength)."""
    return lambda dataset: BucketBySequenceLength(
        dataset, element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
        padding_values, pad_to_bucket_boundary, no_padding, drop_remainder)

