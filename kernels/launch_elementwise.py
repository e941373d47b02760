"""Launchers of the elementwise kernels (kernels/unary.cu, binary.cu, compare.cu, select.cu,
cast.cu).
Inputs are C-contiguous CuPy arrays; outputs are new
C-contiguous arrays (or `out=` when given, which may alias an input of the same shape)."""
import numpy as np

from . import loader
from .device import (NULL, THREADS, blocks_for, broadcast_strides, coalesce, cupy, empty, i64, meta,
                     suffix)
from .opcodes import BINARY_CODE, COMPARE_CODE, UNARY_CODE


def _kernel(name):
    """Elementwise kernels by name: the module is the name's first word."""
    family = {"unary": "unary", "binary": "binary", "compare": "compare", "select": "select"}
    return loader.get(family.get(name.split("_")[0], "cast"), name)


def broadcast_shape(*shapes):
    return tuple(np.broadcast_shapes(*shapes))


def unary(op, x, param=0.0, out=None):
    """y = op(x) elementwise; `param` is leaky_relu's alpha."""
    out = empty(x.shape, x.dtype) if out is None else out
    if x.size:
        _kernel(f"unary_{suffix(x.dtype)}")((blocks_for(x.size // 4 or 1),), (THREADS,),
                                            (np.int32(UNARY_CODE[op]), x, out, i64(x.size),
                                             np.float64(param)))
    return out


def _binary_like(kind, code, a, b, out_dtype, extra, out=None):
    shape = broadcast_shape(a.shape, b.shape)
    out = empty(shape, out_dtype) if out is None else out
    n = out.size
    if n == 0:
        return out
    suf = suffix(a.dtype)
    if a.shape == b.shape or a.size == 1 or b.size == 1:
        sa, sb = np.int32(a.size == 1 and n > 1), np.int32(b.size == 1 and n > 1)
        _kernel(f"{kind}_{suf}")((blocks_for(n // 4 or 1),), (THREADS,),
                                 (np.int32(code), a, b, out, i64(n), sa, sb, *extra))
        return out
    dims, (st_a, st_b) = coalesce(shape, [broadcast_strides(a.shape, shape),
                                          broadcast_strides(b.shape, shape)])
    _kernel(f"{kind}_bcast_{suf}")((blocks_for(n),), (THREADS,),
                                   (np.int32(code), a, b, out, i64(n), meta(dims, st_a, st_b),
                                    *extra))
    return out


def binary(op, a, b, err, op_id, param=0.0, out=None):
    """op(a, b) with NumPy broadcasting. err: device int32 error flag; op_id: the id the
    kernel writes there on an invalid integer operation."""
    return _binary_like("binary", BINARY_CODE[op], a, b, a.dtype,
                        (np.float64(param), err, np.int32(op_id)), out)


def compare(op, a, b):
    """Comparison or logical op with bool output."""
    return _binary_like("compare", COMPARE_CODE[op], a, b, np.bool_, ())


def select(cond, a, b):
    shape = broadcast_shape(cond.shape, a.shape, b.shape)
    out = empty(shape, a.dtype)
    if out.size == 0:
        return out
    if cond.shape == a.shape == b.shape:
        md = NULL
    else:
        dims, strides = coalesce(shape, [broadcast_strides(s, shape)
                                         for s in (cond.shape, a.shape, b.shape)])
        md = meta(dims, *strides)
    _kernel(f"select_{suffix(a.dtype)}")((blocks_for(out.size),), (THREADS,),
                                         (cond, a, b, out, i64(out.size), md))
    return out


def cast(x, dtype):
    out = empty(x.shape, dtype)
    if x.size:
        _kernel(f"cast_{suffix(x.dtype)}_{suffix(dtype)}")((blocks_for(x.size),), (THREADS,),
                                                           (x, out, i64(x.size)))
    return out


def fill(shape, dtype, value):
    out = empty(shape, dtype)
    if out.size:
        _kernel(f"fill_{suffix(dtype)}")((blocks_for(out.size),), (THREADS,),
                                         (out, i64(out.size), np.dtype(dtype).type(value)))
    return out


def arange(n, start, delta, dtype):
    out = empty((n,), dtype)
    if n:
        t = np.dtype(dtype).type
        _kernel(f"range_{suffix(dtype)}")((blocks_for(n),), (THREADS,),
                                          (out, i64(n), t(start), t(delta)))
    return out


def copy(x, out=None):
    """A device copy of C-contiguous `x` (device-to-device memcpy), into `out` when given
    (same shape and dtype)."""
    cp = cupy()
    out = cp.empty(x.shape, x.dtype) if out is None else out  # empty_like: slower (strides)
    if x.nbytes:
        runtime = cp.cuda.runtime
        runtime.memcpyAsync(out.data.ptr, x.data.ptr, x.nbytes, runtime.memcpyDeviceToDevice,
                            cp.cuda.get_current_stream().ptr)
    return out
