"""tf0.math (the module tf.math): the math ops under their TF1.13+ names, the same functions
as tf.<name>, plus the few TF1 has only here (xlogy, xdivy, polyval, reduce_euclidean_norm,
and softsign, top_k and in_top_k, which are also in tf.nn). (Not named math.py: that would
shadow the standard library next to it.)"""
from tf0.ops import (U as _U, B as _B, abs, add, add_n, argmax, argmin,  # noqa: F401,A004
                     ceil, cos, equal, exp, floor, floordiv, floormod, greater, greater_equal,
                     l2_normalize, less, less_equal, log, log1p, log_softmax, logical_and,
                     logical_not, logical_or, logical_xor, maximum, minimum, multiply,
                     negative, not_equal, pow, reciprocal, reduce_all, reduce_any,
                     reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod,
                     reduce_sum, round, rsqrt, scalar_mul, sigmoid, sign, sin, softmax,
                     softplus, sqrt, square, squared_difference, subtract, tanh, truediv,
                     count_nonzero, cumprod, cumsum, is_finite, is_inf, is_nan, reduce_std,
                     reduce_variance, segment_max, segment_mean, segment_min, segment_sum,
                     unsorted_segment_max, unsorted_segment_mean, unsorted_segment_min,
                     unsorted_segment_sum)

divide = truediv
mod = _B["floormod"]
globals().update({name: _U[name] for name in (
    "erf", "erfc", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
    "expm1", "lgamma", "digamma", "erfinv", "ndtri")})
atan2, zeta = _B["atan2"], _B["zeta"]
rint = round
accumulate_n = add_n
from tf0.ops import (div_no_nan as divide_no_nan, invert_permutation,  # noqa: E402,F401
                     is_non_decreasing, is_strictly_increasing, lbeta, multiply_no_nan,
                     polygamma, reciprocal_no_nan, xlog1py)

from tf0.ops.math_composites import (bincount, confusion_matrix, log_sigmoid,  # noqa: E402,F401
                                     polyval, reduce_euclidean_norm, softsign, truncatediv,
                                     truncatemod, xdivy, xlogy, zero_fraction)
from tf0.ops.nn_ops import in_top_k, top_k  # noqa: E402,F401
from tf0.ops import (segment_prod, unsorted_segment_prod,  # noqa: E402,F401
                     unsorted_segment_sqrt_n)
