"""Trigonometric, hyperbolic and special functions: tan, asin, acos, atan, sinh, cosh, asinh,
acosh, atanh, expm1, lgamma, digamma, erfinv, ndtri (unary kernels), atan2 and the Hurwitz
zeta (binary kernels); polygamma and lbeta are written in terms of them.

Every op takes float32 or float64 tensors and returns the same dtype. The NumPy references
compute in float64 (NumPy has no lgamma, digamma, zeta or inverse error function; the kernels
in kernels/special.cuh use the same series). Values at poles and outside the domain follow
TF1: lgamma is +inf at 0, -1, -2, ...; digamma is NaN there; zeta(s, q) is +inf for s == 1,
NaN for s < 1, and for q <= 0 +inf at integers and NaN unless s is an integer.
"""
import math

import numpy as np

from tf0.engine.graph import name_scope
from tf0.engine.shapes import broadcast_shapes

from . import math_ops
from .core import OPS, convert_to_tensor
from .math_ops import define_binary, define_unary, float_only
from .reduce_ops import REDUCE_BUILDERS

SERIES_START = 10.0  # digamma and zeta step their argument up to here, then sum a series
# Bernoulli numbers B_2j / (2j)!, j = 1..7: the Euler-Maclaurin tail of the Hurwitz zeta
_ZETA_TAIL = (1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160,
              -691 / 1307674368000, 1 / 74724249600)
ZETA_MIN_Q = -1e5  # below this, zeta's upward steps would be too many: NaN


def _in_float64(fn):
    """fn on float64 copies of its arguments, cast back to the first one's dtype."""
    def run(x, *rest):
        with np.errstate(all="ignore"):
            out = fn(np.asarray(x, np.float64), *(np.asarray(r, np.float64) for r in rest))
        return np.asarray(out).astype(x.dtype, copy=False)
    return run


def _lgamma_scalar(v):
    try:
        return math.lgamma(v)
    except ValueError:  # the poles 0, -1, -2, ...
        return math.inf


_lgamma = np.vectorize(_lgamma_scalar, otypes=[np.float64])


def _digamma(x):
    """psi(x): reflection for x < 0, upward recurrence to SERIES_START, then the asymptotic
    series ln z - 1/(2z) - sum B_2k / (2k z^2k)."""
    negative = x < 0
    result = np.where(negative, -np.pi / np.tan(np.pi * (x - np.floor(x))), 0.0)
    z = np.where(negative, 1.0 - x, x)
    while True:
        below = z < SERIES_START
        if not below.any():
            break
        result -= np.where(below, 1.0 / z, 0.0)
        z = np.where(below, z + 1.0, z)
    r = 1.0 / (z * z)
    series = r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r * (
        1 / 132 - r * (691 / 32760))))))
    result += np.log(z) - 0.5 / z - series
    return np.where((x <= 0) & (x == np.floor(x)), np.nan, result)


def _zeta(s, q):
    """The Hurwitz zeta sum_k (q + k)^-s: terms up to q + k >= SERIES_START, then the
    Euler-Maclaurin tail."""
    s, q0 = np.broadcast_arrays(s, q)
    q = np.where(q0 < ZETA_MIN_Q, np.nan, q0)
    total = np.zeros(s.shape)
    while True:
        below = q < SERIES_START
        if not below.any():
            break
        total += np.where(below, np.power(q, -s), 0.0)
        q = np.where(below, q + 1.0, q)
    total += np.power(q, 1.0 - s) / (s - 1.0) + 0.5 * np.power(q, -s)
    term = s * np.power(q, -s - 1.0)
    for j, coefficient in enumerate(_ZETA_TAIL):
        total += coefficient * term
        term = term * (s + 2 * j + 1) * (s + 2 * j + 2) / (q * q)
    pole = (q0 <= 0) & (q0 == np.floor(q0))
    total = np.where((q0 <= 0) & (s != np.floor(s)), np.nan, total)
    total = np.where(pole, np.inf, total)
    return np.where(s > 1, total, np.where(s == 1, np.inf, np.nan))


def _normal_cdf(y):
    return 0.5 * np.vectorize(math.erfc, otypes=[np.float64])(-y / math.sqrt(2))


# Acklam's rational approximation of the normal quantile (relative error < 1.2e-9), polished
# by Halley steps on the normal CDF.
_CENTRAL_NUM = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_CENTRAL_DEN = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                6.680131188771972e+01, -1.328068155288572e+01, 1.0)
_TAIL_NUM = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_TAIL_DEN = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
             3.754408661907416e+00, 1.0)
_TAIL_P = 0.02425


def _ndtri(p):
    """The x with Phi(x) = p; -inf at 0, +inf at 1, NaN outside [0, 1]."""
    lower, upper = p < _TAIL_P, p > 1 - _TAIL_P
    central = p - 0.5
    r = central * central
    x = central * np.polyval(_CENTRAL_NUM, r) / np.polyval(_CENTRAL_DEN, r)
    t = np.sqrt(-2 * np.log(np.where(lower, p, np.where(upper, 1 - p, 0.5))))
    tail = np.polyval(_TAIL_NUM, t) / np.polyval(_TAIL_DEN, t)
    x = np.where(lower, tail, np.where(upper, -tail, x))
    for _ in range(2):
        finite = np.isfinite(x)
        e = _normal_cdf(np.where(finite, x, 0.0)) - p
        u = e * math.sqrt(2 * math.pi) * np.exp(np.where(finite, x, 0.0) ** 2 / 2)
        x = np.where(finite, x - u / (1 + x * u / 2), x)
    x = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, x))
    return np.where((p < 0) | (p > 1), np.nan, x)


def _erfinv(x):
    """The y with erf(y) = x: the normal quantile's, polished by Newton steps on erf (which
    keeps tiny x exact, where (x + 1) / 2 would round)."""
    y = _ndtri((x + 1) / 2) / math.sqrt(2)
    erf = np.vectorize(math.erf, otypes=[np.float64])
    for _ in range(2):
        finite = np.isfinite(y)
        safe = np.where(finite, y, 0.0)
        step = (erf(safe) - x) / (2 / math.sqrt(math.pi) * np.exp(-safe * safe))
        y = np.where(finite, y - step, y)
    return y


def _zeta_grad(s, q, z, dz):
    # TF1 gives no gradient for the exponent s.
    return None, dz * -s * OPS.zeta(s + 1, q)


def _float_binary(op):
    a, b = op.inputs
    if not a.dtype.is_floating:
        raise ValueError(f"{op.type} requires float tensors, got {a.dtype.name} ({a.name})")
    return [(broadcast_shapes(a.shape, b.shape), a.dtype)]


define_unary([
    ("Tan", "tan", np.tan, lambda x, y, dy: dy / OPS.square(OPS.cos(x)), float_only),
    ("Asin", "asin", np.arcsin, lambda x, y, dy: dy * OPS.rsqrt(1 - x * x), float_only),
    ("Acos", "acos", np.arccos, lambda x, y, dy: -dy * OPS.rsqrt(1 - x * x), float_only),
    ("Atan", "atan", np.arctan, lambda x, y, dy: dy / (1 + x * x), float_only),
    ("Sinh", "sinh", np.sinh, lambda x, y, dy: dy * OPS.cosh(x), float_only),
    ("Cosh", "cosh", np.cosh, lambda x, y, dy: dy * OPS.sinh(x), float_only),
    ("Asinh", "asinh", np.arcsinh, lambda x, y, dy: dy / OPS.cosh(y), float_only),
    ("Acosh", "acosh", np.arccosh, lambda x, y, dy: dy / OPS.sinh(y), float_only),
    ("Atanh", "atanh", np.arctanh, lambda x, y, dy: dy / (1 - x * x), float_only),
    ("Expm1", "expm1", np.expm1, lambda x, y, dy: dy * OPS.exp(x), float_only),
    ("Lgamma", "lgamma", _in_float64(_lgamma), lambda x, y, dy: dy * OPS.digamma(x),
     float_only),
    ("Digamma", "digamma", _in_float64(_digamma),
     lambda x, y, dy: dy * OPS.zeta(2 * OPS.ones_like(x), x), float_only),
    ("Erfinv", "erfinv", _in_float64(_erfinv),
     lambda x, y, dy: dy * (math.sqrt(math.pi) / 2) * OPS.exp(y * y), float_only),
    ("Ndtri", "ndtri", _in_float64(_ndtri),
     lambda x, y, dy: dy * math.sqrt(2 * math.pi) * OPS.exp(y * y / 2), float_only),
])
define_binary([
    ("Atan2", "atan2", np.arctan2,
     lambda y, x, z, g: (g * x / (x * x + y * y), -g * y / (x * x + y * y)), _float_binary),
    ("Zeta", "zeta", _in_float64(_zeta), _zeta_grad, _float_binary),
])


def polygamma(a, x, name=None):
    """The a-th derivative of digamma at x; a holds non-negative integers (NaN elsewhere),
    broadcast against x. No gradient flows to a (as in TF1)."""
    with name_scope(name, "polygamma"):
        x = convert_to_tensor(x)
        a = OPS.stop_gradient(math_ops.cast(convert_to_tensor(a), x.dtype))
        whole = (a >= 0) & OPS.equal(a, OPS.floor(a))
        sign = OPS.where(OPS.equal(OPS.floormod(a, 2.0), 0.0), -OPS.ones_like(a),
                         OPS.ones_like(a))
        higher = sign * OPS.exp(OPS.lgamma(a + 1)) * OPS.zeta(a + 1, x)
        value = OPS.where(OPS.equal(a, 0.0), OPS.digamma(x) + 0 * a, higher)
        return OPS.where(whole, value, np.nan + 0 * value)


def lbeta(x, name=None):
    """log |B(x)| over the last axis: sum lgamma(x_i) - lgamma(sum x_i); shape x.shape[:-1]."""
    with name_scope(name, "lbeta"):
        x = convert_to_tensor(x)
        return REDUCE_BUILDERS["reduce_sum"](OPS.lgamma(x), axis=-1) - \
            OPS.lgamma(REDUCE_BUILDERS["reduce_sum"](x, axis=-1))
