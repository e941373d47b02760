"""Launchers of kernels/conv.cu: conv2d and pooling over contiguous NHWC arrays, one thread
per output element. `geometry` is (OH, OW, KH, KW, SH, SW, DH, DW, PH, PW)."""
import numpy as np

from . import loader
from .device import THREADS, blocks_for, empty, suffix


def _launch(name, dtype, n, arrays, image_shape, geometry, extra=()):
    if n:
        args = [np.int64(v) for v in (*image_shape, *geometry, *extra)]
        loader.get("conv", f"{name}_{suffix(dtype)}")((blocks_for(n),), (THREADS,),
                                                      (*arrays, *args))


def conv2d(x, w, geometry):
    """x [N, H, W, C] * w [KH, KW, C, O] -> [N, OH, OW, O]."""
    y = empty((x.shape[0], geometry[0], geometry[1], w.shape[3]), x.dtype)
    _launch("conv2d", x.dtype, y.size, (x, w, y), x.shape, geometry, (w.shape[3],))
    return y


def conv2d_backprop_input(x_shape, w, dy, geometry):
    dx = empty(x_shape, dy.dtype)
    _launch("conv2d_backprop_input", dy.dtype, dx.size, (w, dy, dx), x_shape, geometry,
            (w.shape[3],))
    return dx


def conv2d_backprop_filter(x, w_shape, dy, geometry):
    dw = empty(w_shape, dy.dtype)
    _launch("conv2d_backprop_filter", dy.dtype, dw.size, (x, dy, dw), x.shape, geometry,
            (w_shape[3],))
    return dw


def pool(kind, x, geometry):
    """kind "max_pool" or "avg_pool": x [N, H, W, C] -> [N, OH, OW, C]."""
    y = empty((x.shape[0], geometry[0], geometry[1], x.shape[3]), x.dtype)
    _launch(kind, x.dtype, y.size, (x, y), x.shape, geometry)
    return y


def max_pool_grad(x, dy, geometry):
    dx = empty(x.shape, dy.dtype)
    _launch("max_pool_grad", dy.dtype, dx.size, (x, dy, dx), x.shape, geometry)
    return dx


def avg_pool_grad(x_shape, dy, geometry):
    dx = empty(x_shape, dy.dtype)
    _launch("avg_pool_grad", dy.dtype, dx.size, (dy, dx), x_shape, geometry)
    return dx
