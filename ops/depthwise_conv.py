"""tf.nn.depthwise_conv2d and tf.nn.separable_conv2d, written as one conv2d per input
channel (concatenated in TF1's output order: channel c, multiplier m -> c * multiplier + m)
and a 1x1 conv2d: no kernels of their own. Each channel is its own launch, so very wide
layers cost many launches (a captured graph keeps each one cheap)."""
from tf0.engine.graph import name_scope

from .array_ops import concat
from .conv_ops import conv2d
from .core import convert_to_tensor


def _dilations(rate, dilations):
    if dilations is not None:
        return dilations
    if rate is None:
        return [1, 1, 1, 1]
    rate = [int(r) for r in (rate if hasattr(rate, "__len__") else [rate, rate])]
    return [1, rate[0], rate[1], 1]


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None,  # noqa: A002
                     data_format=None, dilations=None):
    """input [batch, height, width, in] (NCHW: channels second), filter [height, width, in,
    multiplier] -> [batch, out height, out width, in * multiplier]: each input channel
    convolved with its own multiplier filters."""
    data_format = data_format or "NHWC"
    with name_scope(name, "depthwise"):
        x = convert_to_tensor(input)
        w = convert_to_tensor(filter, dtype=x.dtype)
        axis = 3 if data_format == "NHWC" else 1
        channels = x.shape.dims[axis] if x.shape.ndims == 4 else None
        if channels is None or w.shape.ndims != 4 or w.shape.dims[2] != channels:
            raise ValueError(f"depthwise_conv2d needs a 4-D input with a known channel count "
                             f"and a filter [h, w, in, multiplier] to match: {x.shape}, "
                             f"{w.shape}")
        dilation = _dilations(rate, dilations)
        parts = []
        for c in range(channels):
            channel = x[:, :, :, c:c + 1] if axis == 3 else x[:, c:c + 1]
            parts.append(conv2d(channel, w[:, :, c:c + 1, :], strides, padding,
                                data_format=data_format, dilations=dilation))
        return concat(parts, axis)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     rate=None, name=None, data_format=None, dilations=None):
    """depthwise_conv2d, then a 1x1 conv2d with pointwise_filter [1, 1, in * multiplier,
    out]."""
    with name_scope(name, "separable_conv2d"):
        depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, rate,
                                     data_format=data_format, dilations=dilations)
        return conv2d(depthwise, pointwise_filter, [1, 1, 1, 1], "VALID",
                      data_format=data_format or "NHWC")
