"""Launchers of kernels/scan.cu (cumulative sums and products along an axis) and sort.cu
(the coordinates of the true elements of a boolean array, and sorting along the last
axis)."""
import numpy as np

from . import loader
from .device import THREADS, blocks_for, constant, empty, i64, sm_count, suffix
from .launch_elementwise import cast


def family_of(name):
    """The module that defines kernel `name`: scan_* in scan.cu, the others in sort.cu."""
    return "scan" if name.startswith("scan_") else "sort"


def _kernel(name):
    return loader.get(family_of(name), name)


def cumulative(op, x, axis, exclusive=False, reverse=False):
    """op "sum" or "prod" of x (contiguous) along `axis`, inclusive or exclusive, forward or
    from the end."""
    axis %= max(x.ndim, 1)
    out = empty(x.shape, x.dtype)
    if not x.size:
        return out
    outer = int(np.prod(x.shape[:axis], dtype=np.int64))
    n, inner = int(x.shape[axis]), int(np.prod(x.shape[axis + 1:], dtype=np.int64))
    lines = outer * inner
    args = (x, out, i64(outer), i64(n), i64(inner), np.int32(exclusive), np.int32(reverse))
    if lines >= sm_count() * 32 or n <= 2048:  # enough lines to give every thread one
        _kernel(f"scan_lines_{op}_{suffix(x.dtype)}")((blocks_for(lines),), (THREADS,), args)
    else:
        _kernel(f"scan_chunks_{op}_{suffix(x.dtype)}")((min(lines, sm_count() * 8),), (256,),
                                                       args)
    return out


def where_coords(mask):
    """int64 [count, rank]: the coordinates of mask's true elements in row-major order.
    The count is read back from the device (the output's size depends on it)."""
    n, rank = int(mask.size), mask.ndim
    if n == 0:
        return empty((0, rank), np.int64)
    upto = cumulative("sum", cast(mask.reshape(-1), np.int64), 0)
    count = int(upto[n - 1:n].get()[0])
    coords = empty((count, rank), np.int64)
    if count and rank:
        _kernel("where_coords_b8")((blocks_for(n),), (THREADS,),
                                (mask, upto, coords, i64(n), np.int32(rank),
                                 constant(np.array(mask.shape, np.int64))))
    return coords


def sort_indices(x, descending=False):
    """int32 indices that put each line of x (its last axis) in ascending or descending
    order; equal values keep their order (the lower index first)."""
    out = empty(x.shape, np.int32)
    if not x.size:
        return out
    n = int(x.shape[-1])
    lines = x.size // n
    padded = 1 << max(0, (n - 1).bit_length())
    suf = suffix(x.dtype)
    keys, idx = empty((lines * padded,), x.dtype), empty((lines * padded,), np.int32)
    grid = (blocks_for(lines * padded),)
    _kernel(f"sort_init_{suf}")(grid, (THREADS,), (x, keys, idx, i64(lines), i64(n),
                                                   i64(padded), np.int32(descending)))
    k = 2
    while k <= padded:  # the bitonic network: p (p + 1) / 2 steps for 2^p values
        j = k >> 1
        while j:
            _kernel(f"sort_step_{suf}")(grid, (THREADS,), (keys, idx, i64(lines), i64(padded),
                                                           i64(j), i64(k), np.int32(descending)))
            j >>= 1
        k <<= 1
    _kernel("sort_take_i32")((blocks_for(x.size),), (THREADS,),
                         (idx, out, i64(lines), i64(n), i64(padded)))
    return out
