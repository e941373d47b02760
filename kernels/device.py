"""Shared launch helpers: dtype suffixes, grid sizes, typed scalars, output allocation and
the cached device copies of shape/stride metadata and small constants. CuPy is imported on
first use."""
import contextlib
import functools
import threading

import numpy as np

THREADS = 256
NULL = np.uint64(0)  # a null pointer argument
SUFFIX = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64", np.dtype(np.int32): "i32",
          np.dtype(np.int64): "i64", np.dtype(np.bool_): "b8", np.dtype(np.uint8): "u8"}
# When true, every output buffer is filled with a poison value before its kernel runs, so a
# test can tell an element the kernel never wrote: NaN for floats, a sentinel for ints.
POISON = {"enabled": False}
_POISON_VALUE = {"f32": np.float32(np.nan), "f64": np.float64(np.nan), "i32": np.int32(-123456789),
                 "i64": np.int64(-123456789), "b8": np.bool_(True), "u8": np.uint8(0xA5)}


@functools.lru_cache(maxsize=None)
def cupy():
    import cupy as cp
    return cp


@functools.lru_cache(maxsize=None)
def sm_count():
    return cupy().cuda.Device().attributes["MultiProcessorCount"]


def suffix(dtype):
    return SUFFIX[np.dtype(dtype)]


def blocks_for(n, threads=THREADS, per_sm=32):
    """Blocks for a grid-stride loop over n items: enough to fill the GPU, no more."""
    return max(1, min((int(n) + threads - 1) // threads, sm_count() * per_sm))


def i64(v):
    return np.int64(v)


def empty(shape, dtype):
    out = cupy().empty(tuple(int(d) for d in shape), dtype=dtype)
    if POISON["enabled"] and out.size:
        from . import loader
        suf = suffix(dtype)
        loader.get("cast", f"fill_{suf}")((blocks_for(out.size),), (THREADS,),
                                                 (out, i64(out.size), _POISON_VALUE[suf]))
    return out


_CACHE = {}
_KEEP = threading.local()


@contextlib.contextmanager
def keeping(refs):
    """While active in this thread, every cached device array handed out (launch metadata,
    constants) is also appended to the list `refs`: a captured CUDA graph points at them,
    so it must keep them alive whatever the cache evicts."""
    _KEEP.refs = refs
    try:
        yield refs
    finally:
        _KEEP.refs = None


def _cached(key, make_host):
    arr = _CACHE.get(key)
    if arr is None:
        arr = cupy().asarray(make_host())
        # finished before any stream may read it (later readers find it in the cache)
        cupy().cuda.get_current_stream().synchronize()
        if len(_CACHE) > 8192:
            _CACHE.clear()
        _CACHE[key] = arr
    refs = getattr(_KEEP, "refs", None)
    if refs is not None:
        refs.append(arr)
    return arr


def meta(shape, *strides):
    """Device int64 array [ndim, shape..., strides of operand 0..., operand 1..., ...],
    cached by value so a plan's metadata is uploaded once."""
    key = (tuple(shape),) + tuple(tuple(s) for s in strides)

    def host():
        flat = [len(shape), *shape]
        for s in strides:
            flat.extend(s)
        return np.array(flat, dtype=np.int64)
    return _cached(key, host)


def constant(value):
    """A cached device copy of a small host array (keyed by dtype, shape and bytes). The
    copy is shared: callers never write into it."""
    value = np.array(value, order="C")
    return _cached(("const", value.dtype.str, value.shape, value.tobytes()), lambda: value)


SLOT_ALIGN = 256  # bytes: every slot of a block starts as aligned as a fresh allocation


def slot_layout(arrays):
    """(slots, nbytes): `arrays` (anything with shape, dtype and nbytes) one after another in
    one uint8 block of nbytes; slots[i] = (byte offset, shape, dtype) of arrays[i]."""
    slots, offset = [], 0
    for x in arrays:
        slots.append((offset, tuple(x.shape), x.dtype))
        offset += -(-x.nbytes // SLOT_ALIGN) * SLOT_ALIGN
    return slots, offset


def host_slot_views(buffer, slots):
    """slot_views for a uint8 NumPy array (pinned host memory, say)."""
    return [buffer[offset:offset + int(np.prod(shape)) * np.dtype(dtype).itemsize]
            .view(dtype).reshape(shape) for offset, shape, dtype in slots]


def memory_refs(x):
    """What anything sharing device array x's memory refers to, besides x itself: x's
    memory pointer (an array made over it) and its memory (any other pointer into it)."""
    return (x.data, x.data.mem)


def host_memory_refs(x):
    """memory_refs for a NumPy array: its base, which NumPy's views of it refer to."""
    return () if x.base is None else (x.base,)


def slot_views(block, slots):
    """Arrays over byte ranges of a uint8 device array, sharing its memory: one for each
    (byte offset, shape, dtype) of `slots`."""
    cp, base = cupy(), block.data
    return [cp.ndarray(shape, dtype, memptr=base + offset) for offset, shape, dtype in slots]


def contiguous_strides(shape):
    strides, acc = [], 1
    for d in reversed(shape):
        strides.append(acc)
        acc *= d
    return strides[::-1]


def broadcast_strides(in_shape, out_shape):
    """Element strides of a contiguous array of in_shape read as out_shape (0 where broadcast)."""
    lead = len(out_shape) - len(in_shape)
    own = contiguous_strides(in_shape)
    return [0 if i < lead or in_shape[i - lead] == 1 and out_shape[i] != 1 else own[i - lead]
            for i in range(len(out_shape))]


def coalesce(shape, strides_list):
    """Merge adjacent dims that every operand walks contiguously; drop size-1 dims."""
    dims = [(d, [s[i] for s in strides_list]) for i, d in enumerate(shape) if d != 1]
    merged = []
    for d, st in dims:
        if merged:
            pd, pst = merged[-1]
            if all(p == q * d for p, q in zip(pst, st)):
                merged[-1] = (pd * d, st)
                continue
        merged.append((d, st))
    if not merged:
        return [1], [[0] for _ in strides_list]
    return [d for d, _ in merged], [[st[k] for _, st in merged] for k in range(len(strides_list))]
