"""Convolution and pooling over NHWC images: tf.nn.conv2d (strides, dilations, SAME/VALID
padding) with its two backprop ops, tf.nn.max_pool and tf.nn.avg_pool with theirs.
NCHW inputs are transposed to NHWC and back.

Geometry as in TF1: VALID gives out = ceil((in - (k - 1) * dilation) / stride); SAME gives
out = ceil(in / stride) with max(0, (out - 1) * stride + (k - 1) * dilation + 1 - in)
padding split with the odd one at the end. Max pooling never picks a padded position and
sends its gradient to the first maximum of each window (row-major); average pooling
divides by the number of real (unpadded) positions in each window.
"""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.graph import name_scope, shape_from_tensor
from tf0.engine.shapes import TensorShape

from .array_ops import shape as shape_of, transpose
from .core import OPS, convert_to_tensor, defop, make_op, require_float


def output_size(size, kernel, stride, dilation, padding):
    """(out, pad_before) along one axis; None for an unknown size."""
    if size is None:
        return None, None
    span = (kernel - 1) * dilation + 1
    if padding == "VALID":
        return max(0, -(-(size - span + 1) // stride)), 0
    out = -(-size // stride)
    return out, max(0, (out - 1) * stride + span - size) // 2


def geometry(op, x_shape, kernel_hw):
    """dict of the window geometry from the op's attrs and the input's [N, H, W, C]."""
    attrs = op.attrs
    (sh, sw), (dh, dw) = attrs["strides"], attrs["dilations"]
    oh, ph = output_size(x_shape[1], kernel_hw[0], sh, dh, attrs["padding"])
    ow, pw = output_size(x_shape[2], kernel_hw[1], sw, dw, attrs["padding"])
    return dict(kh=kernel_hw[0], kw=kernel_hw[1], sh=sh, sw=sw, dh=dh, dw=dw, oh=oh, ow=ow,
                ph=ph, pw=pw)


def _padded_shape(x_shape, g):
    """[N, H, W, C] with the padding before and after each spatial axis that the windows
    of geometry g reach."""
    n, h, w, c = x_shape
    bottom = max(0, (g["oh"] - 1) * g["sh"] + (g["kh"] - 1) * g["dh"] + 1 - h - g["ph"])
    right = max(0, (g["ow"] - 1) * g["sw"] + (g["kw"] - 1) * g["dw"] + 1 - w - g["pw"])
    return n, h + g["ph"] + bottom, w + g["pw"] + right, c


def _windows(x, g, fill):
    """x [N, H, W, C] -> [N, OH, OW, KH, KW, C]: every window's inputs, `fill` in padding.
    A read-only strided view of one padded copy (no per-window copy)."""
    n, h, w, c = x.shape
    padded = np.full(_padded_shape(x.shape, g), fill, x.dtype)
    padded[:, g["ph"]:g["ph"] + h, g["pw"]:g["pw"] + w] = x
    sn, sh, sw, sc = padded.strides
    return np.lib.stride_tricks.as_strided(
        padded, (n, g["oh"], g["ow"], g["kh"], g["kw"], c),
        (sn, sh * g["sh"], sw * g["sw"], sh * g["dh"], sw * g["dw"], sc), writeable=False)


def _scatter_windows(dwin, g, x_shape):
    """The adjoint of _windows: [N, OH, OW, KH, KW, C] summed back into [N, H, W, C]."""
    return _scatter_taps(lambda i, j: dwin[:, :, :, i, j], g, x_shape, dwin.dtype)


def _scatter_taps(tap, g, x_shape, dtype):
    """_scatter_windows with window position (i, j) of every window given by tap(i, j), an
    [N, OH, OW, C] array; the positions are added in row-major order."""
    n, h, w, c = x_shape
    padded = np.zeros(_padded_shape(x_shape, g), dtype)
    for i in range(g["kh"]):
        for j in range(g["kw"]):
            r, s = i * g["dh"], j * g["dw"]
            padded[:, r:r + (g["oh"] - 1) * g["sh"] + 1:g["sh"],
                   s:s + (g["ow"] - 1) * g["sw"] + 1:g["sw"]] += tap(i, j)
    return padded[:, g["ph"]:g["ph"] + h, g["pw"]:g["pw"] + w]


# ---- conv2d -----------------------------------------------------------------------------------
def _conv_attrs(op):
    return {k: op.attrs[k] for k in ("strides", "dilations", "padding")}


def _conv_infer(op):
    require_float(op)
    x, w = op.inputs[:2]
    if x.shape.ndims not in (None, 4) or w.shape.ndims not in (None, 4):
        raise ValueError(f"conv2d takes a [batch, height, width, channels] input and a "
                         f"[height, width, in, out] filter, got {x.shape} and {w.shape}")
    xd = x.shape.dims or [None] * 4
    wd = w.shape.dims or [None] * 4
    if xd[3] is not None and wd[2] is not None and xd[3] != wd[2]:
        raise ValueError(f"conv2d input has {xd[3]} channels, the filter takes {wd[2]}")
    if wd[0] is None or wd[1] is None:
        return [(TensorShape([xd[0], None, None, wd[3]]), x.dtype)]
    g = geometry(op, xd, wd[:2])
    return [(TensorShape([xd[0], g["oh"], g["ow"], wd[3]]), x.dtype)]


def _as_rows(a, lead):
    """a viewed as a matrix: its first `lead` dims as rows, the rest as columns (the
    products below are then single BLAS matrix products)."""
    return a.reshape(int(np.prod(a.shape[:lead], dtype=np.int64)), -1)


def _conv_bind(op, ctx):
    def conv(x, w):
        g = geometry(op, x.shape, w.shape[:2])
        windows = _windows(x, g, 0)  # [N, OH, OW, KH, KW, C]
        out = _as_rows(windows, 3) @ w.reshape(-1, w.shape[3])
        return out.reshape(windows.shape[:3] + (w.shape[3],))
    return conv


def _conv_grad(op, dy):
    x, w = op.inputs
    attrs = _conv_attrs(op)
    return [make_op("Conv2DBackpropInput", [shape_of(x), w, dy], attrs),
            make_op("Conv2DBackpropFilter", [x, shape_of(w), dy], attrs)]


defop("Conv2D", _conv_infer, _conv_bind, grad=_conv_grad, kernels=("conv2d",))


def _backprop_input_infer(op):
    return [(shape_from_tensor(op.inputs[0]), op.inputs[1].dtype)]


def backprop_geometry(op, x_shape, w_shape, dy_shape):
    """The geometry of a Conv2DBackpropInput, checked against its incoming gradient (whose
    shape a user's conv2d_transpose output_shape must agree with)."""
    g = geometry(op, x_shape, w_shape[:2])
    want = (x_shape[0], g["oh"], g["ow"], w_shape[3])
    if tuple(dy_shape) != want or x_shape[3] != w_shape[2]:
        raise errors.InvalidArgumentError(
            op.node_def, op, f"a conv2d of an input of shape {tuple(x_shape)} with a filter of "
                             f"shape {tuple(w_shape)} gives {want}, not the {tuple(dy_shape)} "
                             f"given\n\t [[{op.describe()}]]")
    return g


def _backprop_input_bind(op, ctx):
    def backprop(x_shape, w, dy):
        x_shape = tuple(int(d) for d in x_shape)
        g = backprop_geometry(op, x_shape, w.shape, dy.shape)
        rows, window = _as_rows(dy, 3), dy.shape[:3] + (w.shape[2],)
        # one product per filter position, each a contiguous [N, OH, OW, C] block added
        # into place: half the time of one product into all positions' strided columns
        return _scatter_taps(lambda i, j: (rows @ w[i, j].T).reshape(window), g, x_shape,
                             np.result_type(dy, w))
    return backprop


def _backprop_input_grad(op, ddx):
    _, w, dy = op.inputs
    attrs = _conv_attrs(op)
    return [None, make_op("Conv2DBackpropFilter", [ddx, shape_of(w), dy], attrs),
            make_op("Conv2D", [ddx, w], attrs)]


defop("Conv2DBackpropInput", _backprop_input_infer, _backprop_input_bind,
      grad=_backprop_input_grad, kernels=("conv2d_backprop_input",))


def _backprop_filter_infer(op):
    return [(shape_from_tensor(op.inputs[1]), op.inputs[0].dtype)]


def _backprop_filter_bind(op, ctx):
    def backprop(x, w_shape, dy):
        g = geometry(op, x.shape, tuple(int(d) for d in w_shape[:2]))
        windows = _windows(x, g, 0)
        dw = _as_rows(windows, 3).T @ _as_rows(dy, 3)  # [KH*KW*C, O]
        return dw.reshape(windows.shape[3:] + (dy.shape[3],))
    return backprop


def _backprop_filter_grad(op, ddw):
    x, _, dy = op.inputs
    attrs = _conv_attrs(op)
    return [make_op("Conv2DBackpropInput", [shape_of(x), ddw, dy], attrs), None,
            make_op("Conv2D", [x, ddw], attrs)]


defop("Conv2DBackpropFilter", _backprop_filter_infer, _backprop_filter_bind,
      grad=_backprop_filter_grad, kernels=("conv2d_backprop_filter",))


# ---- pooling ----------------------------------------------------------------------------------
def _pool_infer(op):
    require_float(op)
    x = op.inputs[0]
    if x.shape.ndims not in (None, 4):
        raise ValueError(f"pooling takes a [batch, height, width, channels] input, got "
                         f"{x.shape}")
    xd = x.shape.dims or [None] * 4
    g = geometry(op, xd, op.attrs["ksize"])
    return [(TensorShape([xd[0], g["oh"], g["ow"], xd[3]]), x.dtype)]


def _max_pool_bind(op, ctx):
    def pool(x):
        g = geometry(op, x.shape, op.attrs["ksize"])
        return _windows(x, g, -np.inf).max(axis=(3, 4)).astype(x.dtype, copy=False)
    return pool


def _max_pool_grad(op, dy):
    return [make_op("MaxPoolGrad", [op.inputs[0], dy], dict(_pool_attrs(op)))]


def _pool_attrs(op):
    return {k: op.attrs[k] for k in ("ksize", "strides", "dilations", "padding")}


defop("MaxPool", _pool_infer, _max_pool_bind, grad=_max_pool_grad, kernels=("max_pool",))


def first_max_positions(x, g):
    """[N, OH, OW, C] int32: the row-major window position (i * KW + j) of the first
    maximum of each window of geometry g (the first NaN where there is one, as argmax),
    found position by position: no array of window size."""
    win = _windows(x, g, -np.inf)
    kw = g["kw"]
    best, first = win[:, :, :, 0, 0], np.zeros(win.shape[:3] + win.shape[5:], np.int32)
    for t in range(1, g["kh"] * kw):
        value = win[:, :, :, t // kw, t % kw]
        # larger, or a NaN after numbers ("not <=" is also true when best is NaN)
        wins = ~(value <= best) & ~np.isnan(best)
        np.maximum(first, wins * np.int32(t), out=first)  # t exceeds every earlier one
        best = np.maximum(best, value)  # NaN stays the largest
    return first


def _max_pool_grad_bind(op, ctx):
    def grad(x, dy):
        """dy goes to the first maximum of each window (first_max_positions)."""
        g = geometry(op, x.shape, op.attrs["ksize"])
        first, kw = first_max_positions(x, g), g["kw"]
        return _scatter_taps(lambda i, j: dy * (first == i * kw + j), g, x.shape, x.dtype)
    return grad


def _pool_grad_infer(op):
    return [(op.inputs[0].shape, op.inputs[0].dtype)]


defop("MaxPoolGrad", _pool_grad_infer, _max_pool_grad_bind, kernels=("max_pool_grad",))


def _counts(x_shape, g):
    """[OH, OW, 1]: the real (unpadded) positions in each window."""
    ones = np.ones((1, x_shape[1], x_shape[2], 1))
    return _windows(ones, g, 0).sum(axis=(3, 4))[0]


def _avg_pool_bind(op, ctx):
    def pool(x):
        g = geometry(op, x.shape, op.attrs["ksize"])
        total = _windows(x, g, 0).sum(axis=(3, 4))
        return (total / _counts(x.shape, g)).astype(x.dtype, copy=False)
    return pool


def _avg_pool_grad(op, dy):
    return [make_op("AvgPoolGrad", [shape_of(op.inputs[0]), dy], dict(_pool_attrs(op)))]


defop("AvgPool", _pool_infer, _avg_pool_bind, grad=_avg_pool_grad, kernels=("avg_pool",))


def _avg_pool_grad_bind(op, ctx):
    def grad(x_shape, dy):
        x_shape = tuple(int(d) for d in x_shape)
        g = geometry(op, x_shape, op.attrs["ksize"])
        share = (dy / _counts(x_shape, g))[:, :, :, None, None, :]
        dwin = np.broadcast_to(share, (*dy.shape[:3], g["kh"], g["kw"], dy.shape[3]))
        return _scatter_windows(dwin.astype(dy.dtype), g, x_shape)
    return grad


def _avg_pool_grad_infer(op):
    return [(shape_from_tensor(op.inputs[0]), op.inputs[1].dtype)]


defop("AvgPoolGrad", _avg_pool_grad_infer, _avg_pool_grad_bind,
      grad=lambda op, ddx: [None, make_op("AvgPool", [ddx], dict(_pool_attrs(op)))],
      kernels=("avg_pool_grad",))


# ---- the public functions ---------------------------------------------------------------------
def _pair(values, name, data_format):
    """TF1's 4-element (or 1/2-element) strides/dilations/ksize -> (height, width)."""
    values = [int(v) for v in np.ravel(values)]
    if len(values) == 1:
        return values[0], values[0]
    if len(values) == 2:
        return tuple(values)
    if len(values) != 4:
        raise ValueError(f"{name} takes 1, 2 or 4 values, got {values}")
    hw = values[1:3] if data_format == "NHWC" else values[2:4]
    other = [values[0], values[3]] if data_format == "NHWC" else values[:2]
    if other != [1, 1]:
        raise ValueError(f"{name} must be 1 along the batch and channel axes, got {values}")
    return tuple(hw)


def _nhwc(x, data_format):
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format must be NHWC or NCHW, got {data_format!r}")
    return x if data_format == "NHWC" else transpose(x, [0, 2, 3, 1])


def _back(y, data_format):
    return y if data_format == "NHWC" else transpose(y, [0, 3, 1, 2])


def _padding(padding):
    padding = padding.upper() if isinstance(padding, str) else padding
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"padding must be 'SAME' or 'VALID', got {padding!r}")
    return padding


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,
           data_format="NHWC", dilations=(1, 1, 1, 1), name=None, filters=None):
    """TF1's tf.nn.conv2d: input [batch, height, width, in] (NCHW: [batch, in, height,
    width]), filter [filter_height, filter_width, in, out]."""
    filter = filter if filter is not None else filters
    with name_scope(name, "Conv2D"):
        x = _nhwc(convert_to_tensor(input), data_format)
        w = convert_to_tensor(filter, dtype=x.dtype)
        attrs = {"strides": _pair(strides, "strides", data_format),
                 "dilations": _pair(dilations, "dilations", data_format),
                 "padding": _padding(padding)}
        if attrs["strides"] != (1, 1) and attrs["dilations"] != (1, 1):
            raise ValueError("conv2d takes strides or dilations above 1, not both (as TF1)")
        return _back(make_op("Conv2D", [x, w], attrs), data_format)


def conv2d_transpose(value, filter=None, output_shape=None, strides=None, padding="SAME",
                     data_format="NHWC", name=None, input=None, filters=None,
                     dilations=None):
    """TF1's tf.nn.conv2d_transpose: the gradient of conv2d with respect to its input, as a
    layer. value [batch, height, width, in], filter [height, width, out, in], output_shape
    the [batch, height, width, out] of the result (a list or a 1-D int tensor)."""
    value = value if value is not None else input
    filter = filter if filter is not None else filters
    with name_scope(name, "conv2d_transpose"):
        dy = _nhwc(convert_to_tensor(value), data_format)
        w = convert_to_tensor(filter, dtype=dy.dtype)
        out_shape = convert_to_tensor(output_shape, dtype=dtypes.int32)
        if data_format == "NCHW":
            out_shape = OPS.gather(out_shape, [0, 2, 3, 1])
        attrs = {"strides": _pair(strides, "strides", data_format),
                 "dilations": _pair(dilations or 1, "dilations", data_format),
                 "padding": _padding(padding)}
        return _back(make_op("Conv2DBackpropInput", [out_shape, w, dy], attrs), data_format)


def pool_attrs(ksize, strides, padding, data_format):
    """A pooling op's window attributes from TF1's arguments."""
    return {"ksize": _pair(ksize, "ksize", data_format),
            "strides": _pair(strides, "strides", data_format), "dilations": (1, 1),
            "padding": _padding(padding)}


def _pool(op_type, value, ksize, strides, padding, data_format, name):
    with name_scope(name, op_type):
        x = _nhwc(convert_to_tensor(value), data_format)
        return _back(make_op(op_type, [x], pool_attrs(ksize, strides, padding, data_format)),
                     data_format)


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):
    """TF1's tf.nn.max_pool: the maximum of each ksize window, every `strides`."""
    return _pool("MaxPool", value if value is not None else input, ksize, strides, padding,
                 data_format, name)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):
    """TF1's tf.nn.avg_pool: the mean of each window's real (unpadded) positions."""
    return _pool("AvgPool", value if value is not None else input, ksize, strides, padding,
                 data_format, name)


def _width_only(value, name):
    """TF1's conv1d stride or dilation (an int, or [1, s, 1]) as the 2-D (1, s)."""
    values = [int(v) for v in np.ravel(value)]
    if len(values) == 3:
        values = values[1:2]
    if len(values) != 1:
        raise ValueError(f"conv1d {name} takes an int or [1, {name}, 1], got {value!r}")
    return [1, values[0]]


def conv1d(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None,
           data_format="NWC", name=None, input=None, dilations=None):
    """TF1's tf.nn.conv1d: value [batch, width, in] (NCW: [batch, in, width]), filters
    [filter_width, in, out]: conv2d over a height of 1, as TF1 computes it."""
    value = input if value is None else value
    with name_scope(name, "conv1d"):
        x, w, height, format_2d = _one_row(value, filters, data_format)
        y = conv2d(x, w, _width_only(stride, "stride"), padding, data_format=format_2d,
                   dilations=_width_only(1 if dilations is None else dilations, "dilations"))
        return OPS.squeeze(y, [height])


def _one_row(value, filters, data_format):
    """A 1-D convolution's input and filter as a 2-D one's over a height of 1: (input,
    filter, the input's height axis, the 2-D data format)."""
    if data_format not in ("NWC", "NCW"):
        raise ValueError(f"data_format must be NWC or NCW, got {data_format!r}")
    height = 2 if data_format == "NCW" else 1
    x = OPS.expand_dims(convert_to_tensor(value), height)
    w = OPS.expand_dims(convert_to_tensor(filters, dtype=x.dtype), 0)
    return x, w, height, "NCHW" if data_format == "NCW" else "NHWC"


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NWC", dilations=None, name=None):
    """TF1's tf.nn.conv1d_transpose: the gradient of conv1d with respect to its input.
    input [batch, width, in] (NCW: [batch, in, width]), filters [filter_width, out, in],
    output_shape the [batch, width, out] (NCW: [batch, out, width]) of the result;
    conv2d_transpose over a height of 1."""
    with name_scope(name, "conv1d_transpose"):
        x, w, height, format_2d = _one_row(input, filters, data_format)
        shape = convert_to_tensor(output_shape, dtype=dtypes.int32)
        shape = OPS.concat([shape[:height], [1], shape[height:]], 0)
        y = conv2d_transpose(x, w, shape, _width_only(strides, "strides"), padding,
                             data_format=format_2d,
                             dilations=_width_only(1 if dilations is None else dilations,
                                                   "dilations"))
        return OPS.squeeze(y, [height])
