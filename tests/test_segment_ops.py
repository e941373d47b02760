"""tf.unsorted_segment_max / min and tf.segment_max / min against NumPy, on both backends:
empty segments (the dtype's limit unsorted, 0 sorted), dropped negative ids, multi-dim ids,
the gradient to the extremes, an id out of range (ties sharing the gradient: against TF1)."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf


@pytest.mark.parametrize("device", ["numpy", "null_gpu"])
def test_segment_extremes_and_their_gradient(device, monkeypatch):
    if device == "null_gpu":
        fake_cuda.install(monkeypatch)
    data = np.array([[[1.0, 5.0], [3.0, 2.0]], [[3.0, 7.0], [-1.0, 2.0]]])  # [2, 2, 2]
    ids = np.array([[0, 2], [0, -1]])  # over the two leading dims; -1 dropped
    x = tf.constant(data)
    mx = tf.unsorted_segment_max(x, ids, 4)
    mn = tf.segment_min(tf.constant([[4.0], [2.0], [9.0]]), [0, 0, 2])
    grad = tf.gradients(tf.reduce_sum(mx[:3]), x)[0]
    with tf.Session() as sess:
        got_max, got_min, got_grad = sess.run([mx, mn, grad])
    low = np.finfo(np.float64).min
    np.testing.assert_array_equal(got_max, [[3.0, 7.0], [low, low], [3.0, 2.0], [low, low]])
    np.testing.assert_array_equal(got_min, [[2.0], [0.0], [9.0]])
    # each extreme's slice gets the gradient; the dropped slice (id -1) none
    np.testing.assert_array_equal(got_grad, [[[0.0, 0.0], [1.0, 1.0]],
                                             [[1.0, 1.0], [0.0, 0.0]]])


def test_integer_data_and_errors():
    with tf.Session() as sess:
        got = sess.run(tf.unsorted_segment_min(tf.constant([4, -2, 9], tf.int32), [1, 1, 0], 3))
        np.testing.assert_array_equal(got, [9, -2, np.iinfo(np.int32).max])
        with pytest.raises(tf.errors.InvalidArgumentError, match="segment id 5"):
            sess.run(tf.unsorted_segment_max(tf.constant([1.0, 2.0]), [0, 5], 3))
    with pytest.raises(TypeError):
        tf.unsorted_segment_max(tf.constant([True]), [0], 1)
