"""TF1's smaller checks and variable bookkeeping against hand-made cases."""
import numpy as np
import pytest

import tf0 as tf


def test_static_checks_raise_now_and_dynamic_ones_at_run_time():
    with pytest.raises(ValueError, match="scalar"):
        tf.assert_scalar(tf.zeros([2]))
    with pytest.raises(TypeError, match="integer"):
        tf.assert_integer(tf.zeros([2]))
    with pytest.raises(ValueError, match="at least 3"):
        tf.assert_rank_at_least(tf.zeros([2]), 3)
    with pytest.raises(ValueError, match=r"in \[0, 3\]"):
        tf.assert_rank_in(tf.zeros([2, 2]), [0, 3])
    with pytest.raises(ValueError, match="different dtypes"):
        tf.assert_same_float_dtype([tf.zeros([1]), tf.zeros([1], tf.float64)])
    assert tf.assert_same_float_dtype([tf.zeros([1])]) is tf.float32
    x = tf.placeholder(tf.float32, None)
    checks = [tf.assert_rank_at_least(x, 2), tf.assert_near(x, tf.ones_like(x), atol=0.1)]
    fixed = tf.ensure_shape(x, [None, 2])
    assert fixed.shape.as_list() == [None, 2]
    with tf.Session() as sess:
        sess.run(checks + [fixed], {x: np.full((3, 2), 1.05)})
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(checks[0], {x: np.ones(3)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="tolerance"):
            sess.run(checks[1], {x: np.full((3, 2), 1.5)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="expected shape"):
            sess.run(fixed, {x: np.ones((2, 3))})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Inf"):
            sess.run(tf.verify_tensor_all_finite(x, "bad"), {x: [np.inf]})


def test_uninitialized_variables_are_reported():
    a, b = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b")
    local = tf.get_local_variable("counter", [], initializer=tf.zeros_initializer())
    assert local in tf.local_variables() and local not in tf.global_variables()
    report = tf.report_uninitialized_variables()
    with tf.Session() as sess:
        assert sorted(sess.run(report).tolist()) == [b"a", b"b", b"counter"]
        sess.run(a.initializer)
        assert sorted(sess.run(report).tolist()) == [b"b", b"counter"]
        assert sess.run(tf.is_variable_initialized(a)) and not sess.run(
            tf.is_variable_initialized(b))
        with pytest.raises(tf.errors.InvalidArgumentError, match="not initialized"):
            sess.run(tf.assert_variables_initialized())


def test_array_extras_by_hand():
    x = np.arange(24.0).reshape(1, 4, 6, 1)
    with tf.Session() as sess:
        s2b, idx, rep, upd = sess.run([
            tf.space_to_batch_nd(x, [2, 3], [[0, 0], [0, 0]]),
            tf.unravel_index([7, 23], [2, 3, 4]), tf.repeat([[1, 2], [3, 4]], 2, axis=1),
            tf.tensor_scatter_nd_update(tf.zeros([2, 3]), [[1, 2]], [5.0])])
    # block (i, j) of 2x3 collects x[0, 2a + i, 3b + j]
    np.testing.assert_array_equal(s2b[:, :, :, 0], [x[0, i::2, j::3, 0] for i in range(2)
                                                    for j in range(3)])
    np.testing.assert_array_equal(idx, [[0, 1], [1, 2], [3, 3]])
    np.testing.assert_array_equal(rep, [[1, 1, 2, 2], [3, 3, 4, 4]])
    np.testing.assert_array_equal(upd, [[0, 0, 0], [0, 0, 5]])
