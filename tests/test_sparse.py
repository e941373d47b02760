"""tf.SparseTensor: feeding a sparse_placeholder, fetching a SparseTensorValue, densifying
with a default, sparse sums and sparse-dense products with their gradients, against NumPy."""
import numpy as np
import pytest

import tf0 as tf


def _dense(indices, values, shape, default=0.0):
    out = np.full(shape, default)
    for i, v in zip(indices, values):
        out[tuple(i)] = v
    return out


def test_feed_fetch_and_densify():
    sp = tf.sparse_placeholder(tf.float64, [3, 4])
    value = tf.SparseTensorValue(np.array([[0, 1], [2, 3], [1, 0]]), np.array([5.0, 7.0, -2.0]),
                                 np.array([3, 4]))
    dense = tf.sparse_tensor_to_dense(sp, default_value=-1.0)
    total = tf.sparse_reduce_sum(sp, axis=1)
    with tf.Session() as sess:
        got_sp, got_dense, got_total = sess.run([sp, dense, total], {sp: value})
        assert isinstance(got_sp, tf.SparseTensorValue)
        np.testing.assert_array_equal(got_sp.indices, value.indices)
        np.testing.assert_array_equal(got_sp.values, value.values)
        np.testing.assert_array_equal(got_dense, _dense(value.indices, value.values, (3, 4), -1))
        np.testing.assert_array_equal(got_total, [5.0, -2.0, 7.0])
        step = sess.make_callable([dense, total], [sp])  # a sparse feed in a callable
        again = step((value.indices, value.values, value.dense_shape))
        np.testing.assert_array_equal(again[0], got_dense)
        with pytest.raises(TypeError, match="triple"):
            sess.run(dense, {sp: np.zeros((3, 4))})
    assert sp.shape.as_list() == [3, 4] and sp.dtype == tf.float64


def test_sparse_dense_matmul_and_its_gradients():
    rng = np.random.default_rng(3)
    indices = np.array([[0, 0], [1, 2], [3, 1], [3, 3]])
    values = tf.placeholder(tf.float64, [4])
    b = tf.placeholder(tf.float64, [4, 2])
    sp = tf.SparseTensor(indices, values, [4, 4])
    product = tf.sparse_tensor_dense_matmul(sp, b)
    loss = tf.reduce_sum(product * product)
    grads = tf.gradients(loss, [values, b])
    vv, bv = rng.standard_normal(4), rng.standard_normal((4, 2))
    with tf.Session() as sess:
        got = sess.run([product] + grads, {values: vv, b: bv})
    a = _dense(indices, vv, (4, 4))
    np.testing.assert_allclose(got[0], a @ bv, rtol=1e-12)
    dprod = 2 * a @ bv
    np.testing.assert_allclose(got[1], [(dprod @ bv.T)[tuple(i)] for i in indices], rtol=1e-12)
    np.testing.assert_allclose(got[2], a.T @ dprod, rtol=1e-12)
