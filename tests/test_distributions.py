"""tf.distributions checked by numerical integration of their own densities (normalization,
mean, variance, entropy, CDF, KL), by the moments of their samples, and by hand."""
import numpy as np
import pytest

import tf0 as tf

tfd = tf.distributions


def _integrate(y, x):
    return np.sum((y[1:] + y[:-1]) * np.diff(x) / 2, axis=0)


CONTINUOUS = [  # (build, grid): one-dimensional, float64 parameters
    (lambda: tfd.Normal(np.float64(0.3), np.float64(1.7)), np.linspace(-15, 15, 200001)),
    (lambda: tfd.Laplace(np.float64(-1.0), np.float64(0.5)), np.linspace(-15, 13, 200001)),
    (lambda: tfd.Uniform(np.float64(-1.0), np.float64(2.5)), np.linspace(-1, 2.5, 200001)),
    (lambda: tfd.Gamma(np.float64(2.5), np.float64(1.5)), np.linspace(1e-9, 40, 400001)),
    (lambda: tfd.Exponential(np.float64(0.7)), np.linspace(0, 60, 400001)),
    (lambda: tfd.Beta(np.float64(2.0), np.float64(3.5)), np.linspace(0, 1, 200001)),
    (lambda: tfd.StudentT(np.float64(7.0), np.float64(0.5), np.float64(2.0)),
     np.linspace(-400, 400, 800001)),
]


@pytest.mark.parametrize("build, x", CONTINUOUS, ids=lambda v: getattr(v, "__name__", ""))
def test_densities_integrate_to_their_moments_entropy_and_cdf(build, x):
    dist = build()
    xs = tf.placeholder(tf.float64, [None])
    with tf.Session() as sess:
        p, logp, mean, var, ent = sess.run([dist.prob(xs), dist.log_prob(xs), dist.mean(),
                                            dist.variance(), dist.entropy()], {xs: x})
        ok = p > 0
        np.testing.assert_allclose(_integrate(p, x), 1.0, rtol=2e-4)
        np.testing.assert_allclose(_integrate(x * p, x), mean, rtol=2e-3, atol=2e-4)
        np.testing.assert_allclose(_integrate((x - mean) ** 2 * p, x), var, rtol=3e-3)
        np.testing.assert_allclose(_integrate(-p * np.where(ok, logp, 0.0), x), ent,
                                   rtol=2e-3, atol=2e-4)
        if not isinstance(dist, (tfd.Gamma, tfd.Beta, tfd.StudentT)) or \
                isinstance(dist, tfd.Exponential):
            cdf = sess.run(dist.cdf(xs), {xs: x[::1000]})
            running = np.concatenate([[0], np.cumsum((p[1:] + p[:-1]) * np.diff(x) / 2)])
            np.testing.assert_allclose(cdf, running[::1000], atol=2e-4)


def test_samples_follow_the_moments_and_are_seeded():
    dists = [tfd.Normal([0.0, 2.0], [1.0, 0.5]), tfd.Gamma([0.5, 4.0], [2.0, 1.0]),
             tfd.Beta([0.7, 3.0], [2.0, 3.0]), tfd.StudentT([6.0, 9.0], [1.0, -1.0], 2.0),
             tfd.Laplace([0.0, 1.0], [1.0, 3.0]), tfd.Exponential([0.5, 2.0]),
             tfd.Uniform([0.0, -2.0], [1.0, 2.0])]
    with tf.Session() as sess:
        for d in dists:
            draws = d.sample(40000, seed=7)
            assert draws.shape.as_list() == [40000, 2]
            got, again, mean, var = sess.run([draws, d.sample(40000, seed=7), d.mean(),
                                              d.variance()])
            np.testing.assert_allclose(got.mean(0), mean, rtol=0.05, atol=0.03)
            np.testing.assert_allclose(got.var(0), var, rtol=0.08)
            np.testing.assert_array_equal(got, again)  # the same op seed: the same draws
    with tf.Session() as a, tf.Session() as b:
        tf.set_random_seed(3)
        draws = tfd.Gamma(2.0, 1.0).sample([2, 3], seed=1)
        assert draws.shape.as_list() == [2, 3]
        np.testing.assert_array_equal(a.run(draws), b.run(draws))


def test_discrete_distributions_sample_their_probabilities():
    cat = tfd.Categorical(logits=[[0.0, 1.0, 2.0], [2.0, 0.0, -3.0]])
    ber = tfd.Bernoulli(logits=[-1.0, 2.0])
    with tf.Session() as sess:
        c, probs, b, bp, entropy = sess.run([cat.sample(30000, seed=2), cat.probs,
                                             ber.sample(30000, seed=3), ber.probs,
                                             cat.entropy()])
    for row in range(2):
        freq = np.bincount(c[:, row], minlength=3) / len(c)
        np.testing.assert_allclose(freq, probs[row], atol=0.01)
    np.testing.assert_allclose(b.mean(0), bp, atol=0.01)
    np.testing.assert_allclose(entropy, -(probs * np.log(probs)).sum(-1), rtol=1e-6)


def test_dirichlet_samples_lie_on_the_simplex_around_the_mean():
    d = tfd.Dirichlet([[1.0, 2.0, 3.0], [0.3, 0.3, 5.0]])
    with tf.Session() as sess:
        s, mean, var = sess.run([d.sample(20000, seed=4), d.mean(), d.variance()])
    assert s.shape == (20000, 2, 3)
    np.testing.assert_allclose(s.sum(-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(s.mean(0), mean, atol=0.01)
    np.testing.assert_allclose(s.var(0), var, rtol=0.1, atol=1e-4)


def test_kl_divergence_is_the_integral_of_the_log_ratio():
    x = np.linspace(1e-9, 1 - 1e-9, 400001)
    pairs = [(tfd.Beta(np.float64(2.0), np.float64(3.0)),
              tfd.Beta(np.float64(1.5), np.float64(1.2)), x),
             (tfd.Normal(np.float64(0.5), np.float64(0.7)),
              tfd.Normal(np.float64(-1.0), np.float64(2.0)), np.linspace(-12, 12, 400001)),
             (tfd.Gamma(np.float64(3.0), np.float64(2.0)),
              tfd.Gamma(np.float64(1.5), np.float64(0.5)), np.linspace(1e-9, 40, 400001))]
    xs = tf.placeholder(tf.float64, [None])
    with tf.Session() as sess:
        for a, b, grid in pairs:
            pa, la, lb, kl = sess.run([a.prob(xs), a.log_prob(xs), b.log_prob(xs),
                                       tfd.kl_divergence(a, b)], {xs: grid})
            np.testing.assert_allclose(_integrate(pa * (la - lb), grid), kl, rtol=1e-4)


def test_bad_arguments_and_missing_pieces_say_so():
    with pytest.raises(ValueError, match="exactly one of logits and probs"):
        tfd.Bernoulli(logits=[0.0], probs=[0.5])
    with pytest.raises(NotImplementedError, match="Gamma.cdf"):
        tfd.Gamma(1.0, 1.0).cdf(0.5)
    with pytest.raises(NotImplementedError, match="No KL"):
        tfd.kl_divergence(tfd.Normal(0.0, 1.0), tfd.Gamma(1.0, 1.0))
    strict = tfd.Gamma([0.5, 2.0], 1.0, allow_nan_stats=False)
    with tf.Session() as sess:
        assert np.isnan(sess.run(tfd.Gamma([0.5, 2.0], 1.0).mode())[0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="mode is undefined"):
            sess.run(strict.mode())


def test_registered_kl_and_names():
    class Shifted(tfd.Normal):
        pass

    @tfd.RegisterKL(Shifted, tfd.Normal)
    def _kl(a, b, name=None):
        return tf.constant(42.0)
    with pytest.raises(ValueError, match="registered already"):
        tfd.RegisterKL(Shifted, tfd.Normal)(_kl)
    a = Shifted(0.0, 1.0, name="shifted")
    with tf.Session() as sess:
        assert sess.run(tfd.kl_divergence(a, tfd.Normal(0.0, 1.0))) == 42.0
        assert sess.run(tfd.kl_divergence(a, a)) == 42.0  # one step away, Normal's two
        assert sess.run(tfd.kl_divergence(tfd.Normal(0.0, 1.0), a)) == 0.0  # Normal's
    assert a.name == "shifted" and a.log_prob(0.0).name.startswith("shifted/log_prob")
    assert a.batch_shape.as_list() == [] and tfd.Normal([0.0, 1.0], 1.0).batch_shape[0] == 2
