"""More of tf.nn, written in terms of other ops: 1-D pooling, the generic convolution and
pool, conv2d's backprop functions, log_poisson_loss, batch_norm_with_global_normalization,
static_bidirectional_rnn and the sparse embedding lookups."""
import math

from tf0.engine import dtypes
from tf0.engine.gradients import gradients
from tf0.engine.graph import name_scope

from .array_ops import concat, expand_dims, squeeze, stack, unstack
from .composites import batch_normalization
from .conv_ops import avg_pool, conv1d, conv2d, conv2d_transpose, max_pool
from .core import OPS, convert_to_tensor
from .depthwise_conv import depthwise_conv2d
from .index_ops import gather
from .math_ops import cast
from .rnn import reverse_sequence, static_rnn
from .variable_scope import variable_scope


def _pair(value, what):
    """An int or a 1- or 3-element list (TF1's 1-D ksize/strides) -> the window's int."""
    values = [int(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
    if len(values) == 3:
        return values[1]
    if len(values) != 1:
        raise ValueError(f"{what} must be an int or a list of 1 or 3 ints, got {value}")
    return values[0]


def _pool1d(pool, input, ksize, strides, padding, data_format, name, default_name):  # noqa: A002
    if data_format not in ("NWC", "NCW"):
        raise ValueError(f"data_format must be NWC or NCW, got {data_format}")
    with name_scope(name, default_name):
        axis = 1 if data_format == "NWC" else 2
        x = expand_dims(convert_to_tensor(input), axis)  # a height of 1
        k, s = _pair(ksize, "ksize"), _pair(strides, "strides")
        layout = "NHWC" if data_format == "NWC" else "NCHW"
        window = [1, 1, k, 1] if layout == "NHWC" else [1, 1, 1, k]
        step = [1, 1, s, 1] if layout == "NHWC" else [1, 1, 1, s]
        return squeeze(pool(x, window, step, padding, data_format=layout), [axis])


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """max_pool over the width of [batch, width, channels] (NCW: [batch, channels, width])."""
    return _pool1d(max_pool, input, ksize, strides, padding, data_format, name, "MaxPool1d")


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """avg_pool over the width of [batch, width, channels] (NCW: [batch, channels, width])."""
    return _pool1d(avg_pool, input, ksize, strides, padding, data_format, name, "AvgPool1D")


def _spatial_rank(x):
    rank = convert_to_tensor(x).shape.ndims
    if rank not in (3, 4):
        raise ValueError(f"tf0 convolves and pools 1-D and 2-D inputs ([batch, width, "
                         f"channels] or [batch, height, width, channels]), got rank {rank}")
    return rank - 2


def convolution(input, filter, padding, strides=None, dilation_rate=None, name=None,  # noqa: A002
                data_format=None, filters=None, dilations=None):
    """The N-D convolution for N = 1 (conv1d) or 2 (conv2d), channels last or first."""
    filter = filter if filter is not None else filters  # noqa: A001
    dilation_rate = dilation_rate if dilation_rate is not None else dilations
    n = _spatial_rank(input)
    strides = list(strides or [1] * n)
    rate = list(dilation_rate or [1] * n)
    with name_scope(name, "convolution"):
        if n == 1:
            return conv1d(input, filter, strides[0], padding,
                          data_format=data_format or "NWC",
                          dilations=None if rate == [1] else rate[0])
        channels_first = (data_format or "NHWC") == "NCHW"
        full = [1, 1, *strides] if channels_first else [1, *strides, 1]
        dil = [1, 1, *rate] if channels_first else [1, *rate, 1]
        return conv2d(input, filter, full, padding, data_format=data_format or "NHWC",
                      dilations=dil)


def pool(input, window_shape, pooling_type, padding, dilation_rate=None, strides=None,  # noqa: A002
         name=None, data_format=None):
    """MAX or AVG pooling over 1-D or 2-D windows (no dilation)."""
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"pooling_type must be MAX or AVG, got {pooling_type}")
    if dilation_rate is not None and any(int(r) != 1 for r in dilation_rate):
        raise NotImplementedError("tf0's pool takes no dilation")
    n = _spatial_rank(input)
    strides = list(strides or [1] * n)
    with name_scope(name, f"{pooling_type.lower()}_pool"):
        if n == 1:
            op = max_pool1d if pooling_type == "MAX" else avg_pool1d
            return op(input, window_shape, strides, padding, data_format or "NWC")
        channels_first = (data_format or "NHWC") == "NCHW"
        window = [1, 1, *window_shape] if channels_first else [1, *window_shape, 1]
        step = [1, 1, *strides] if channels_first else [1, *strides, 1]
        op = max_pool if pooling_type == "MAX" else avg_pool
        return op(input, window, step, padding, data_format=data_format or "NHWC")


def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None,  # noqa: A002
                          padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
                          dilations=(1, 1, 1, 1), name=None, filters=None):
    """The gradient of conv2d with respect to its input (of shape `input_sizes`)."""
    return conv2d_transpose(out_backprop, filter if filter is not None else filters,
                            input_sizes, strides, padding, data_format=data_format,
                            name=name or "Conv2DBackpropInput", dilations=dilations)


def _filter_gradient(conv, input, filter_sizes, out_backprop, name):  # noqa: A002
    """The gradient of conv(input, filter) with respect to a filter of `filter_sizes`, for
    the output gradient `out_backprop` (the filter's value does not enter it)."""
    with name_scope(name):
        x = convert_to_tensor(input)
        probe = OPS.zeros(filter_sizes, dtype=x.dtype)
        return gradients(conv(x, probe), [probe], grad_ys=[out_backprop])[0]


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, data_format="NHWC",
                           dilations=(1, 1, 1, 1), name=None):
    """The gradient of conv2d with respect to its filter (of shape `filter_sizes`)."""
    return _filter_gradient(
        lambda x, w: conv2d(x, w, strides, padding, data_format=data_format,
                            dilations=dilations),
        input, filter_sizes, out_backprop, name or "Conv2DBackpropFilter")


def depthwise_conv2d_native(input, filter, strides, padding, data_format="NHWC",  # noqa: A002
                            dilations=(1, 1, 1, 1), name=None):
    """depthwise_conv2d under the name of its TF1 kernel."""
    rate = None if list(dilations) == [1, 1, 1, 1] else list(dilations)[1:3]
    return depthwise_conv2d(input, filter, strides, padding, rate=rate,
                            name=name or "DepthwiseConv2dNative", data_format=data_format)


def depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop, strides,  # noqa: A002
                                            padding, data_format="NHWC",
                                            dilations=(1, 1, 1, 1), name=None):
    """The gradient of depthwise_conv2d_native with respect to its filter."""
    return _filter_gradient(
        lambda x, w: depthwise_conv2d_native(x, w, strides, padding, data_format, dilations),
        input, filter_sizes, out_backprop, name or "DepthwiseConv2dNativeBackpropFilter")


def depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop, strides,  # noqa: A002
                                           padding, data_format="NHWC",
                                           dilations=(1, 1, 1, 1), name=None):
    """The gradient of depthwise_conv2d_native with respect to its input."""
    with name_scope(name, "DepthwiseConv2dNativeBackpropInput"):
        w = convert_to_tensor(filter)
        probe = OPS.zeros(input_sizes, dtype=w.dtype)
        out = depthwise_conv2d_native(probe, w, strides, padding, data_format, dilations)
        return gradients(out, [probe], grad_ys=[out_backprop])[0]


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """exp(log_input) - targets * log_input (the Poisson negative log-likelihood without
    the constant), plus Stirling's approximation of log(targets!) for targets > 1 when
    compute_full_loss."""
    with name_scope(name, "log_poisson_loss"):
        log_input = convert_to_tensor(log_input)
        targets = convert_to_tensor(targets, dtype=log_input.dtype)
        loss = OPS.exp(log_input) - log_input * targets
        if not compute_full_loss:
            return loss
        safe = OPS.where(targets > 1.0, targets, OPS.ones_like(targets))
        stirling = safe * OPS.log(safe) - safe + 0.5 * OPS.log(2.0 * math.pi * safe)
        return loss + OPS.where(targets > 1.0, stirling, OPS.zeros_like(targets))


def batch_norm_with_global_normalization(t=None, m=None, v=None, beta=None, gamma=None,
                                         variance_epsilon=None,
                                         scale_after_normalization=None, name=None,
                                         input=None, mean=None, variance=None):  # noqa: A002
    """batch_normalization with gamma applied only when scale_after_normalization."""
    t = t if t is not None else input
    m = m if m is not None else mean
    v = v if v is not None else variance
    with name_scope(name, "batchnorm"):
        return batch_normalization(t, m, v, beta, gamma if scale_after_normalization else None,
                                   variance_epsilon)


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """static_rnn forwards and backwards over a list of [batch, depth] inputs: (outputs,
    each the forward and backward outputs of one step concatenated, final forward
    state, final backward state). With sequence_length each sequence is reversed within
    its own length."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError("static_bidirectional_rnn needs a non-empty list of inputs")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                          sequence_length, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            backwards = _reversed(inputs, sequence_length)
            out_bw, state_bw = static_rnn(cell_bw, backwards, initial_state_bw, dtype,
                                          sequence_length, scope=bw_scope)
        out_bw = _reversed(out_bw, sequence_length)
        return [concat([f, b], 1) for f, b in zip(out_fw, out_bw)], state_fw, state_bw


def _reversed(steps, sequence_length):
    if sequence_length is None:
        return list(reversed(steps))
    lengths = cast(convert_to_tensor(sequence_length), dtypes.int64)
    return unstack(reverse_sequence(stack(steps), lengths, seq_axis=0, batch_axis=1))


def _combine(rows, weights, segments, num_segments, combiner):
    """Per segment: the weighted sum of its rows, divided by the sum of its weights (mean)
    or by the root of the sum of their squares (sqrtn)."""
    if combiner not in ("sum", "mean", "sqrtn"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner}")
    if weights is None:
        weights = cast(OPS.ones_like(segments), rows.dtype)
    total = OPS.unsorted_segment_sum(rows * expand_dims(weights, -1), segments, num_segments)
    if combiner == "sum":
        return total
    norm = weights if combiner == "mean" else OPS.square(weights)
    norm = OPS.unsorted_segment_sum(norm, segments, num_segments)
    if combiner == "sqrtn":
        norm = OPS.sqrt(norm)
    return total / expand_dims(OPS.where(norm > 0, norm, OPS.ones_like(norm)), -1)


def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod", name=None,
                            combiner=None, max_norm=None):
    """For each row of the SparseTensor of ids, its embeddings (params [vocab, dim])
    combined: "mean" (default), "sqrtn" or "sum", weighted by sp_weights' values (None:
    1). The result has max(row id) + 1 rows, as TF1's."""
    if max_norm is not None:
        raise NotImplementedError("tf0's embedding_lookup_sparse takes no max_norm")
    with name_scope(name, "embedding_lookup_sparse"):
        segments = cast(sp_ids.indices[:, 0], dtypes.int32)
        rows = gather(convert_to_tensor(params), sp_ids.values)
        weights = None if sp_weights is None else sp_weights.values
        count = OPS.reduce_max(segments) + 1
        return _combine(rows, weights, segments, count, combiner or "mean")


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner="mean", default_id=None, name=None,
                                 partition_strategy="div", max_norm=None):
    """embedding_lookup_sparse that drops negative ids (and non-positive weights) and gives
    every row of the batch (dense_shape[0] rows) an output: zeros, or the embedding of
    `default_id`, for rows left empty."""
    if max_norm is not None:
        raise NotImplementedError("tf0's safe_embedding_lookup_sparse takes no max_norm")
    with name_scope(name, "embedding_lookup"):
        params = embedding_weights[0] if isinstance(embedding_weights, (list, tuple)) and \
            len(embedding_weights) == 1 else embedding_weights
        params = convert_to_tensor(params)
        keep = sparse_ids.values >= 0
        if sparse_weights is not None:
            keep = OPS.logical_and(keep, sparse_weights.values > 0)
        ids = OPS.boolean_mask(sparse_ids.values, keep)
        segments = cast(OPS.boolean_mask(sparse_ids.indices[:, 0], keep), dtypes.int32)
        weights = None if sparse_weights is None else \
            OPS.boolean_mask(sparse_weights.values, keep)
        count = cast(sparse_ids.dense_shape[0], dtypes.int32)
        out = _combine(gather(params, ids), weights, segments, count, combiner)
        if default_id is None:
            return out
        empty = OPS.equal(OPS.unsorted_segment_sum(OPS.ones_like(segments), segments, count), 0)
        return OPS.where(expand_dims(empty, -1), gather(params, [default_id]), out)
