"""Special functions and the no-NaN arithmetic against values derived by hand, the standard
library (math.lgamma, math.erf, math.erfc) and identities they must satisfy."""
import math

import numpy as np
import pytest

import tf0 as tf

EULER_GAMMA = 0.5772156649015329


def _c(values):
    """A float64 constant (Python floats alone would make float32)."""
    return tf.constant(np.asarray(values, np.float64))


def _run(*fetches):
    with tf.Session() as sess:
        return sess.run(list(fetches))


def test_lgamma_matches_factorials_and_the_standard_library():
    x = np.concatenate([np.arange(1.0, 20.0), np.linspace(-7.3, 30.0, 101)])
    (ours,) = _run(tf.lgamma(tf.constant(x)))
    factorials = [math.log(math.factorial(int(n) - 1)) for n in x[:19]]
    np.testing.assert_allclose(ours[:19], factorials, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(ours, [math.lgamma(v) for v in x], rtol=1e-13, atol=1e-14)
    (poles,) = _run(tf.lgamma(_c([0.0, -1.0, -4.0])))
    assert np.all(np.isposinf(poles))


def test_digamma_is_the_derivative_of_lgamma():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-6.0, 40.0, 200), [1e-4, 0.5, 1.0]])
    x = x[np.abs(x - np.round(x)) > 0.05]  # away from the poles at 0, -1, ...
    (ours,) = _run(tf.digamma(tf.constant(x)))
    h = 1e-5
    slope = [(math.lgamma(v + h) - math.lgamma(v - h)) / (2 * h) for v in x]
    np.testing.assert_allclose(ours, slope, rtol=1e-7, atol=1e-7)
    (known,) = _run(tf.digamma(_c([1.0, 0.5, 2.0])))
    np.testing.assert_allclose(known, [-EULER_GAMMA, -EULER_GAMMA - 2 * math.log(2),
                                       1 - EULER_GAMMA], rtol=4e-15)
    (poles,) = _run(tf.digamma(_c([0.0, -2.0])))
    assert np.all(np.isnan(poles))


def test_digamma_recurrence_and_reflection_hold():
    x = np.linspace(-4.9, 8.2, 57)
    x = x[np.abs(x - np.round(x)) > 0.05]
    low, high, mirror = _run(tf.digamma(tf.constant(x)), tf.digamma(tf.constant(x + 1)),
                             tf.digamma(tf.constant(1 - x)))
    np.testing.assert_allclose(high, low + 1 / x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mirror - low, math.pi / np.tan(math.pi * x), rtol=1e-11,
                               atol=1e-11)


def test_hurwitz_zeta_known_values_sums_and_edges():
    s = _c([2.0, 4.0, 2.0, 3.0, 1.5])
    q = _c([1.0, 1.0, 0.5, 1.0, 3.7])
    (ours,) = _run(tf.zeta(s, q))
    k = np.arange(2_000_000.0)
    tail_15 = 2 * (3.7 + k[-1] + 0.5) ** -0.5  # the integral of x^-1.5 past the last term
    np.testing.assert_allclose(ours, [math.pi ** 2 / 6, math.pi ** 4 / 90, math.pi ** 2 / 2,
                                      1.2020569031595942,
                                      np.sum((3.7 + k) ** -1.5) + tail_15], rtol=1e-12)
    # zeta(s, q) - zeta(s, q + 1) = q^-s, negative q (integer s) included
    sv = np.array([2.0, 3.0, 5.5, 2.0, 4.0])
    qv = np.array([0.3, 2.7, 11.0, -1.5, -2.25])
    low, high = _run(tf.zeta(tf.constant(sv), tf.constant(qv)),
                     tf.zeta(tf.constant(sv), tf.constant(qv + 1)))
    np.testing.assert_allclose(low - high, qv ** -sv, rtol=1e-11)
    (edges,) = _run(tf.zeta(_c([1.0, 0.5, 2.0, 2.5, np.nan]),
                            _c([2.0, 2.0, -3.0, -1.5, 1.0])))
    assert np.isposinf(edges[0]) and np.isnan(edges[1]) and np.isposinf(edges[2])
    assert np.isnan(edges[3]) and np.isnan(edges[4])


def test_polygamma_is_signed_factorial_times_zeta_and_differentiates_digamma():
    x = np.linspace(0.2, 9.0, 23)
    xt = tf.constant(x)
    p0, p1, p2, trigamma_one, bad = _run(
        tf.polygamma(0.0, xt), tf.polygamma(1.0, xt), tf.polygamma(2.0, xt),
        tf.polygamma(1.0, _c(1.0)),
        tf.polygamma(_c([1.5, -1.0]), _c([2.0, 2.0])))
    h = 1e-5
    slope = [(math.lgamma(v + h) - math.lgamma(v - h)) / (2 * h) for v in x]
    np.testing.assert_allclose(p0, slope, rtol=1e-7)
    np.testing.assert_allclose(trigamma_one, math.pi ** 2 / 6, rtol=1e-14)
    # the derivative of each order is the next, by central differences of our own values
    below, above = _run(tf.polygamma(1.0, xt - h), tf.polygamma(1.0, xt + h))
    np.testing.assert_allclose((above - below) / (2 * h), p2, rtol=1e-6)
    (grad,) = _run(tf.gradients(tf.reduce_sum(tf.digamma(xt)), xt)[0])
    np.testing.assert_allclose(grad, p1, rtol=1e-14)
    assert np.all(np.isnan(bad))


def test_inverse_error_function_and_normal_quantile_invert_the_standard_library():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(-0.9999, 0.9999, 300), [1e-300, -1e-12, 0.0]])
    p = np.concatenate([rng.uniform(0, 1, 300), 10.0 ** -np.arange(1, 300, 7)])
    y, z = _run(tf.math.erfinv(tf.constant(x)), tf.math.ndtri(tf.constant(p)))
    np.testing.assert_allclose([math.erf(v) for v in y], x, rtol=1e-15, atol=1e-300)
    # far in the tail p's relative error is z^2 times z's (z = -33 at p = 1e-246)
    np.testing.assert_allclose([0.5 * math.erfc(-v / math.sqrt(2)) for v in z], p, rtol=5e-13)
    edges = _run(tf.math.erfinv(_c([1.0, -1.0, 1.01])),
                 tf.math.ndtri(_c([0.0, 1.0, -0.1])))
    for e in edges:
        assert np.isposinf(e[0]) != np.isneginf(e[0]) and np.isinf(e[1]) and np.isnan(e[2])


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_special_functions_keep_the_dtype_and_refuse_integers(dtype):
    t = tf.constant([0.5, 1.5], dtype)
    for fn in (tf.lgamma, tf.digamma, tf.math.erfinv, tf.math.ndtri, tf.tan, tf.acosh):
        assert fn(t).dtype is dtype
    assert tf.zeta(t + 1, t).dtype is dtype and tf.atan2(t, t).dtype is dtype
    with pytest.raises(ValueError, match="float"):
        tf.lgamma(tf.constant([1, 2]))
    with pytest.raises(ValueError, match="float"):
        tf.atan2(tf.constant([1, 2]), tf.constant([1, 2]))


def test_lbeta_is_log_beta_over_the_last_axis():
    x = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, 0.5]])
    (ours,) = _run(tf.lbeta(tf.constant(x)))
    beta = [math.gamma(a) * math.gamma(b) / math.gamma(a + b) for a, b in x]
    np.testing.assert_allclose(ours, np.log(beta), rtol=1e-14)


def test_div_and_multiply_no_nan_zero_out_only_where_the_divisor_or_factor_is_zero():
    a = tf.constant([1.0, 2.0, -3.0, np.inf, np.nan])
    b = tf.constant([0.0, 2.0, 4.0, 0.0, 0.0])
    d, m, r = _run(tf.div_no_nan(a, b), tf.math.multiply_no_nan(a, b),
                   tf.math.reciprocal_no_nan(b))
    np.testing.assert_array_equal(d, [0.0, 1.0, -0.75, 0.0, 0.0])
    np.testing.assert_array_equal(m, [0.0, 4.0, -12.0, 0.0, 0.0])
    np.testing.assert_array_equal(r, [0.0, 0.5, 0.25, 0.0, 0.0])
    ga, gb = _run(*tf.gradients(tf.reduce_sum(tf.div_no_nan(a, b)), [a, b]))
    np.testing.assert_array_equal(ga, [0.0, 0.5, 0.25, 0.0, 0.0])
    np.testing.assert_array_equal(gb[:3], [0.0, -0.5, 3.0 / 16])


def test_truncatemod_follows_c():
    xi, yi = [-7, 7, -7, 7, 6, 0], [3, -3, -3, 3, -3, 5]
    xf, yf = [-7.5, 7.5, -0.25, 5.0], [2.0, -2.0, 1.0, 2.5]
    ints, floats = _run(tf.truncatemod(xi, yi), tf.truncatemod(xf, yf))
    np.testing.assert_array_equal(ints, [int(math.fmod(a, b)) for a, b in zip(xi, yi)])
    np.testing.assert_array_equal(floats, np.float32([math.fmod(a, b) for a, b in zip(xf, yf)]))


def test_ordering_checks_and_invert_permutation():
    perm = np.random.default_rng(2).permutation(11).astype(np.int32)
    inverse, nd, si, empty, nd2 = _run(
        tf.invert_permutation(perm), tf.is_non_decreasing([1, 1, 2]),
        tf.is_strictly_increasing([1, 1, 2]), tf.is_non_decreasing(tf.zeros([0])),
        tf.is_non_decreasing([[1.0, 2.0], [2.0, 5.0]]))
    np.testing.assert_array_equal(inverse[perm], np.arange(11))
    assert nd and not si and empty and nd2
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a permutation"):
        _run(tf.invert_permutation([0, 2, 2]))
