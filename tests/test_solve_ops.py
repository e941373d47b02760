"""tf.matrix_inverse / matrix_determinant / matrix_solve beyond the op table (which checks
values and gradients): NumPy's results on batches, and the errors."""
import numpy as np
import pytest

import tf0 as tf


def test_batched_results_match_numpy():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((4, 3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal((4, 3, 2))
    with tf.Session() as sess:
        inv, det, x = sess.run([tf.linalg.inv(a), tf.linalg.det(a), tf.linalg.solve(a, b)])
    np.testing.assert_allclose(inv, np.linalg.inv(a), rtol=1e-12)
    np.testing.assert_allclose(det, np.linalg.det(a), rtol=1e-12)
    np.testing.assert_allclose(a @ x, b, atol=1e-12)


def test_errors():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible") as info:
            sess.run(tf.matrix_inverse(singular, name="inv"))
        assert "inv" in str(info.value)
        with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
            sess.run(tf.matrix_solve(singular, np.ones((2, 1))))
    with pytest.raises(ValueError, match="square"):
        tf.matrix_determinant(np.ones((2, 3)))
    with pytest.raises(TypeError, match="float"):
        tf.matrix_inverse(np.eye(2, dtype=np.int32))
