"""tf.distributions: the Distribution interface, kl_divergence and RegisterKL, and Normal,
Laplace, Uniform, Bernoulli and Categorical with the KL divergences within each (TF1's
formulas, written in terms of other ops; no kernels of their own). The gamma family is in
gamma_family.py.

Parameters broadcast against each other to the batch shape; sample(n) has shape
[n..., batch..., event...]. A method a distribution lacks raises NotImplementedError.
"""
import math

import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import constant_value, get_default_graph, name_scope
from tf0.engine.shapes import TensorShape, broadcast_shapes

from . import math_ops, random_ops
from .array_ops import concat, reshape, shape, transpose
from .core import OPS, convert_to_tensor
from .nn_ops import log_softmax, sigmoid_cross_entropy_with_logits, softmax

FULLY_REPARAMETERIZED = "FULLY_REPARAMETERIZED"
NOT_REPARAMETERIZED = "NOT_REPARAMETERIZED"
_KL = {}


class ReparameterizationType:
    FULLY_REPARAMETERIZED = FULLY_REPARAMETERIZED
    NOT_REPARAMETERIZED = NOT_REPARAMETERIZED


def _sum_last(x):
    return OPS.reduce_sum(x, axis=-1)


def _lbeta_pair(a, b):
    return OPS.lgamma(a) + OPS.lgamma(b) - OPS.lgamma(a + b)


class Distribution:
    """The common interface: sample, log_prob, prob, cdf, log_cdf, survival_function,
    entropy, mean, mode, stddev, variance, kl_divergence, cross_entropy, batch_shape,
    event_shape. A subclass gives its parameters (`_params`, in order) and the `_<name>`
    methods it supports."""

    reparameterization_type = FULLY_REPARAMETERIZED
    _event_ndims = 0

    def __init__(self, params, dtype, validate_args, allow_nan_stats, scope):
        self._params = params
        self._dtype = dtype
        self.validate_args, self.allow_nan_stats = validate_args, allow_nan_stats
        self._scope, self._name = scope, scope.rstrip("/")  # methods build ops in the scope
        batch = None
        for p in params.values():
            s = p.shape[:p.shape.ndims - self._event_ndims] if p.shape.ndims is not None \
                else p.shape
            batch = s if batch is None else broadcast_shapes(batch, s)
        self._batch_shape = batch

    # ---- shapes and parameters
    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        return self._dtype

    @property
    def parameters(self):
        return dict(self._params)

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return TensorShape([])

    def _ones(self):
        """Ones of the batch shape, in the distribution's float dtype."""
        total = None
        for p in self._params.values():
            term = OPS.zeros_like(p if not self._event_ndims else p[..., 0])
            total = term if total is None else total + term
        return math_ops.cast(total, self._float_dtype()) + 1.0

    def _float_dtype(self):
        return next(iter(self._params.values())).dtype

    def batch_shape_tensor(self, name="batch_shape_tensor"):
        return shape(self._ones(), name=name)

    def event_shape_tensor(self, name="event_shape_tensor"):
        return convert_to_tensor(np.zeros([0], np.int32), name=name)

    # ---- the public methods: scope, convert, dispatch
    def _call(self, method, name, *args):
        with name_scope(self._scope):
            with name_scope(name):
                fn = getattr(self, "_" + method, None)
                if fn is None:
                    raise NotImplementedError(f"{type(self).__name__}.{method} is not "
                                              f"implemented in tf0")
                return fn(*args)

    def _value(self, x):
        return convert_to_tensor(x, dtype=self._dtype)

    def sample(self, sample_shape=(), seed=None, name="sample"):
        """Draws of shape sample_shape + batch_shape + event_shape."""
        return self._call("sample_n", name, _as_shape_tensor(sample_shape), seed)

    def log_prob(self, value, name="log_prob"):
        return self._call("log_prob", name, self._value(value))

    def prob(self, value, name="prob"):
        if getattr(self, "_prob", None) is not None:
            return self._call("prob", name, self._value(value))
        return OPS.exp(self.log_prob(value, name))

    def cdf(self, value, name="cdf"):
        return self._call("cdf", name, self._value(value))

    def log_cdf(self, value, name="log_cdf"):
        return OPS.log(self.cdf(value, name))

    def survival_function(self, value, name="survival_function"):
        if getattr(self, "_survival_function", None) is not None:
            return self._call("survival_function", name, self._value(value))
        return 1.0 - self.cdf(value, name)

    def log_survival_function(self, value, name="log_survival_function"):
        return OPS.log(self.survival_function(value, name))

    def entropy(self, name="entropy"):
        return self._call("entropy", name)

    def mean(self, name="mean"):
        return self._call("mean", name)

    def mode(self, name="mode"):
        return self._call("mode", name)

    def variance(self, name="variance"):
        return self._call("variance", name)

    def stddev(self, name="stddev"):
        if getattr(self, "_stddev", None) is not None:
            return self._call("stddev", name)
        return OPS.sqrt(self.variance(name))

    def quantile(self, value, name="quantile"):
        return self._call("quantile", name, self._value(value))

    def kl_divergence(self, other, name="kl_divergence"):
        return kl_divergence(self, other, name=name)

    def cross_entropy(self, other, name="cross_entropy"):
        """H(self, other) = H(self) + KL(self || other)."""
        with name_scope(name):
            return self.entropy() + kl_divergence(self, other)

    def _nan_where(self, cond, value, what):
        """value, NaN where cond (or an error at run time when allow_nan_stats=False)."""
        if not self.allow_nan_stats:
            check = OPS.Assert(OPS.reduce_all(OPS.logical_not(cond)),
                               [f"{type(self).__name__}: {what} is undefined here"])
            with get_default_graph().control_dependencies([check]):
                return OPS.identity(value)
        return OPS.where(cond, np.nan + OPS.zeros_like(value), value)


def _as_shape_tensor(sample_shape):
    """sample_shape (an int, a list of ints or an integer tensor) as an int32 vector."""
    if isinstance(sample_shape, (int, np.integer, list, tuple)):
        return convert_to_tensor(np.asarray(sample_shape, np.int32).reshape(-1))
    return reshape(math_ops.cast(convert_to_tensor(sample_shape), dtypes.int32), [-1])


def _sample_shape(dist, sample_shape):
    """sample_shape + the batch shape, as an int32 vector (a constant when both are known,
    so that samples have a static shape)."""
    known = constant_value(sample_shape)
    if known is not None and dist.batch_shape.is_fully_defined():
        return convert_to_tensor(np.concatenate([np.reshape(known, [-1]),
                                                 dist.batch_shape.as_list()]).astype(np.int32))
    return concat([reshape(sample_shape, [-1]), dist.batch_shape_tensor()], 0)


def _float_params(names_values, dtype=None):
    """Parameters as tensors of one float dtype (the first's, float32 for Python numbers)."""
    out = {}
    for k, v in names_values:
        t = convert_to_tensor(v, dtype=dtype)
        if dtype is None:
            dtype = t.dtype
            if not dtype.is_floating:
                t, dtype = math_ops.cast(t, dtypes.float32), dtypes.float32
        out[k] = t
    return out


# ---- KL divergence ---------------------------------------------------------------------------
class RegisterKL:
    """@RegisterKL(TypeA, TypeB) registers fn(a, b, name=None) as KL(a || b)."""

    def __init__(self, dist_cls_a, dist_cls_b):
        self._key = (dist_cls_a, dist_cls_b)

    def __call__(self, fn):
        if self._key in _KL:
            raise ValueError(f"KL({self._key[0].__name__} || {self._key[1].__name__}) has "
                             f"been registered already")
        _KL[self._key] = fn
        return fn


def kl_divergence(distribution_a, distribution_b, allow_nan_stats=True, name=None):
    """KL(a || b), by the function registered for the pair of their classes (or of their
    bases) fewest inheritance steps away in all, as TF1 chooses."""
    found = [(i + j, fn) for i, a in enumerate(type(distribution_a).__mro__)
             for j, b in enumerate(type(distribution_b).__mro__)
             for fn in [_KL.get((a, b))] if fn is not None]
    if found:
        fn = min(found, key=lambda pair: pair[0])[1]
        with name_scope(name, "KullbackLeibler"):
            return fn(distribution_a, distribution_b)
    raise NotImplementedError(f"No KL(distribution_a || distribution_b) registered for "
                              f"distribution_a type {type(distribution_a).__name__} and "
                              f"distribution_b type {type(distribution_b).__name__}")


# ---- continuous, location-scale ----------------------------------------------------------
class Normal(Distribution):
    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name="Normal"):
        with name_scope(name) as scope:
            p = _float_params([("loc", loc), ("scale", scale)])
            self.loc, self.scale = p["loc"], p["scale"]
            super().__init__(p, p["loc"].dtype, validate_args, allow_nan_stats,
                             scope)

    def _z(self, x):
        return (x - self.loc) / self.scale

    def _sample_n(self, n, seed):
        z = random_ops.random_normal(_sample_shape(self, n), dtype=self.dtype, seed=seed)
        return z * self.scale + self.loc

    def _log_prob(self, x):
        z = self._z(x)
        return -0.5 * z * z - OPS.log(self.scale) - 0.5 * math.log(2 * math.pi)

    def _cdf(self, x):
        return 0.5 * OPS.erfc(-self._z(x) / math.sqrt(2))

    def _survival_function(self, x):
        return 0.5 * OPS.erfc(self._z(x) / math.sqrt(2))

    def _quantile(self, p):
        return self.loc + self.scale * OPS.ndtri(p)

    def _entropy(self):
        return (0.5 * math.log(2 * math.pi * math.e) + OPS.log(self.scale)) * self._ones()

    def _mean(self):
        return self.loc * self._ones()

    _mode = _mean

    def _stddev(self):
        return self.scale * self._ones()

    def _variance(self):
        return OPS.square(self._stddev())


class Laplace(Distribution):
    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name="Laplace"):
        with name_scope(name) as scope:
            p = _float_params([("loc", loc), ("scale", scale)])
            self.loc, self.scale = p["loc"], p["scale"]
            super().__init__(p, p["loc"].dtype, validate_args, allow_nan_stats,
                             scope)

    def _sample_n(self, n, seed):
        tiny = float(np.finfo(self.dtype.np).eps)
        u = random_ops.random_uniform(_sample_shape(self, n), minval=tiny - 1.0, maxval=1.0,
                                      dtype=self.dtype, seed=seed)
        return self.loc - self.scale * OPS.sign(u) * OPS.log1p(-OPS.abs(u))

    def _log_prob(self, x):
        return -math.log(2.0) - OPS.log(self.scale) - OPS.abs(x - self.loc) / self.scale

    def _cdf(self, x):
        z = (x - self.loc) / self.scale
        return 0.5 - 0.5 * OPS.sign(z) * OPS.expm1(-OPS.abs(z))

    def _entropy(self):
        return (1.0 + math.log(2.0) + OPS.log(self.scale)) * self._ones()

    def _mean(self):
        return self.loc * self._ones()

    _mode = _mean

    def _stddev(self):
        return math.sqrt(2.0) * self.scale * self._ones()

    def _variance(self):
        return OPS.square(self._stddev())


class Uniform(Distribution):
    def __init__(self, low=0.0, high=1.0, validate_args=False, allow_nan_stats=True,
                 name="Uniform"):
        with name_scope(name) as scope:
            p = _float_params([("low", low), ("high", high)])
            self.low, self.high = p["low"], p["high"]
            super().__init__(p, p["low"].dtype, validate_args, allow_nan_stats,
                             scope)

    def range(self, name="range"):
        with name_scope(self._scope), name_scope(name):
            return self.high - self.low

    def _sample_n(self, n, seed):
        u = random_ops.random_uniform(_sample_shape(self, n), dtype=self.dtype, seed=seed)
        return self.low + (self.high - self.low) * u

    def _prob(self, x):
        inside = (x >= self.low) & (x < self.high)
        density = OPS.ones_like(x) / (self.high - self.low)
        return OPS.where(inside, density, OPS.zeros_like(density))

    def _log_prob(self, x):
        return OPS.log(self._prob(x))

    def _cdf(self, x):
        return OPS.clip_by_value((x - self.low) / (self.high - self.low), 0.0, 1.0)

    def _entropy(self):
        return OPS.log(self.high - self.low)

    def _mean(self):
        return (self.low + self.high) / 2.0

    def _variance(self):
        return OPS.square(self.high - self.low) / 12.0

    def _stddev(self):
        return (self.high - self.low) / math.sqrt(12.0)


# ---- discrete ------------------------------------------------------------------------------
def _logits_and_probs(logits, probs, to_logits, name):
    if (logits is None) == (probs is None):
        raise ValueError(f"{name}: give exactly one of logits and probs")
    if logits is not None:
        return _float_params([("logits", logits)])["logits"], None
    probs = _float_params([("probs", probs)])["probs"]
    return to_logits(probs), probs


class Bernoulli(Distribution):
    """Values 0 and 1 of `dtype` (int32), P(1) = sigmoid(logits) = probs."""

    reparameterization_type = NOT_REPARAMETERIZED

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="Bernoulli"):
        with name_scope(name) as scope:
            self.logits, given = _logits_and_probs(
                logits, probs, lambda p: OPS.log(p) - OPS.log1p(-p), "Bernoulli")
            self.probs = given if given is not None else OPS.sigmoid(self.logits)
            super().__init__({"logits": self.logits}, dtypes.as_dtype(dtype), validate_args,
                             allow_nan_stats, scope)

    def _float_dtype(self):
        return self.logits.dtype

    def _value(self, x):
        return math_ops.cast(convert_to_tensor(x), self.logits.dtype)

    def _sample_n(self, n, seed):
        u = random_ops.random_uniform(_sample_shape(self, n), dtype=self.probs.dtype, seed=seed)
        return math_ops.cast(u < self.probs, self.dtype)

    def _log_prob(self, x):
        logits = self.logits * OPS.ones_like(x)
        return -sigmoid_cross_entropy_with_logits(labels=x * OPS.ones_like(logits),
                                                  logits=logits)

    def _entropy(self):
        return sigmoid_cross_entropy_with_logits(labels=self.probs, logits=self.logits)

    def _mean(self):
        return self.probs * self._ones()

    def _variance(self):
        return self.probs * (1.0 - self.probs) * self._ones()

    def _mode(self):
        return math_ops.cast(self.probs > 0.5, self.dtype)


class Categorical(Distribution):
    """Class indices of `dtype` (int32) in [0, K): batch shape logits.shape[:-1]."""

    reparameterization_type = NOT_REPARAMETERIZED
    _event_ndims = 1  # of the parameters: the class axis

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="Categorical"):
        with name_scope(name) as scope:
            self.logits, given = _logits_and_probs(logits, probs, OPS.log, "Categorical")
            self.probs = given if given is not None else softmax(self.logits)
            super().__init__({"logits": self.logits}, dtypes.as_dtype(dtype), validate_args,
                             allow_nan_stats, scope)

    @property
    def event_size(self):
        return shape(self.logits)[-1]

    def _float_dtype(self):
        return self.logits.dtype

    def _value(self, x):
        return math_ops.cast(convert_to_tensor(x), dtypes.int32)

    def _sample_n(self, n, seed):
        flat = reshape(self.logits, [-1, self.event_size])
        count = OPS.reduce_prod(n)
        draws = random_ops.categorical(flat, count, dtype=self.dtype, seed=seed)  # [b, n]
        return reshape(transpose(draws), _sample_shape(self, n))

    def _log_prob(self, k):
        classes = self.logits.shape[-1] if self.logits.shape.ndims else None
        classes = getattr(classes, "value", classes)
        if classes is None:
            raise ValueError("Categorical.log_prob needs the number of classes (the last "
                             "dimension of logits) known when the graph is built")
        log_p = log_softmax(self.logits)
        return _sum_last(OPS.one_hot(k, int(classes), dtype=log_p.dtype) * log_p)

    def _entropy(self):
        return -_sum_last(softmax(self.logits) * log_softmax(self.logits))

    def _mean(self):
        raise NotImplementedError("Categorical has no mean (TF1 neither)")

    def _mode(self):
        return OPS.argmax(self.logits, axis=-1, output_type=self.dtype)


@RegisterKL(Normal, Normal)
def _kl_normal(a, b, name=None):
    ratio = OPS.square(a.scale / b.scale)
    return 0.5 * (ratio + OPS.square((a.loc - b.loc) / b.scale) - 1.0 - OPS.log(ratio))


@RegisterKL(Bernoulli, Bernoulli)
def _kl_bernoulli(a, b, name=None):
    to_zero = OPS.softplus(-b.logits) - OPS.softplus(-a.logits)
    to_one = OPS.softplus(b.logits) - OPS.softplus(a.logits)
    return OPS.sigmoid(a.logits) * to_zero + OPS.sigmoid(-a.logits) * to_one


@RegisterKL(Categorical, Categorical)
def _kl_categorical(a, b, name=None):
    log_a = log_softmax(a.logits)
    return _sum_last(OPS.exp(log_a) * (log_a - log_softmax(b.logits)))
