"""tf.nn.top_k and tf.nn.in_top_k against NumPy's stable sort, ties included."""
import numpy as np
import pytest

import tf0 as tf


def test_top_k_matches_a_stable_descending_sort_with_ties():
    rng = np.random.default_rng(0)
    xv = rng.integers(0, 4, (5, 3, 6)).astype(np.float32)  # many ties
    x = tf.placeholder(tf.float32, [None, 3, 6])
    values, indices = tf.nn.top_k(x, 4)
    none_values, none_indices = tf.nn.top_k(x, 0)
    with tf.Session() as sess:
        got_v, got_i, nv, ni = sess.run([values, indices, none_values, none_indices], {x: xv})
    order = np.argsort(-xv, axis=-1, kind="stable")[..., :4]
    np.testing.assert_array_equal(got_i, order)
    np.testing.assert_array_equal(got_v, np.take_along_axis(xv, order, -1))
    assert nv.shape == (5, 3, 0) and ni.shape == (5, 3, 0)
    with pytest.raises(ValueError, match="static last"):
        tf.nn.top_k(tf.placeholder(tf.float32, [2, None]), 1)
    with pytest.raises(ValueError, match="outside"):
        tf.nn.top_k(x, 7)


def test_in_top_k_counts_ties_in_and_non_finite_out():
    predictions = np.array([[1.0, 3.0, 3.0, 2.0], [5.0, -1.0, 0.0, 5.0],
                            [np.inf, 1.0, 0.0, 2.0], [0.5, 0.5, 0.5, 0.5]], np.float32)
    targets = np.array([2, 2, 0, 3])
    with tf.Session() as sess:
        got = [sess.run(tf.nn.in_top_k(predictions, targets, k)) for k in (1, 2, 3)]
    larger = (predictions > predictions[np.arange(4), targets][:, None]).sum(1)
    finite = np.isfinite(predictions[np.arange(4), targets])
    for k, g in zip((1, 2, 3), got):
        np.testing.assert_array_equal(g, (larger < k) & finite)
