"""Launchers of kernels/reduce.cu: sum/prod/max/min/any/all over any set of axes, and
argmax/argmin. The order of combination depends only on the shapes (deterministic)."""
import numpy as np

from . import loader
from .device import THREADS, blocks_for, empty, i64, sm_count, suffix
from .launch_array import transpose
from .opcodes import REDUCE_CODE

_IDENTITY = {"sum": 0, "prod": 1}


def _kernel(name):
    return loader.get("reduce", name)


def _as_three_dims(x, axes):
    """(array, outer, R, inner) with the reduced axes forming the middle block."""
    shape = x.shape
    axes = sorted(axes)
    if axes == list(range(axes[0], axes[-1] + 1)):
        return (x, int(np.prod(shape[:axes[0]], dtype=np.int64)),
                int(np.prod([shape[a] for a in axes], dtype=np.int64)),
                int(np.prod(shape[axes[-1] + 1:], dtype=np.int64)))
    kept = [a for a in range(len(shape)) if a not in axes]
    moved = transpose(x, kept + axes)
    return (moved, int(np.prod([shape[a] for a in kept], dtype=np.int64)),
            int(np.prod([shape[a] for a in axes], dtype=np.int64)), 1)


def _block_threads(chunk):
    return int(min(THREADS, max(32, (chunk + 31) // 32 * 32)))


def _rows(code, x, out, outer, R, scale, suf):
    """Reduce the last axis of an [outer, R] view into out [outer]. Long rows are cut into
    chunks, about 32 blocks per SM in all: the kernel's 46 registers a thread (ptxas, sm_90)
    fit 5 blocks per SM, so 8 blocks per SM ran as a full wave and a 60% one (a full sum
    reached 0.84 of the read bandwidth on an H200); with 32 the last wave matters less."""
    target = sm_count() * 32
    nchunks = 1 if outer >= target or R <= 4096 else min((target + outer - 1) // outer,
                                                         (R + 2047) // 2048)
    chunk = (R + nchunks - 1) // nchunks
    if nchunks > 1:
        chunk = (chunk + 3) // 4 * 4  # whole 16-byte packs per chunk
        nchunks = (R + chunk - 1) // chunk
    dst = out if nchunks == 1 else empty((outer, nchunks), x.dtype)
    grid = (min(nchunks, 65535), min(outer, 65535))
    _kernel(f"reduce_chunks_{suf}")(grid, (_block_threads(chunk),),
                                    (np.int32(code), x, dst, i64(outer), i64(R), i64(chunk),
                                     np.float64(scale if nchunks == 1 else 1.0)))
    if nchunks > 1:
        _kernel(f"reduce_chunks_{suf}")((1, min(outer, 65535)), (_block_threads(nchunks),),
                                        (np.int32(code), dst, out, i64(outer), i64(nchunks),
                                         i64(nchunks), np.float64(scale)))


def _cols(code, x, out, outer, R, inner, scale, suf, split=True):
    """Reduce the middle axis of an [outer, R, inner] view into out [outer, inner]; with
    few outputs the first pass splits R into chunks and a second pass combines them."""
    target = sm_count() * 4096
    # chunks of at least 32 rows: a shorter first pass would be mostly a copy
    nchunks = 1 if not split or outer * inner >= target else \
        max(1, min(R // 32, target // (outer * inner)))
    chunk = (R + nchunks - 1) // nchunks
    nchunks = (R + chunk - 1) // chunk
    dst = out if nchunks == 1 else empty((outer, nchunks, inner), x.dtype)
    n = outer * nchunks * inner
    _kernel(f"reduce_cols_{suf}")((blocks_for(n),), (THREADS,),
                                  (np.int32(code), x, dst, i64(outer), i64(R), i64(inner),
                                   i64(chunk), np.float64(scale if nchunks == 1 else 1.0)))
    if nchunks > 1:
        _cols(code, dst, out, outer, nchunks, inner, scale, suf, split=False)


def _of_nothing(op, dtype, mean):
    """The reduction of no elements: the op's identity (the mean of nothing is NaN)."""
    if dtype == np.bool_:
        return op == "min"  # any() of nothing is False, all() is True
    if mean:
        return np.nan
    if op in _IDENTITY:
        return _IDENTITY[op]
    if np.dtype(dtype).kind == "f":
        return -np.inf if op == "max" else np.inf
    info = np.iinfo(dtype)
    return info.min if op == "max" else info.max


def reduce(op, x, axes, keepdims=False, mean=False):
    """op in sum/prod/max/min (any = max and all = min on bools) over `axes` (tuple of
    non-negative ints, None for all). mean=True divides the sum by the reduced count."""
    rank = x.ndim
    axes = tuple(range(rank)) if axes is None else tuple(sorted(set(axes)))
    out_shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape)) if keepdims else \
        tuple(d for i, d in enumerate(x.shape) if i not in axes)
    out = empty(out_shape, x.dtype)
    if out.size == 0:
        return out
    suf = suffix(x.dtype)
    code = REDUCE_CODE[op]
    if not axes or x.size == out.size:  # nothing is folded: each output is one element
        src, outer, R, inner = x, out.size, 1, 1
    else:
        src, outer, R, inner = _as_three_dims(x, axes)
    if R == 0:
        from .launch_elementwise import fill
        return fill(out_shape, x.dtype, _of_nothing(op, x.dtype, mean))
    scale = 1.0 / R if mean else 1.0
    if inner == 1:
        _rows(code, src, out, outer, R, scale, suf)
    else:
        _cols(code, src, out, outer, R, inner, scale, suf)
    return out


def arg_reduce(is_min, x, axis):
    """int64 index of the first max (min) along `axis`; NaN counts as the extremum."""
    shape = x.shape
    out = empty(shape[:axis] + shape[axis + 1:], np.int64)
    if out.size == 0:
        return out
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    _kernel(f"arg_reduce_{suffix(x.dtype)}")((blocks_for(outer * inner),), (THREADS,),
                                             (np.int32(is_min), x, out, i64(outer),
                                              i64(shape[axis]), i64(inner)))
    return out
