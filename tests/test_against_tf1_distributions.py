"""tf.distributions against TensorFlow's compat.v1 ones: densities, CDFs, moments, entropies,
KL divergences and their gradients (skipped without TensorFlow)."""
import numpy as np

from tf1_reference import assert_close, both


def test_densities_moments_entropies_and_kl_match():
    rng = np.random.default_rng(8)
    x = rng.uniform(0.1, 0.9, (4, 3))
    loc, scale = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    conc = rng.uniform(0.6, 4.0, (2, 3))

    def program(tf):
        d = tf.distributions
        p = [tf.constant(v) for v in (loc, scale, conc)]
        lo, sc, cc = p
        dists = [d.Normal(lo, sc), d.Laplace(lo, sc), d.Uniform(lo - 1.0, lo + sc),
                 d.Gamma(cc[0], cc[1]), d.Exponential(cc[1]), d.Beta(cc[0], cc[1]),
                 d.StudentT(cc[0] + 2.0, lo, sc)]
        xs = tf.constant(x)
        outs = []
        for dist in dists:
            outs += [dist.log_prob(xs), dist.prob(xs), dist.entropy(), dist.mean()]
            if dist is not dists[-1]:  # TF1's StudentT.variance fails for float64
                outs += [dist.variance(), dist.stddev()]
        for dist in dists[:3] + dists[4:5]:
            outs += [dist.cdf(xs), dist.survival_function(xs)]
        outs.append(d.Normal(lo, sc).quantile(xs))
        dir_ = d.Dirichlet(cc)
        simplex = tf.constant(x[:2] / x[:2].sum(-1, keepdims=True))
        outs += [dir_.log_prob(simplex), dir_.entropy(), dir_.mean(), dir_.variance()]
        ber = d.Bernoulli(logits=lo)
        cat = d.Categorical(logits=cc)
        outs += [ber.log_prob(tf.constant([1, 0, 1])), ber.entropy(), ber.mean(),
                 ber.variance(), cat.log_prob(tf.constant([2, 0])), cat.entropy(), cat.mode()]
        kls = [d.kl_divergence(d.Normal(lo, sc), d.Normal(sc, lo * lo + 1.0)),
               d.kl_divergence(d.Gamma(cc[0], cc[1]), d.Gamma(cc[1], cc[0])),
               d.kl_divergence(d.Beta(cc[0], cc[1]), d.Beta(cc[1], cc[0])),
               d.kl_divergence(d.Dirichlet(cc), d.Dirichlet(cc[::-1])),
               d.kl_divergence(ber, d.Bernoulli(logits=sc)),
               d.kl_divergence(cat, d.Categorical(logits=cc[::-1]))]
        outs += kls
        outs += tf.gradients(tf.add_n([tf.reduce_sum(k) for k in kls]) +
                             tf.reduce_sum(dists[3].log_prob(xs)) +
                             tf.reduce_sum(dists[6].entropy()), p)
        return outs, None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-9, atol=1e-12)


def test_modes_and_undefined_statistics_match():
    def program(tf):
        d = tf.distributions
        c = tf.constant([0.5, 2.0, 3.0])
        return [d.Gamma(c, 2.0).mode(), d.Beta(c, 2.0).mode(),
                d.Dirichlet(c).mode(), d.Dirichlet(c + 1.0).mode(),
                d.StudentT([0.5, 1.5, 3.0], 1.0, 2.0).mean(),
                d.StudentT([0.5, 1.5, 3.0], 1.0, 2.0).variance(),
                d.Bernoulli(probs=[0.2, 0.7]).mode()], None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-6)
