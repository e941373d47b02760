"""Differential tests of the trigonometric, hyperbolic and special functions, the no-NaN
arithmetic and tf.bitwise against TensorFlow's compat.v1 (skipped without TensorFlow)."""
import numpy as np

from tf1_reference import assert_close, both


def test_special_functions_and_their_gradients_match():
    rng = np.random.default_rng(11)
    unit = rng.uniform(-0.95, 0.95, 40)
    wide = np.concatenate([rng.uniform(-6.5, 12, 40), [0.5, 1, 2, 1e-3, 25.0, -2.5]])
    order = np.repeat([0.0, 1.0, 2.0, 3.0], 10)

    def program(tf):
        u, w = tf.constant(unit), tf.constant(wide)
        p = tf.constant(np.abs(unit) * 0.999 + 1e-4)
        q = tf.constant(np.abs(wide[:40]) + 0.2)
        outs = [tf.tan(u), tf.asin(u), tf.acos(u), tf.atan(w), tf.sinh(u * 3), tf.cosh(u * 3),
                tf.asinh(w), tf.acosh(tf.abs(w) + 1.01), tf.atanh(u), tf.expm1(u * 4),
                tf.lgamma(w), tf.digamma(w), tf.math.erfinv(u), tf.math.ndtri(p),
                tf.atan2(u, w[:40]), tf.zeta(q + 1.01, tf.abs(w[:40]) + 0.05),
                tf.polygamma(tf.constant(order), q), tf.lbeta(tf.reshape(q, [8, 5]))]
        grads = tf.gradients([tf.reduce_sum(o) for o in outs],
                             [u, w, p, q])
        return outs + grads, None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-10, atol=1e-12)


def test_float32_special_functions_match():
    x = np.linspace(0.05, 7.0, 50).astype(np.float32)

    def program(tf):
        t = tf.constant(x)
        return [tf.lgamma(t), tf.digamma(t), tf.math.erfinv(t / 8), tf.math.ndtri(t / 8),
                tf.zeta(t + 1.5, t)], None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=3e-6, atol=1e-6)


def test_poles_and_domain_edges_match():
    def program(tf):
        edge = tf.constant([0.0, -1.0, -3.0, 1.0, -1.5], tf.float64)
        s = tf.constant([1.0, 0.5, 2.0, 2.5, 2.0, 3.0], tf.float64)
        q = tf.constant([2.0, 2.0, 0.0, -1.5, -1.5, 0.25], tf.float64)
        return [tf.lgamma(edge), tf.digamma(edge), tf.zeta(s, q),
                tf.math.erfinv(tf.constant([1.0, -1.0, 1.5, 0.0], tf.float64)),
                tf.math.ndtri(tf.constant([0.0, 1.0, 1.5, 1e-300, 0.5], tf.float64)),
                tf.polygamma(tf.constant([1.5, -1.0, 1.0], tf.float64),
                             tf.constant([2.0, 2.0, -1.5], tf.float64))], None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-12)


def test_no_nan_arithmetic_and_integer_helpers_match():
    def program(tf):
        a = tf.constant([1.0, 2.0, -3.0, 0.0])
        b = tf.constant([0.0, 2.0, 4.0, 0.0])
        outs = [tf.div_no_nan(a, b), tf.math.multiply_no_nan(a, b),
                tf.math.multiply_no_nan(tf.constant([np.inf, np.nan]), tf.constant([0.0, 0.0])),
                tf.math.reciprocal_no_nan(b), tf.math.xlog1py(tf.constant([0.0, 1.0]),
                                                            tf.constant([-1.0, 1.0])),
                tf.truncatemod(tf.constant([-7, 7, -7, 7, 6]), tf.constant([3, -3, -3, 3, -3])),
                tf.truncatemod(tf.constant([-7.5, 7.5]), tf.constant([2.0, -2.0])),
                tf.invert_permutation([3, 4, 0, 2, 1]), tf.math.zero_fraction([0, 1, 0, 3]),
                tf.is_non_decreasing([1, 1, 2]), tf.is_strictly_increasing([1, 1, 2]),
                tf.is_strictly_increasing([[1, 2], [3, 4]]), tf.rint([0.5, 1.5, -2.5])]
        grads = tf.gradients(tf.reduce_sum(tf.div_no_nan(a, b)) +
                             tf.reduce_sum(tf.math.multiply_no_nan(a, b)), [a, b])
        return outs + grads, None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-6)


def test_decompositions_and_their_gradients_match():
    rng = np.random.default_rng(12)
    x = rng.standard_normal((2, 4, 4))
    spd = x @ np.swapaxes(x, -1, -2) + 4 * np.eye(4)
    tall = rng.standard_normal((2, 5, 3))
    rhs = rng.standard_normal((2, 4, 2))
    diagonal = rng.standard_normal((2, 4))

    def program(tf):
        a, t, b = tf.constant(spd), tf.constant(tall), tf.constant(rhs)
        chol = tf.cholesky(a)
        low = tf.matrix_triangular_solve(chol, b)
        up = tf.matrix_triangular_solve(tf.matrix_transpose(chol), b, lower=False,
                                        adjoint=True)
        e, v = tf.self_adjoint_eig(a)
        q, r = tf.qr(t)
        s, u, w = tf.svd(t)
        s_wide = tf.svd(tf.matrix_transpose(t), compute_uv=False)
        sign, logabs = tf.linalg.slogdet(a - 3.0)
        outs = [chol, low, up, e, tf.abs(v), tf.abs(q), tf.abs(r), s, tf.abs(u), tf.abs(w),
                s_wide, sign, logabs, tf.cholesky_solve(chol, b), tf.linalg.logdet(a),
                tf.matrix_solve_ls(t, tf.constant(tall[..., :2] * 2.0 + 1.0)),
                tf.matrix_set_diag(a, tf.constant(diagonal))]
        loss = (tf.reduce_sum(chol * chol) + tf.reduce_sum(low) + tf.reduce_sum(up * up) +
                tf.reduce_sum(e * e) + tf.reduce_sum(v * v * e[:, None, :]) +
                tf.reduce_sum(q * q * r[:, None, 0, :]) + tf.reduce_sum(r * r) +
                tf.reduce_sum(s * s * s) + tf.reduce_sum(u * u * s[:, None, :]) +
                tf.reduce_sum(w * w * s[:, None, :]) + tf.reduce_sum(s_wide) +
                tf.reduce_sum(logabs))
        return outs + tf.gradients(loss, [a, t, b]), None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-8, atol=1e-10)


def test_bitwise_ops_match():
    a = np.array([5, -5, 1, -1, 7, 100, 2**31 - 1, -2**31], np.int32)
    b = np.array([1, 1, 31, 31, 40, -3, 3, 5], np.int32)

    def program(tf):
        outs = []
        for dtype in (tf.int32, tf.int64):
            shift = 30 if dtype == tf.int64 else 0
            x, y = tf.constant(a, dtype), tf.constant(b, dtype) + shift
            outs += [tf.bitwise.bitwise_and(x, y), tf.bitwise.bitwise_or(x, y),
                     tf.bitwise.bitwise_xor(x, y), tf.bitwise.invert(x),
                     tf.bitwise.left_shift(x, y), tf.bitwise.right_shift(x, y)]
        return outs, None
    (ours, _), (theirs, _) = both(program)
    for k, (o, t) in enumerate(zip(ours, theirs)):
        assert o.dtype == t.dtype and o.tolist() == t.tolist(), k
