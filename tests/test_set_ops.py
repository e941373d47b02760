"""tf.unique, tf.unique_with_counts and tf.setdiff1d against NumPy (np.unique reordered to
first occurrence), on random inputs with many repeats, empty and single-element inputs."""
import numpy as np
import pytest

import tf0 as tf


def _unique_np(v):
    values, first, inverse, counts = np.unique(v, return_index=True, return_inverse=True,
                                               return_counts=True)
    order = np.argsort(first, kind="stable")  # distinct values by first occurrence
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    return values[order], position[inverse.reshape(-1)], counts[order]


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
def test_unique_and_counts_match_numpy(dtype):
    rng = np.random.default_rng(9)
    x = tf.placeholder(dtype, [None])
    u, c = tf.unique(x, out_idx=tf.int64), tf.unique_with_counts(x)
    with tf.Session() as sess:
        for v in (rng.integers(-5, 6, 200), rng.integers(0, 1000, 50), [], [3], [2, 2, 2]):
            v = np.asarray(v, dtype)
            (y, idx), (y2, idx2, count) = sess.run([u, c], {x: v})
            want_y, want_idx, want_count = _unique_np(v)
            np.testing.assert_array_equal(y, want_y)
            np.testing.assert_array_equal(idx, want_idx)
            np.testing.assert_array_equal(y[idx], v)
            assert idx.dtype == np.int64 and idx2.dtype == np.int32 and count.dtype == np.int32
            np.testing.assert_array_equal(y2, want_y)
            np.testing.assert_array_equal(count, want_count)


def test_setdiff1d_keeps_order_and_positions():
    x = tf.placeholder(tf.int32, [None])
    out, idx = tf.setdiff1d(x, [2, 7, 100])
    with tf.Session() as sess:
        for v in ([4, 2, 4, 7, 2, 2, 9], [2, 7], []):
            got_out, got_idx = sess.run([out, idx], {x: v})
            keep = [k for k, e in enumerate(v) if e not in (2, 7, 100)]
            np.testing.assert_array_equal(got_idx, keep)
            np.testing.assert_array_equal(got_out, np.asarray(v, np.int32)[keep])
    with pytest.raises(ValueError, match="1-D"):
        tf.unique(tf.constant([[1, 2]]))
