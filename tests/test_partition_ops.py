"""tf.dynamic_partition and tf.dynamic_stitch against NumPy: partitions in order (an empty
one included, and partitions over two leading dims), stitching back, a later duplicate
index winning, unnamed slots as zeros, and the gradient through both."""
import numpy as np

import tf0 as tf


def test_partition_then_stitch_round_trips_with_its_gradient():
    rng = np.random.default_rng(2)
    data = rng.standard_normal((8, 3))
    parts = np.array([3, 0, 3, 1, 0, 3, 0, 1], np.int32)
    x = tf.placeholder(tf.float64, [None, 3])
    outs = tf.dynamic_partition(x, parts, 4)
    places = tf.dynamic_partition(tf.range(8), parts, 4)
    back = tf.dynamic_stitch(places, outs)
    weights = rng.standard_normal((8, 3))
    grad = tf.gradients(tf.reduce_sum(tf.square(back) * weights), x)[0]
    with tf.Session() as sess:
        got_outs, got_back, got_grad = sess.run([outs, back, grad], {x: data})
    for i in range(4):
        np.testing.assert_array_equal(got_outs[i], data[parts == i])
    assert got_outs[2].shape == (0, 3)
    np.testing.assert_array_equal(got_back, data)
    np.testing.assert_allclose(got_grad, 2 * data * weights, rtol=1e-12)


def test_partitions_over_leading_dims():
    grid = np.arange(24.0).reshape(2, 3, 4)
    parts = np.array([[1, 0, 1], [0, 0, 1]], np.int32)
    with tf.Session() as sess:
        zero, one = sess.run(tf.dynamic_partition(tf.constant(grid), parts, 2))
    np.testing.assert_array_equal(zero, grid[parts == 0])
    np.testing.assert_array_equal(one, grid[parts == 1])


def test_stitch_takes_the_later_of_duplicates_and_zeros_unnamed_slots():
    idx = [np.array([[0, 5], [2, 2]], np.int32), np.array([5, 1], np.int32)]
    vals = [np.array([[[1, 1], [2, 2]], [[3, 3], [4, 4]]], np.float32),
            np.array([[7, 7], [8, 8]], np.float32)]
    want = np.zeros((6, 2), np.float32)
    for i, v in zip(idx, vals):  # in order: a later write wins
        for j, row in zip(i.reshape(-1), v.reshape(-1, 2)):
            want[j] = row
    with tf.Session() as sess:
        got = sess.run(tf.dynamic_stitch([tf.constant(i) for i in idx],
                                         [tf.constant(v) for v in vals]))
    np.testing.assert_array_equal(got, want)
