"""Math, activation and evaluation ops written in terms of other ops (no kernels or
gradient rules of their own): swish, softsign, crelu, log_sigmoid, zero_fraction, xlogy,
xdivy, xlog1py, truncatediv, truncatemod, div_no_nan, multiply_no_nan, reciprocal_no_nan,
is_non_decreasing, is_strictly_increasing, invert_permutation, reduce_euclidean_norm,
polyval, confusion_matrix, bincount, local response normalization, atrous_conv2d, and the
shuffles random_shuffle and random_crop."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import get_default_graph, name_scope

from . import math_ops
from .array_composites import unsorted_segment_sum
from .array_ops import concat, pad, reshape, shape
from .control_flow import Assert
from .conv_ops import conv2d
from .core import OPS, convert_to_tensor
from .index_ops import gather, one_hot, slice_
from .random_ops import random_uniform
from .scan_ops import argsort


def swish(features, name=None):
    """features * sigmoid(features)."""
    with name_scope(name, "swish"):
        x = convert_to_tensor(features)
        return x * OPS.sigmoid(x)


def softsign(features, name=None):
    """features / (1 + |features|)."""
    with name_scope(name, "Softsign"):
        x = convert_to_tensor(features)
        return x / (OPS.abs(x) + 1.0)


def crelu(features, name=None, axis=-1):
    """relu(features) and relu(-features) concatenated along `axis`."""
    with name_scope(name, "CRelu"):
        x = convert_to_tensor(features)
        return concat([OPS.relu(x), OPS.relu(-x)], axis)


def log_sigmoid(x, name=None):
    """log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
    with name_scope(name, "LogSigmoid"):
        return -OPS.softplus(-convert_to_tensor(x))


def zero_fraction(value, name=None):
    """The fraction of elements of `value` equal to zero, as a float32 scalar."""
    with name_scope(name, "zero_fraction"):
        value = convert_to_tensor(value)
        return OPS.reduce_mean(math_ops.cast(OPS.equal(value, OPS.zeros_like(value)),
                                             dtypes.float32))


def _where_x_is_zero(x, y):
    """(x, y with 1 wherever x == 0): the safe denominator or log argument of xlogy and
    xdivy, so neither value nor gradient turns into NaN where x is zero."""
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    y = math_ops.cast(y, x.dtype) if y.dtype is not x.dtype else y
    y = y * OPS.ones_like(x)  # broadcast to the shape of the result
    return x, OPS.where(OPS.equal(x, OPS.zeros_like(x)), OPS.ones_like(y), y)


def xlogy(x, y, name=None):
    """x * log(y), and 0 where x == 0 (whatever y is)."""
    with name_scope(name, "xlogy"):
        x, safe_y = _where_x_is_zero(x, y)
        return x * OPS.log(safe_y)


def xdivy(x, y, name=None):
    """x / y, and 0 where x == 0 (whatever y is)."""
    with name_scope(name, "xdivy"):
        x, safe_y = _where_x_is_zero(x, y)
        return x / safe_y


def truncatediv(x, y, name=None):
    """x / y rounded toward zero (C's integer division); for floats, trunc(x / y)."""
    with name_scope(name, "truncatediv"):
        x, y = convert_to_tensor(x), convert_to_tensor(y, dtype=convert_to_tensor(x).dtype)
        if x.dtype.is_floating:
            q = x / y
            return OPS.sign(q) * OPS.floor(OPS.abs(q))
        q = OPS.floordiv(x, y)
        # floor division rounds down: one more where the quotient is negative and inexact
        inexact = OPS.not_equal(q * y, x) & OPS.not_equal(x < 0, y < 0)
        return q + math_ops.cast(inexact, x.dtype)


def truncatemod(x, y, name=None):
    """The remainder of truncatediv (C's %, fmod for floats): its sign follows x."""
    with name_scope(name, "truncatemod"):
        x, y = convert_to_tensor(x), convert_to_tensor(y, dtype=convert_to_tensor(x).dtype)
        r = OPS.floormod(x, y)  # its sign follows y: one y back where x and y differ in sign
        return OPS.where(OPS.not_equal(r, 0) & OPS.not_equal(x < 0, y < 0), r - y, r)


def xlog1py(x, y, name=None):
    """x * log1p(y), and 0 where x == 0 (whatever y is)."""
    with name_scope(name, "xlog1py"):
        x, safe_y = _where_x_is_zero(x, y)
        return x * OPS.log1p(safe_y)


def div_no_nan(x, y, name=None):
    """x / y, and 0 where y == 0 (value and gradients, as TF1)."""
    with name_scope(name, "div_no_nan"):
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype=x.dtype)
        zero = OPS.equal(y, OPS.zeros_like(y))
        quotient = x / OPS.where(zero, OPS.ones_like(y), y)
        return OPS.where(zero, OPS.zeros_like(quotient), quotient)


def multiply_no_nan(x, y, name=None):
    """x * y, and 0 where y == 0 even where x is inf or NaN."""
    with name_scope(name, "multiply_no_nan"):
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype=x.dtype)
        # a finite x times 0 is 0 already, and keeps d/dy = x there
        keep = OPS.is_finite(x) | OPS.not_equal(y, OPS.zeros_like(y))
        return OPS.where(keep, x, OPS.zeros_like(x)) * y


def reciprocal_no_nan(x, name=None):
    """1 / x, and 0 where x == 0."""
    with name_scope(name, "reciprocal_no_nan"):
        x = convert_to_tensor(x)
        return div_no_nan(OPS.ones_like(x), x)


def _consecutive(x, compare, name):
    with name_scope(None, name):
        flat = reshape(convert_to_tensor(x), [-1])
        return OPS.reduce_all(compare(flat[1:], flat[:-1]))


def is_non_decreasing(x, name=None):
    """A bool scalar: every element of x (flattened) >= the one before; True when empty."""
    return _consecutive(x, OPS.greater_equal, name or "is_non_decreasing")


def is_strictly_increasing(x, name=None):
    """A bool scalar: every element of x (flattened) > the one before; True when empty."""
    return _consecutive(x, OPS.greater, name or "is_strictly_increasing")


def invert_permutation(x, name=None):
    """y with y[x[i]] = i for a permutation x of 0..n-1 (int32 or int64, shape [n]); anything
    else fails at run time with InvalidArgumentError."""
    with name_scope(name, "invert_permutation"):
        x = convert_to_tensor(x)
        n = shape(x, out_type=x.dtype)
        positions = OPS.range_(0, n[0], 1, dtype=x.dtype)
        check = Assert(OPS.reduce_all(OPS.equal(OPS.sort(x), positions)),
                       ["invert_permutation: not a permutation of 0..n-1:", x])
        with get_default_graph().control_dependencies([check]):
            return OPS.scatter_nd(OPS.expand_dims(x, 1), positions, n)


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x**2)) over axis (None: all elements)."""
    with name_scope(name, "reduce_euclidean_norm"):
        x = convert_to_tensor(input_tensor)
        return OPS.sqrt(OPS.reduce_sum(x * x, axis=axis, keepdims=keepdims))


def polyval(coeffs, x, name=None):
    """coeffs[0] * x**(n-1) + ... + coeffs[n-1] by Horner's rule (coeffs: a list)."""
    with name_scope(name, "polyval"):
        x = convert_to_tensor(x)
        if not coeffs:
            return OPS.zeros_like(x)
        result = math_ops.cast(convert_to_tensor(coeffs[0]), x.dtype) * OPS.ones_like(x)
        for c in coeffs[1:]:
            result = result * x + math_ops.cast(convert_to_tensor(c), x.dtype)
        return result


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=dtypes.int32,
                     name=None):
    """[num_classes, num_classes] counts (or summed weights) of each (label, prediction)
    pair: rows are labels, columns predictions. tf0 needs num_classes (an int): without
    it the output's size would depend on the data."""
    if num_classes is None:
        raise ValueError("confusion_matrix needs num_classes in tf0 (the matrix size would "
                         "otherwise depend on the values of labels and predictions)")
    with name_scope(name, "confusion_matrix"):
        n = int(num_classes)
        rows = one_hot(math_ops.cast(labels, dtypes.int64), n, dtype=dtypes.float64)
        cols = one_hot(math_ops.cast(predictions, dtypes.int64), n, dtype=dtypes.float64)
        if weights is not None:
            w = math_ops.cast(convert_to_tensor(weights), dtypes.float64)
            rows = rows * OPS.expand_dims(w * OPS.ones_like(rows[:, 0]), 1)
        return math_ops.cast(math_ops.matmul(rows, cols, transpose_a=True),
                             dtypes.as_dtype(dtype))


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32,
             name=None):
    """How often each value 0, 1, ... occurs in the non-negative int32 `arr` (or the sum of
    `weights` at its positions): length max(arr) + 1, at least minlength, at most
    maxlength (larger values are left out). The length depends on the data, so on the GPU
    the plan reads it back and launches op by op."""
    with name_scope(name, "bincount"):
        flat = reshape(convert_to_tensor(arr, dtype=dtypes.int32), [-1])
        check = Assert(OPS.reduce_all(flat >= 0), ["bincount: arr must be non-negative"])
        with get_default_graph().control_dependencies([check]):
            flat = OPS.identity(flat)
        length = OPS.maximum(OPS.reduce_max(concat([flat, [-1]], 0)) + 1, 0)
        if minlength is not None:
            length = OPS.maximum(length, int(minlength))
        if maxlength is not None:
            length = OPS.minimum(length, int(maxlength))
        if weights is None:
            values = math_ops.cast(OPS.ones_like(flat), dtypes.as_dtype(dtype))
        else:
            values = reshape(convert_to_tensor(weights), [-1])
        kept = math_ops.where(flat < length, flat, -OPS.ones_like(flat))
        return unsorted_segment_sum(values, kept, length)


def random_shuffle(value, seed=None, name=None):
    """`value` with its first dimension randomly permuted (an argsort of uniform keys)."""
    with name_scope(name, "random_shuffle"):
        value = convert_to_tensor(value)
        keys = random_uniform(shape(value)[:1], seed=seed)
        return gather(value, argsort(keys))


def random_crop(value, size, seed=None, name=None):
    """A random slice of `value` of shape `size` (a list of ints), at a uniformly drawn
    offset on every axis."""
    with name_scope(name, "random_crop"):
        value = convert_to_tensor(value)
        size = [int(s) for s in np.atleast_1d(size)]
        room = shape(value) - np.array(size, np.int32) + 1
        draw = random_uniform([len(size)], 0, np.iinfo(np.int32).max, dtype=dtypes.int32,
                              seed=seed)
        offsets = OPS.floormod(draw, OPS.maximum(room, 1))
        return slice_(value, offsets, size)


def local_response_normalization(input, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5,  # noqa: A002
                                 name=None):
    """input / (bias + alpha * sum of squares over the channels within depth_radius) **
    beta, along the last axis of a 4-D input (TF1's LRN)."""
    with name_scope(name, "LRN"):
        x = convert_to_tensor(input)
        if x.shape.ndims != 4:
            raise ValueError(f"local_response_normalization needs a 4-D input, got {x.shape}")
        r = int(depth_radius)
        squares = pad(x * x, [[0, 0], [0, 0], [0, 0], [r, r]])
        depth = x.shape.dims[3]
        if depth is None:
            raise ValueError("local_response_normalization needs a known channel count")
        window = OPS.add_n([squares[:, :, :, k:k + depth] for k in range(2 * r + 1)]) \
            if r else x * x
        return x * OPS.pow(bias + alpha * window, -float(beta))


def atrous_conv2d(value, filters, rate, padding, name=None):
    """conv2d of NHWC `value` with `filters` dilated by `rate` (holes between the taps)."""
    return conv2d(value, filters, strides=[1, 1, 1, 1], padding=padding,
                  dilations=[1, int(rate), int(rate), 1], name=name or "atrous_conv2d")
