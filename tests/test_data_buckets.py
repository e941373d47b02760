"""tf.data.experimental.bucket_by_sequence_length against the grouping worked out by hand
(and against TF1 in test_against_tf1_extras.py)."""
import numpy as np
import pytest

import tf0 as tf


def _batches(data):
    element = data.make_one_shot_iterator().get_next()
    out = []
    with tf.Session() as sess:
        while True:
            try:
                out.append(sess.run(element))
            except tf.errors.OutOfRangeError:
                return out


def _sequences(lengths):
    return tf.data.Dataset.from_generator(
        lambda: [np.arange(n, dtype=np.int64) + 1 for n in lengths], tf.int64, [None])


def test_buckets_fill_pad_and_flush_in_bucket_order():
    # boundaries [3, 6]: lengths 1-2 in bucket 0 (batches of 2), 3-5 in bucket 1 (of 2),
    # 6+ in bucket 2 (of 3)
    lengths = [1, 4, 7, 2, 5, 8, 3, 9]
    bucketing = tf.data.experimental.bucket_by_sequence_length(
        lambda x: tf.size(x), [3, 6], [2, 2, 3])
    got = _batches(_sequences(lengths).apply(bucketing))
    rows = [[len(np.trim_zeros(r)) for r in batch] for batch in got]
    # filled as they come: bucket 0 [1, 2], bucket 1 [4, 5], bucket 2 [7, 8, 9]; then the
    # rest, bucket by bucket: bucket 1 [3]
    assert rows == [[1, 2], [4, 5], [7, 8, 9], [3]]
    assert [b.shape[1] for b in got] == [2, 5, 9, 3]  # padded to each batch's longest
    np.testing.assert_array_equal(got[0], [[1, 0], [1, 2]])
    boundary = _batches(_sequences(lengths[:2]).apply(
        tf.data.experimental.bucket_by_sequence_length(
            lambda x: tf.size(x), [3, 6], [2, 2, 3], pad_to_bucket_boundary=True)))
    assert [b.shape for b in boundary] == [(1, 2), (1, 5)]  # boundary - 1
    with pytest.raises(tf.errors.InvalidArgumentError, match="length < max"):
        _batches(_sequences([7]).apply(tf.data.experimental.bucket_by_sequence_length(
            lambda x: tf.size(x), [3, 6], [2, 2, 3], pad_to_bucket_boundary=True)))
    with pytest.raises(ValueError, match="must equal"):
        tf.data.experimental.bucket_by_sequence_length(lambda x: tf.size(x), [3], [2])(
            _sequences([1]))
