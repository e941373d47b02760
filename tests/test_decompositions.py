"""Matrix decompositions: each factorization rebuilds its matrix with the promised structure,
and the least-squares helpers agree with NumPy's own (SVD-based) answers."""
import numpy as np
import pytest

import tf0 as tf

RNG = np.random.default_rng(21)


def _run(*fetches):
    with tf.Session() as sess:
        return sess.run(list(fetches))


def test_factorizations_rebuild_their_matrices():
    x = RNG.standard_normal((3, 4, 4))
    spd = x @ np.swapaxes(x, -1, -2) + np.eye(4)
    tall = RNG.standard_normal((2, 6, 4))
    chol, (e, v), (q, r), (s, u, w), (qf, rf) = _run(
        tf.cholesky(spd), tf.self_adjoint_eig(spd), tf.qr(tall), tf.svd(tall),
        tf.qr(tall, full_matrices=True))
    np.testing.assert_allclose(chol @ np.swapaxes(chol, -1, -2), spd, rtol=1e-12, atol=1e-12)
    assert np.all(np.triu(chol, 1) == 0) and np.all(np.diagonal(chol, axis1=1, axis2=2) > 0)
    np.testing.assert_allclose(v @ (e[..., None] * np.swapaxes(v, -1, -2)), spd, atol=1e-11)
    assert np.all(np.diff(e, axis=-1) > 0)
    np.testing.assert_allclose(q @ r, tall, atol=1e-12)
    np.testing.assert_allclose(np.swapaxes(q, -1, -2) @ q, np.broadcast_to(np.eye(4), (2, 4, 4)),
                               atol=1e-12)
    assert q.shape == (2, 6, 4) and r.shape == (2, 4, 4) and np.all(np.tril(r, -1) == 0)
    assert qf.shape == (2, 6, 6) and rf.shape == (2, 6, 4)
    np.testing.assert_allclose(qf @ rf, tall, atol=1e-12)
    np.testing.assert_allclose(u @ (s[..., None] * np.swapaxes(w, -1, -2)), tall, atol=1e-12)
    assert np.all(np.diff(s, axis=-1) <= 0) and s.shape == (2, 4) and w.shape == (2, 4, 4)


def test_triangular_solves_read_one_triangle():
    a = RNG.standard_normal((4, 4)) + 4 * np.eye(4)
    b = RNG.standard_normal((4, 2))
    low, up_t = _run(tf.matrix_triangular_solve(a, b),
                     tf.matrix_triangular_solve(a, b, lower=False, adjoint=True))
    np.testing.assert_allclose(np.tril(a) @ low, b, atol=1e-12)
    np.testing.assert_allclose(np.triu(a).T @ up_t, b, atol=1e-12)
    chol = np.linalg.cholesky(a @ a.T)
    (x,) = _run(tf.cholesky_solve(chol, b))
    np.testing.assert_allclose(a @ a.T @ x, b, atol=1e-10)


def test_least_squares_pinv_rank_and_log_determinants_agree_with_numpy():
    a = RNG.standard_normal((6, 3))
    b = RNG.standard_normal((6, 2))
    deficient = a @ np.diag([1.0, 1.0, 0.0]) @ RNG.standard_normal((3, 3))
    square = RNG.standard_normal((3, 3))
    spd = square @ square.T + np.eye(3)
    fast, slow, ridge, pinv, ranks, (sign, logabs), logdet = _run(
        tf.matrix_solve_ls(a, b), tf.matrix_solve_ls(deficient, b, fast=False),
        tf.matrix_solve_ls(a, b, l2_regularizer=0.5), tf.linalg.pinv(deficient),
        tf.linalg.matrix_rank(np.stack([a, deficient])), tf.linalg.slogdet(square),
        tf.linalg.logdet(spd))
    np.testing.assert_allclose(fast, np.linalg.lstsq(a, b, rcond=None)[0], atol=1e-10)
    np.testing.assert_allclose(slow, np.linalg.lstsq(deficient, b, rcond=None)[0], atol=1e-10)
    np.testing.assert_allclose(ridge, np.linalg.solve(a.T @ a + 0.5 * np.eye(3), a.T @ b),
                               atol=1e-10)
    np.testing.assert_allclose(pinv, np.linalg.pinv(deficient), atol=1e-10)
    assert ranks.tolist() == [3, 2]
    want_sign, want_log = np.linalg.slogdet(square)
    assert sign == want_sign
    np.testing.assert_allclose(logabs, want_log, rtol=1e-12)
    np.testing.assert_allclose(logdet, np.log(np.linalg.det(spd)), rtol=1e-12)


def test_matrix_set_diag_and_band_part_of_run_time_size():
    x = tf.placeholder(tf.float64, [None, None])
    lower = tf.matrix_band_part(x, -1, 0)
    replaced = tf.linalg.set_diag(x, tf.ones([3], tf.float64) * 7.0)
    value = RNG.standard_normal((3, 3))
    with tf.Session() as sess:
        got, rep = sess.run([lower, replaced], {x: value})
    np.testing.assert_array_equal(got, np.tril(value))
    np.testing.assert_array_equal(rep, value - np.diag(np.diag(value)) + 7 * np.eye(3))


def test_bad_matrices_fail_clearly():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cholesky"):
        _run(tf.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]])))
    with pytest.raises(ValueError, match="square"):
        tf.cholesky(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="float32 or float64"):
        tf.svd(np.zeros((2, 3), np.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
        _run(tf.matrix_triangular_solve(np.zeros((2, 2)), np.ones((2, 1))))
