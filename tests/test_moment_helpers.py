"""tf.nn.sufficient_statistics / normalize_moments / weighted_moments, tf.segment_mean,
tf.cross, tf.image.random_contrast, tf.histogram_fixed_width and tf.searchsorted against
NumPy in float64."""
import numpy as np

import tf0 as tf

RNG = np.random.default_rng(6)
X = RNG.standard_normal((2, 3, 4))


def test_sufficient_statistics_normalize_to_the_moments():
    t = tf.constant(X)
    plain = tf.nn.sufficient_statistics(t, [0, 2])
    shifted = tf.nn.sufficient_statistics(t, [1], shift=tf.constant(0.5, tf.float64),
                                          keep_dims=True)
    with tf.Session() as sess:
        (count, mean_ss, var_ss), moments, shifted_moments = sess.run(
            [list(plain[:3]), tf.nn.normalize_moments(*plain),
             tf.nn.normalize_moments(*shifted)])
    assert count == 8
    np.testing.assert_allclose(mean_ss, X.sum((0, 2)), rtol=1e-12)
    np.testing.assert_allclose(var_ss, (X ** 2).sum((0, 2)), rtol=1e-12)
    np.testing.assert_allclose(moments[0], X.mean((0, 2)), rtol=1e-12)
    np.testing.assert_allclose(moments[1], X.var((0, 2)), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(shifted_moments[0], X.mean(1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(shifted_moments[1], X.var(1, keepdims=True), rtol=1e-10)


def test_weighted_moments_count_each_value_its_weight():
    w = RNG.integers(1, 4, (2, 3, 1)).astype(np.float64)
    with tf.Session() as sess:
        mean, var = sess.run(tf.nn.weighted_moments(tf.constant(X), [1], tf.constant(w)))
    repeated = [np.repeat(X[i], w[i, :, 0].astype(int), axis=0) for i in range(2)]
    np.testing.assert_allclose(mean, [r.mean(0) for r in repeated], rtol=1e-12)
    np.testing.assert_allclose(var, [r.var(0) for r in repeated], rtol=1e-10)


def test_segment_mean_and_cross():
    data = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 9.0]])
    a, b = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 3))
    with tf.Session() as sess:
        means, crossed = sess.run([tf.segment_mean(data, [0, 0, 2, 2]),
                                   tf.cross(a, b)])
    np.testing.assert_allclose(means, [[2.0, 3.0], [0.0, 0.0], [6.0, 7.5]])
    np.testing.assert_allclose(crossed, np.cross(a, b), rtol=1e-12)


def test_random_contrast_scales_about_the_mean_by_a_factor_in_range():
    image = RNG.uniform(0, 1, (4, 5, 3))
    out = tf.image.random_contrast(tf.constant(image), 0.3, 0.6, seed=2)
    mean = image.mean((0, 1), keepdims=True)
    with tf.Session() as sess:
        factors = []
        for _ in range(4):
            ratio = (sess.run(out) - mean) / (image - mean)
            assert np.ptp(ratio) < 1e-9  # one factor for the whole image
            factors.append(ratio.flat[0])
    assert all(0.3 <= f < 0.6 for f in factors) and len(set(factors)) > 1


def test_histogram_fixed_width_and_searchsorted():
    values = RNG.uniform(-3, 8, 400)
    seq = np.sort(RNG.integers(0, 20, (2, 10)), axis=1)
    probes = RNG.integers(-2, 22, (2, 6))
    with tf.Session() as sess:
        counts, left, right = sess.run([
            tf.histogram_fixed_width(values, [0.0, 5.0], nbins=5),
            tf.searchsorted(seq, probes), tf.searchsorted(seq, probes, side="right")])
    bins = np.clip(np.floor((values - 0.0) / 5.0 * 5), 0, 4).astype(int)
    np.testing.assert_array_equal(counts, np.bincount(bins, minlength=5))
    for row in range(2):
        np.testing.assert_array_equal(left[row], np.searchsorted(seq[row], probes[row]))
        np.testing.assert_array_equal(right[row], np.searchsorted(seq[row], probes[row],
                                                                  side="right"))
