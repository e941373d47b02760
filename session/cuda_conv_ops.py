"""CUDA bindings of convolution and pooling (kernels/conv.cu through launch_conv)."""
from tf0.kernels import launch_conv as CONV
from tf0.ops.conv_ops import backprop_geometry, geometry

from .cuda_ops import binds


def _conv_geometry(op, x_shape, window):
    """(OH, OW, KH, KW, SH, SW, DH, DW, PH, PW) for conv.cu, from the op and its shapes."""
    g = geometry(op, tuple(int(d) for d in x_shape), tuple(int(d) for d in window))
    return tuple(g[k] for k in ("oh", "ow", "kh", "kw", "sh", "sw", "dh", "dw", "ph", "pw"))


@binds("Conv2D")
def _conv2d(op, ctx):
    return lambda x, w: CONV.conv2d(x, w, _conv_geometry(op, x.shape, w.shape[:2]))


@binds("Conv2DBackpropInput", host_inputs=(0,))
def _conv2d_backprop_input(op, ctx):
    def backprop(x_shape, w, dy):
        x_shape = tuple(int(d) for d in x_shape)
        backprop_geometry(op, x_shape, w.shape, dy.shape)  # the shapes agree
        return CONV.conv2d_backprop_input(x_shape, w, dy,
                                          _conv_geometry(op, x_shape, w.shape[:2]))
    return backprop


@binds("Conv2DBackpropFilter", host_inputs=(1,))
def _conv2d_backprop_filter(op, ctx):
    def backprop(x, w_shape, dy):
        w_shape = tuple(int(d) for d in w_shape)
        return CONV.conv2d_backprop_filter(x, w_shape, dy,
                                           _conv_geometry(op, x.shape, w_shape[:2]))
    return backprop


@binds("MaxPool", "AvgPool")
def _pool(op, ctx):
    kind = "max_pool" if op.type == "MaxPool" else "avg_pool"
    return lambda x: CONV.pool(kind, x, _conv_geometry(op, x.shape, op.attrs["ksize"]))


@binds("MaxPoolGrad")
def _max_pool_grad(op, ctx):
    return lambda x, dy: CONV.max_pool_grad(x, dy,
                                            _conv_geometry(op, x.shape, op.attrs["ksize"]))


@binds("AvgPoolGrad", host_inputs=(0,))
def _avg_pool_grad(op, ctx):
    def grad(x_shape, dy):
        x_shape = tuple(int(d) for d in x_shape)
        return CONV.avg_pool_grad(x_shape, dy, _conv_geometry(op, x_shape, op.attrs["ksize"]))
    return grad
