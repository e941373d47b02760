"""Ops written in terms of other ops: they need no kernels or gradient rules of their own.
Norms and clipping, moments and batch normalization, embedding lookup, logsumexp, the
is_nan family, count_nonzero, selu, xw_plus_b, saturate_cast, variance and standard
deviation, weighted sigmoid cross-entropy, fused_batch_norm."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import name_scope

from . import math_ops
from .core import OPS, convert_to_tensor


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None, keep_dims=None):
    """log(sum(exp(x))) over axis, stable for large x."""
    keep = bool(keepdims or keep_dims)
    with name_scope(name, "ReduceLogSumExp"):
        x = convert_to_tensor(input_tensor)
        top = OPS.stop_gradient(OPS.reduce_max(x, axis=axis, keepdims=True))
        out = OPS.log(OPS.reduce_sum(OPS.exp(x - top), axis=axis, keepdims=True)) + top
        return out if keep else OPS.squeeze(out, axis) if axis is not None else \
            OPS.reshape(out, [])


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):
    """Vector norms over axis (None: all elements): ord 'euclidean'/2, 1 or np.inf."""
    keep = bool(keepdims or keep_dims)
    with name_scope(name, "norm"):
        x = convert_to_tensor(tensor)
        if ord in ("euclidean", "fro", 2):
            return OPS.sqrt(OPS.reduce_sum(x * x, axis=axis, keepdims=keep))
        if ord == 1:
            return OPS.reduce_sum(OPS.abs(x), axis=axis, keepdims=keep)
        if ord == np.inf:
            return OPS.reduce_max(OPS.abs(x), axis=axis, keepdims=keep)
        raise ValueError(f"norm: unsupported ord {ord!r}")


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x**2, axis), epsilon))."""
    axis = dim if axis is None else axis
    with name_scope(name, "l2_normalize"):
        x = convert_to_tensor(x)
        square_sum = OPS.reduce_sum(x * x, axis=axis, keepdims=True)
        return x * OPS.rsqrt(OPS.maximum(square_sum, epsilon))


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """t scaled down so its L2 norm (over axes) is at most clip_norm."""
    with name_scope(name, "clip_by_norm"):
        t = convert_to_tensor(t)
        l2sum = OPS.reduce_sum(t * t, axis=axes, keepdims=True)
        safe = OPS.where(l2sum > 0.0, l2sum, OPS.ones_like(l2sum))
        clip = math_ops.cast(clip_norm, t.dtype)
        scale = clip * OPS.minimum(OPS.rsqrt(safe), 1.0 / clip)
        return t * OPS.where(l2sum > 0.0, scale, OPS.ones_like(l2sum))


def global_norm(t_list, name=None):
    """sqrt(sum of squares of every element of every tensor in t_list; None skipped)."""
    with name_scope(name, "global_norm"):
        parts = [OPS.reduce_sum(OPS.square(convert_to_tensor(t))) for t in t_list
                 if t is not None]
        return OPS.sqrt(OPS.add_n(parts))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """(clipped list, global norm): every tensor scaled by clip_norm / max(norm, clip_norm)."""
    with name_scope(name, "clip_by_global_norm"):
        norm_value = global_norm(t_list) if use_norm is None else convert_to_tensor(use_norm)
        clip = math_ops.cast(clip_norm, norm_value.dtype)
        scale = clip / OPS.maximum(norm_value, clip)
        clipped = [None if t is None else convert_to_tensor(t) * math_ops.cast(
            scale, convert_to_tensor(t).dtype) for t in t_list]
        return clipped, norm_value


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """(mean, variance) of x over axes."""
    keep = bool(keepdims or keep_dims)
    with name_scope(name, "moments"):
        x = convert_to_tensor(x)
        mean = OPS.reduce_mean(x, axis=axes, keepdims=True)
        variance = OPS.reduce_mean(OPS.squared_difference(x, OPS.stop_gradient(mean)),
                                   axis=axes, keepdims=True)
        if not keep:
            mean, variance = OPS.squeeze(mean, axes), OPS.squeeze(variance, axes)
        return mean, variance


def sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None):
    """(count, sum of x - shift, sum of (x - shift)^2, shift) over axes (shift None: the
    sums of x and x^2); count is the number of values reduced, in x's dtype."""
    keep = bool(keepdims or keep_dims)
    with name_scope(name, "sufficient_statistics"):
        x = convert_to_tensor(x)
        dims = OPS.gather(OPS.shape(x), list(axes))
        count = OPS.cast(OPS.reduce_prod(dims), x.dtype)
        centered = x if shift is None else x - shift
        mean_ss = OPS.reduce_sum(centered, axis=axes, keepdims=keep)
        var_ss = OPS.reduce_sum(OPS.square(centered), axis=axes, keepdims=keep)
        return count, mean_ss, var_ss, shift


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """(mean, variance) from sufficient_statistics' sums."""
    with name_scope(name, "normalize"):
        divisor = OPS.reciprocal(counts)
        shifted_mean = mean_ss * divisor
        mean = shifted_mean if shift is None else shifted_mean + shift
        return mean, variance_ss * divisor - OPS.square(shifted_mean)


def weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None):
    """(mean, variance) of x over axes, each value counted frequency_weights times
    (weights broadcast against x)."""
    keep = bool(keepdims or keep_dims)
    with name_scope(name, "weighted_moments"):
        x = convert_to_tensor(x)
        weights = OPS.cast(convert_to_tensor(frequency_weights), x.dtype)
        divisor = OPS.reciprocal(OPS.reduce_sum(weights + OPS.zeros_like(x), axis=axes,
                                                keepdims=True))
        mean = OPS.reduce_sum(weights * x, axis=axes, keepdims=True) * divisor
        variance = OPS.reduce_sum(weights * OPS.squared_difference(x, mean), axis=axes,
                                  keepdims=True) * divisor
        if not keep:
            mean, variance = OPS.squeeze(mean, axes), OPS.squeeze(variance, axes)
        return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) * scale / sqrt(variance + epsilon) + offset (offset/scale may be None)."""
    with name_scope(name, "batchnorm"):
        inv = OPS.rsqrt(variance + variance_epsilon)
        if scale is not None:
            inv = inv * scale
        shift = -mean * inv if offset is None else offset - mean * inv
        return x * inv + shift


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
                     data_format="NHWC", is_training=True, name=None):
    """tf.nn.fused_batch_norm of a 4-D x over all axes but the channels: (y, batch mean,
    batch variance) when training (that variance Bessel-corrected, as TF1 returns it for
    moving averages; y normalized with the uncorrected one), else y from the given mean
    and variance, which are returned as they are."""
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"fused_batch_norm: data_format must be NHWC or NCHW, got "
                         f"{data_format!r}")
    with name_scope(name, "FusedBatchNorm"):
        x = convert_to_tensor(x)
        if x.shape.ndims != 4:
            raise ValueError(f"fused_batch_norm needs a 4-D input, got {x.shape}")
        axes, channel = ([0, 1, 2], 3) if data_format == "NHWC" else ([0, 2, 3], 1)
        shape = [1, 1, 1, 1]
        shape[channel] = -1

        def per_channel(v):
            return OPS.reshape(v, shape)
        if is_training:
            if mean is not None or variance is not None:
                raise ValueError("fused_batch_norm: mean and variance are computed when "
                                 "is_training=True")
            mean, variance = moments(x, axes)
            count = math_ops.cast(OPS.size(x) // OPS.size(mean), x.dtype)
            corrected = variance * count / OPS.maximum(count - 1.0, 1.0)
        else:
            if mean is None or variance is None:
                raise ValueError("fused_batch_norm needs mean and variance when "
                                 "is_training=False")
            mean, variance = convert_to_tensor(mean), convert_to_tensor(variance)
            corrected = variance
        y = batch_normalization(x, per_channel(mean), per_channel(variance),
                                per_channel(offset), per_channel(scale), epsilon)
        return y, mean, corrected


def embedding_lookup(params, ids, partition_strategy="mod", name=None, max_norm=None):
    """Rows of params (a tensor or a one-element list) at ids."""
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise NotImplementedError("embedding_lookup over sharded params is not supported")
        params = params[0]
    with name_scope(name, "embedding_lookup"):
        rows = OPS.gather(params, ids)
        return rows if max_norm is None else clip_by_norm(rows, max_norm, axes=[-1])


def is_nan(x, name=None):
    """True where x is NaN (NaN is the one value unequal to itself)."""
    x = convert_to_tensor(x)
    return OPS.not_equal(x, x, name=name or "IsNan")


def is_inf(x, name=None):
    """True where x is +inf or -inf."""
    x = convert_to_tensor(x)
    return OPS.equal(OPS.abs(x), np.inf, name=name or "IsInf")


def is_finite(x, name=None):
    """True where x is neither infinite nor NaN (NaN compares false)."""
    x = convert_to_tensor(x)
    return OPS.less(OPS.abs(x), np.inf, name=name or "IsFinite")


def count_nonzero(input_tensor, axis=None, keepdims=None, dtype=None, name=None,
                  reduction_indices=None, keep_dims=None):
    """Number of non-zero (for bools: true) elements over `axis`, as int64 by default."""
    with name_scope(name, "count_nonzero"):
        x = convert_to_tensor(input_tensor)
        nonzero = OPS.not_equal(x, OPS.zeros_like(x))
        axis = axis if axis is not None else reduction_indices
        return OPS.reduce_sum(math_ops.cast(nonzero, dtype or dtypes.int64), axis=axis,
                              keepdims=bool(keepdims or keep_dims))


def selu(features, name=None):
    """Scaled ELU: scale * (x if x > 0 else alpha * (exp(x) - 1)), TF1's constants."""
    with name_scope(name, "Selu"):
        x = convert_to_tensor(features)
        alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
        return scale * OPS.where(x > 0, x, alpha * OPS.elu(x))


def xw_plus_b(x, weights, biases, name=None):
    """matmul(x, weights) + biases."""
    with name_scope(name, "xw_plus_b"):
        return OPS.bias_add(OPS.matmul(x, weights), biases)


def relu_layer(x, weights, biases, name=None):
    """relu(matmul(x, weights) + biases)."""
    with name_scope(name, "relu_layer"):
        return OPS.relu(xw_plus_b(x, weights, biases))


def saturate_cast(value, dtype, name=None):
    """Cast, first clipping values to the range of `dtype`."""
    with name_scope(name, "saturate_cast"):
        value = convert_to_tensor(value)
        dtype = dtypes.as_dtype(dtype)
        if value.dtype.is_bool or dtype.is_bool or (
                float(value.dtype.min) >= float(dtype.min)
                and float(value.dtype.max) <= float(dtype.max)):  # every value fits
            return math_ops.cast(value, dtype)
        kind = value.dtype.np.type
        low = kind(max(float(dtype.min), float(value.dtype.min)))
        high = kind(min(float(dtype.max), float(value.dtype.max)))
        if float(high) > float(dtype.max):  # rounded up past an integer limit: step back
            high = np.nextafter(high, kind(0))
        return math_ops.cast(OPS.clip_by_value(value, low, high), dtype)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Mean squared deviation from the mean over `axis`."""
    with name_scope(name, "reduce_variance"):
        x = convert_to_tensor(input_tensor)
        mean = OPS.reduce_mean(x, axis=axis, keepdims=True)
        return OPS.reduce_mean(OPS.squared_difference(x, mean), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Standard deviation over `axis` (square root of reduce_variance)."""
    with name_scope(name, "reduce_std"):
        return OPS.sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """Sigmoid cross-entropy with the positive term weighted by pos_weight, in TF1's
    overflow-free form."""
    with name_scope(name, "logistic_loss"):
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(targets if labels is None else labels, dtype=logits.dtype)
        log_weight = 1.0 + (convert_to_tensor(pos_weight, dtype=logits.dtype) - 1.0) * labels
        return (1.0 - labels) * logits + log_weight * (
            OPS.log1p(OPS.exp(-OPS.abs(logits))) + OPS.relu(-logits))
