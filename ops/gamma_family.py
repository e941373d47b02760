"""The gamma family of tf.distributions: Gamma, Exponential, Beta, Dirichlet and StudentT
(TF1's formulas, in terms of other ops), and the KL divergences within each. Their draws
come from random_gamma (not differentiated with respect to the concentration); their CDFs
(the incomplete gamma and beta functions) are not implemented, except Exponential's."""
import math

import numpy as np

from tf0.engine.graph import name_scope

from . import math_ops, random_ops
from .array_ops import expand_dims, shape
from .core import OPS
from .distributions import (Distribution, Normal, RegisterKL, _float_params, _lbeta_pair,
                            _sample_shape, _sum_last)


class Gamma(Distribution):
    """Density rate^a x^(a-1) e^(-rate x) / Gamma(a) for x > 0 (a: concentration)."""

    def __init__(self, concentration, rate, validate_args=False, allow_nan_stats=True,
                 name="Gamma"):
        with name_scope(name) as scope:
            p = _float_params([("concentration", concentration), ("rate", rate)])
            self.concentration, self.rate = p["concentration"], p["rate"]
            super().__init__(p, p["rate"].dtype, validate_args, allow_nan_stats, scope)

    def _sample_n(self, n, seed):
        a = self.concentration * self._ones()
        return random_ops.random_gamma(n, a, dtype=self.dtype,
                                       seed=seed) / (self.rate * self._ones())

    def _log_prob(self, x):
        a, b = self.concentration, self.rate
        return a * OPS.log(b) + (a - 1.0) * OPS.log(x) - b * x - OPS.lgamma(a)

    def _entropy(self):
        a, b = self.concentration, self.rate
        return a - OPS.log(b) + OPS.lgamma(a) + (1.0 - a) * OPS.digamma(a)

    def _mean(self):
        return self.concentration / self.rate * self._ones()

    def _variance(self):
        return self.concentration / OPS.square(self.rate) * self._ones()

    def _mode(self):
        mode = (self.concentration - 1.0) / self.rate * self._ones()
        return self._nan_where(self.concentration * self._ones() < 1.0, mode, "the mode")


class Exponential(Gamma):
    """Gamma with concentration 1: density rate e^(-rate x) for x >= 0."""

    def __init__(self, rate, validate_args=False, allow_nan_stats=True, name="Exponential"):
        with name_scope(name) as scope:
            rate = _float_params([("rate", rate)])["rate"]
            self.concentration, self.rate = OPS.ones_like(rate), rate
            Distribution.__init__(self, {"rate": rate}, rate.dtype, validate_args,
                                  allow_nan_stats, scope)

    def _sample_n(self, n, seed):
        u = random_ops.random_uniform(_sample_shape(self, n), dtype=self.dtype, seed=seed)
        return -OPS.log1p(-u) / self.rate

    def _log_prob(self, x):
        return OPS.log(self.rate) - self.rate * x

    def _cdf(self, x):
        return -OPS.expm1(-self.rate * x)


class Beta(Distribution):
    """Density x^(c1-1) (1-x)^(c0-1) / B(c1, c0) on (0, 1)."""

    def __init__(self, concentration1=None, concentration0=None, validate_args=False,
                 allow_nan_stats=True, name="Beta"):
        with name_scope(name) as scope:
            p = _float_params([("concentration1", concentration1),
                               ("concentration0", concentration0)])
            self.concentration1, self.concentration0 = p["concentration1"], p["concentration0"]
            self.total_concentration = self.concentration1 + self.concentration0
            super().__init__(p, p["concentration1"].dtype, validate_args, allow_nan_stats,
                             scope)

    def _sample_n(self, n, seed):
        ones = self._ones()
        g1 = random_ops.random_gamma(n, self.concentration1 * ones, dtype=self.dtype,
                                     seed=seed)
        g0 = random_ops.random_gamma(n, self.concentration0 * ones, dtype=self.dtype,
                                     seed=None if seed is None else seed + 1)
        return g1 / (g1 + g0)

    def _log_prob(self, x):
        c1, c0 = self.concentration1, self.concentration0
        return (c1 - 1.0) * OPS.log(x) + (c0 - 1.0) * OPS.log1p(-x) - _lbeta_pair(c1, c0)

    def _entropy(self):
        c1, c0, total = self.concentration1, self.concentration0, self.total_concentration
        return (_lbeta_pair(c1, c0) - (c1 - 1.0) * OPS.digamma(c1) -
                (c0 - 1.0) * OPS.digamma(c0) + (total - 2.0) * OPS.digamma(total))

    def _mean(self):
        return self.concentration1 / self.total_concentration * self._ones()

    def _variance(self):
        m = self._mean()
        return m * (1.0 - m) / (1.0 + self.total_concentration)

    def _mode(self):
        mode = (self.concentration1 - 1.0) / (self.total_concentration - 2.0) * self._ones()
        return self._nan_where((self.concentration1 <= 1.0) | (self.concentration0 <= 1.0),
                               mode, "the mode")


class Dirichlet(Distribution):
    """Density prod x_k^(c_k - 1) / B(c) on the simplex; event shape [K]."""

    _event_ndims = 1

    def __init__(self, concentration, validate_args=False, allow_nan_stats=True,
                 name="Dirichlet"):
        with name_scope(name) as scope:
            self.concentration = _float_params([("concentration", concentration)])[
                "concentration"]
            self.total_concentration = _sum_last(self.concentration)
            super().__init__({"concentration": self.concentration},
                             self.concentration.dtype, validate_args, allow_nan_stats, scope)

    @property
    def event_shape(self):
        return self.concentration.shape[-1:]

    def event_shape_tensor(self, name="event_shape_tensor"):
        return shape(self.concentration, name=name)[-1:]

    def _lbeta(self):
        c = self.concentration
        return _sum_last(OPS.lgamma(c)) - OPS.lgamma(self.total_concentration)

    def _sample_n(self, n, seed):
        c = self.concentration * expand_dims(self._ones(), -1)
        g = random_ops.random_gamma(n, c, dtype=self.dtype, seed=seed)
        return g / OPS.reduce_sum(g, axis=-1, keepdims=True)

    def _log_prob(self, x):
        return _sum_last((self.concentration - 1.0) * OPS.log(x)) - self._lbeta()

    def _entropy(self):
        c, total = self.concentration, self.total_concentration
        k = math_ops.cast(shape(c)[-1], c.dtype)
        return (self._lbeta() + (total - k) * OPS.digamma(total) -
                _sum_last((c - 1.0) * OPS.digamma(c)))

    def _mean(self):
        return self.concentration / expand_dims(self.total_concentration, -1)

    def _variance(self):
        m, total = self._mean(), expand_dims(self.total_concentration, -1)
        return m * (1.0 - m) / (1.0 + total)

    def _mode(self):
        c = self.concentration
        k = math_ops.cast(shape(c)[-1], c.dtype)
        mode = (c - 1.0) / expand_dims(self.total_concentration - k, -1)
        undefined = expand_dims(OPS.reduce_any(c <= 1.0, axis=-1), -1)  # the whole event
        return self._nan_where(undefined, mode, "the mode")


class StudentT(Distribution):
    """Student's t with `df` degrees of freedom, located at loc and scaled by scale."""

    def __init__(self, df, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="StudentT"):
        with name_scope(name) as scope:
            p = _float_params([("df", df), ("loc", loc), ("scale", scale)])
            self.df, self.loc, self.scale = p["df"], p["loc"], p["scale"]
            super().__init__(p, p["df"].dtype, validate_args, allow_nan_stats, scope)

    def _sample_n(self, n, seed):
        shape_ = _sample_shape(self, n)
        z = random_ops.random_normal(shape_, dtype=self.dtype, seed=seed)
        half_df = 0.5 * self.df * self._ones()
        g = random_ops.random_gamma(n, half_df, dtype=self.dtype,
                                    seed=None if seed is None else seed + 1)
        return self.loc + self.scale * z * OPS.rsqrt(g / half_df)

    def _log_prob(self, x):
        df, y = self.df, (x - self.loc) / self.scale
        return (OPS.lgamma(0.5 * (df + 1.0)) - OPS.lgamma(0.5 * df) -
                0.5 * OPS.log(df * math.pi) - OPS.log(self.scale) -
                0.5 * (df + 1.0) * OPS.log1p(y * y / df))

    def _entropy(self):
        df = self.df * self._ones()
        half = 0.5 * (df + 1.0)
        return (half * (OPS.digamma(half) - OPS.digamma(0.5 * df)) + 0.5 * OPS.log(df) +
                _lbeta_pair(0.5 * OPS.ones_like(df), 0.5 * df) + OPS.log(self.scale))

    def _mean(self):
        return self._nan_where(self.df * self._ones() <= 1.0, self.loc * self._ones(),
                               "the mean")

    _mode = Normal._mean

    def _variance(self):
        df = self.df * self._ones()
        var = OPS.square(self.scale) * df / (df - 2.0)
        var = OPS.where(df > 2.0, var, np.inf + OPS.zeros_like(var))
        return self._nan_where(df <= 1.0, var, "the variance")



@RegisterKL(Gamma, Gamma)
def _kl_gamma(a, b, name=None):
    ca, cb, ra, rb = a.concentration, b.concentration, a.rate, b.rate
    return ((ca - cb) * OPS.digamma(ca) + OPS.lgamma(cb) - OPS.lgamma(ca) +
            cb * (OPS.log(ra) - OPS.log(rb)) + ca * (rb / ra - 1.0))


@RegisterKL(Beta, Beta)
def _kl_beta(a, b, name=None):
    return (_lbeta_pair(b.concentration1, b.concentration0) -
            _lbeta_pair(a.concentration1, a.concentration0) +
            (a.concentration1 - b.concentration1) * OPS.digamma(a.concentration1) +
            (a.concentration0 - b.concentration0) * OPS.digamma(a.concentration0) +
            (b.total_concentration - a.total_concentration) *
            OPS.digamma(a.total_concentration))


@RegisterKL(Dirichlet, Dirichlet)
def _kl_dirichlet(a, b, name=None):
    ca, cb = a.concentration, b.concentration
    shift = OPS.digamma(ca) - expand_dims(OPS.digamma(a.total_concentration), -1)
    return (OPS.lgamma(a.total_concentration) - _sum_last(OPS.lgamma(ca)) -
            OPS.lgamma(b.total_concentration) + _sum_last(OPS.lgamma(cb)) +
            _sum_last((ca - cb) * shift))
