"""Launchers of kernels/random.cu (Philox4x32-10, the layout of ops/philox.py)."""
import numpy as np

from . import loader
from .device import NULL, THREADS, blocks_for, empty, i64, suffix


def draw(kind, shape, dtype, key, run, run_at=None):
    """kind: random_uniform, random_normal or truncated_normal; floats of `shape`. The run
    counter is `run`, plus the uint64 in device memory at `run_at` (a device array) if
    given."""
    out = empty(shape, dtype)
    if out.size:
        loader.get("random", f"{kind}_{suffix(dtype)}")(
            (blocks_for(out.size),), (THREADS,),
            (out, i64(out.size), np.uint32(key[0] & 0xFFFFFFFF), np.uint32(key[1] & 0xFFFFFFFF),
             np.uint64(run), NULL if run_at is None else run_at))
    return out


def uniform_int(shape, dtype, key, run, lo, hi, run_at=None):
    out = empty(shape, dtype)
    if out.size:
        loader.get("random", f"random_uniform_int_{suffix(dtype)}")(
            (blocks_for(out.size),), (THREADS,),
            (out, i64(out.size), np.uint32(key[0] & 0xFFFFFFFF), np.uint32(key[1] & 0xFFFFFFFF),
             np.uint64(run), NULL if run_at is None else run_at, i64(lo), np.uint64(hi - lo)))
    return out
