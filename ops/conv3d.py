"""3-D convolution and pooling over NDHWC volumes (tf.nn.conv3d, conv3d_transpose,
max_pool3d, avg_pool3d), composed from the 2-D kernels: the volume's depth slices that each
depth tap of the window reads are one strided slice of the depth-padded volume, and each
tap is a 2-D convolution (or pooling) of those slices with the batch and output depth
folded together. Gradients, GPU kernels and CUDA-graph capture are the 2-D ones'.

Geometry per axis is TF1's (conv_ops.output_size). Max pooling sends each window's gradient
to its first maximum in (depth, row, column) order, as 2-D max pooling does (TF1's CPU
kernel gives it to every tied maximum, its GPU kernel to one); average pooling divides by
the number of real (unpadded) positions in the window.
"""
import numpy as np

from tf0.engine.gradients import gradients
from tf0.engine.graph import name_scope

from .array_ops import concat, pad, reshape, shape as shape_of
from .conv_ops import _padding, avg_pool, conv2d, max_pool, output_size
from .core import OPS, convert_to_tensor


def _triple(values, name):
    """TF1's 5-element (or 1/3-element) NDHWC strides/dilations/ksize -> (d, h, w)."""
    values = [int(v) for v in np.ravel(values)]
    if len(values) == 1:
        return values * 3
    if len(values) == 3:
        return values
    if len(values) != 5 or values[0] != 1 or values[4] != 1:
        raise ValueError(f"{name} takes 1, 3 or 5 values (1 along the batch and channel "
                         f"axes), got {values}")
    return values[1:4]


def _volume(value, data_format):
    if data_format != "NDHWC":
        raise ValueError(f"tf0's 3-D convolutions and pools take NDHWC volumes, got "
                         f"data_format={data_format!r}")
    x = convert_to_tensor(value)
    if x.shape.ndims != 5 or x.shape.dims[1] is None:
        raise ValueError(f"expected an NDHWC volume of known depth, got shape {x.shape}")
    return x


def _depth_taps(x, taps, stride, dilation, padding, fill=0.0):
    """[N, OD, H, W, C] per depth tap of the window: the depth slices of x (padded with
    `fill`) that the tap reads for each output depth; and OD."""
    depth = x.shape.dims[1]
    out, before = output_size(depth, taps, stride, dilation, padding)
    after = max(0, (out - 1) * stride + (taps - 1) * dilation + 1 - depth - before)
    padded = pad(x, [[0, 0], [before, after], [0, 0], [0, 0], [0, 0]],
                 constant_values=fill) if before or after else x
    return [padded[:, k * dilation:k * dilation + (out - 1) * stride + 1:stride]
            for k in range(taps)], out


def _reshape(x, lead, start):
    """x reshaped to `lead` (a list of ints) followed by x's dims from `start` on."""
    dims = x.shape.dims[start:]
    return reshape(x, [*lead, *dims] if None not in dims else
                   concat([lead, shape_of(x)[start:]], 0))


def _fold(x):
    """[N, D, H, W, C] -> [N * D, H, W, C]."""
    return _reshape(x, [-1], 2)


def _unfold(y, depth):
    """[N * D, H, W, C] -> [N, D, H, W, C]."""
    return _reshape(y, [-1, depth], 1)


def conv3d(input, filter=None, strides=None, padding=None, data_format="NDHWC",  # noqa: A002
           dilations=(1, 1, 1, 1, 1), name=None, filters=None):
    """TF1's tf.nn.conv3d: input [batch, depth, height, width, in], filter [depth, height,
    width, in, out] -> [batch, out_depth, out_height, out_width, out]."""
    filter = filter if filter is not None else filters  # noqa: A001
    with name_scope(name, "Conv3D"):
        x = _volume(input, data_format)
        w = convert_to_tensor(filter, dtype=x.dtype)
        (sd, sh, sw), (dd, dh, dw) = _triple(strides, "strides"), _triple(dilations,
                                                                          "dilations")
        if max(sd, sh, sw) > 1 and max(dd, dh, dw) > 1:
            raise ValueError("conv3d takes strides or dilations above 1, not both (as TF1)")
        padding = _padding(padding)
        if w.shape.ndims != 5 or w.shape.dims[0] is None:
            raise ValueError(f"filter must be [depth, height, width, in, out] of known depth, "
                             f"got {w.shape}")
        slices, out_depth = _depth_taps(x, w.shape.dims[0], sd, dd, padding)
        parts = [conv2d(_fold(s), w[k], [1, sh, sw, 1], padding, dilations=[1, dh, dw, 1])
                 for k, s in enumerate(slices)]
        return _unfold(OPS.add_n(parts) if len(parts) > 1 else parts[0], out_depth)


def _pool3d(pool2d, combine, fill, value, ksize, strides, padding, data_format):
    x = _volume(value, data_format)
    (kd, kh, kw), (sd, sh, sw) = _triple(ksize, "ksize"), _triple(strides, "strides")
    padding = _padding(padding)
    pooled = _unfold(pool2d(_fold(x), [1, kh, kw, 1], [1, sh, sw, 1], padding),
                     x.shape.dims[1])
    slices, out_depth = _depth_taps(pooled, kd, sd, 1, padding, fill)
    return combine(slices, x.shape.dims[1], out_depth, kd, sd, padding)


def _max_of(slices, *unused):
    out = slices[0]
    for s in slices[1:]:
        out = OPS.maximum(out, s)  # ties keep the earlier depth
    return out


def _mean_of(slices, depth, out_depth, taps, stride, padding):
    _, before = output_size(depth, taps, stride, 1, padding)
    first = np.arange(out_depth) * stride - before
    real = np.minimum(first + taps, depth) - np.maximum(first, 0)
    scale = (1.0 / real).reshape(1, out_depth, 1, 1, 1)
    return OPS.add_n(slices) * scale.astype(slices[0].dtype.np) if len(slices) > 1 \
        else slices[0]


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """TF1's tf.nn.max_pool3d: the maximum of each ksize window, every `strides`."""
    with name_scope(name, "MaxPool3D"):
        return _pool3d(max_pool, _max_of, float("-inf"), input, ksize, strides, padding,
                       data_format)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """TF1's tf.nn.avg_pool3d: the mean of each window's real (unpadded) positions."""
    with name_scope(name, "AvgPool3D"):
        return _pool3d(avg_pool, _mean_of, 0.0, input, ksize, strides, padding, data_format)


def conv3d_transpose(value, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NDHWC", name=None, input=None,
                     filters=None, dilations=None):
    """TF1's tf.nn.conv3d_transpose: the gradient of conv3d with respect to its input, as a
    layer. value [batch, depth, height, width, in], filter [depth, height, width, out, in],
    output_shape the [batch, depth, height, width, out] of the result (its depth, height
    and width known when the graph is built)."""
    value = value if value is not None else input
    filter = filter if filter is not None else filters  # noqa: A001
    with name_scope(name, "conv3d_transpose"):
        dy = convert_to_tensor(value)
        volume = OPS.zeros(output_shape, dtype=dy.dtype)
        forward = conv3d(volume, filter, strides, padding, data_format,
                         dilations or (1, 1, 1, 1, 1))
        return gradients(forward, volume, grad_ys=dy)[0]
