"""Philox4x32-10 counter-based random numbers in NumPy.

The CUDA kernels (kernels/random.cu) compute the very same function, so one seed gives
the same numbers on CPU and GPU. Layout shared by both backends:
  key     = (seed & 0xffffffff, seed2 & 0xffffffff)
  counter = (block, attempt, run & 0xffffffff, run >> 32)
Each block yields four uint32 words. Element i of a float32 output uses block i // 4,
word i % 4; a float64 output uses two words per element (block i // 2).
"""
import numpy as np

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_MASK = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)


def philox4x32(blocks, attempt, run, key):
    """Four uint32 arrays (one per word) for block indices `blocks` (uint64 array)."""
    c0 = blocks & _MASK
    c1 = np.full_like(c0, np.uint64(attempt)) if np.ndim(attempt) == 0 else \
        np.asarray(attempt, np.uint64)
    c2 = np.full_like(c0, np.uint64(run & 0xFFFFFFFF))
    c3 = np.full_like(c0, np.uint64(run >> 32))
    k0, k1 = key[0] & 0xFFFFFFFF, key[1] & 0xFFFFFFFF
    for _ in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        hi0, lo0 = p0 >> _SHIFT, p0 & _MASK
        hi1, lo1 = p1 >> _SHIFT, p1 & _MASK
        c0, c1, c2, c3 = hi1 ^ c1 ^ np.uint64(k0), lo1, hi0 ^ c3 ^ np.uint64(k1), lo0
        k0, k1 = (k0 + _W0) & 0xFFFFFFFF, (k1 + _W1) & 0xFFFFFFFF
    return c0, c1, c2, c3


def _words(n, run, key):
    """(ceil(n / 4), 4) uint32 words (held in uint64) of attempt 0, enough for n words."""
    blocks = np.arange((n + 3) // 4, dtype=np.uint64)
    return np.stack(philox4x32(blocks, 0, run, key), axis=1)


def uniform_bits_to_float(words, dtype):
    """uint32 words -> floats in [0, 1): 23 (f32) or 52 (f64) random mantissa bits."""
    if dtype == np.float32:
        bits = ((words >> np.uint64(9)) | np.uint64(0x3F800000)).astype(np.uint32)
        return bits.view(np.float32) - np.float32(1.0)
    hi, lo = words[..., 0], words[..., 1]
    bits = (hi << np.uint64(20)) | (lo >> np.uint64(12)) | np.uint64(0x3FF0000000000000)
    return bits.view(np.float64) - 1.0


def uniform(shape, dtype, key, run):
    """Floats in [0, 1) of `shape`."""
    n = int(np.prod(shape, dtype=np.int64))
    words = _words(2 * n if dtype == np.float64 else n, run, key)
    if dtype == np.float32:
        return uniform_bits_to_float(words.reshape(-1)[:n], np.float32).reshape(shape)
    return uniform_bits_to_float(words.reshape(-1, 2)[:n], np.float64).reshape(shape)


def _box_muller(u_a, u_b, dtype):
    """Two standard normals from two uniforms in [0, 1)."""
    one = dtype(1.0)
    r = np.sqrt(dtype(-2.0) * np.log(one - u_a))  # 1 - u is in (0, 1]
    theta = dtype(2.0 * np.pi) * u_b
    return r * np.cos(theta), r * np.sin(theta)


def _normals_for_blocks(blocks, attempt, run, key, dtype):
    """Normals for the given blocks: 4 per block for float32, 2 for float64."""
    words = np.stack(philox4x32(blocks, attempt, run, key), axis=1)
    if dtype == np.float32:
        u = uniform_bits_to_float(words, np.float32)  # (b, 4)
        z0, z1 = _box_muller(u[:, 0], u[:, 1], np.float32)
        z2, z3 = _box_muller(u[:, 2], u[:, 3], np.float32)
        return np.stack([z0, z1, z2, z3], axis=1)
    u = uniform_bits_to_float(words.reshape(-1, 2, 2), np.float64)  # (b, 2)
    z0, z1 = _box_muller(u[:, 0], u[:, 1], np.float64)
    return np.stack([z0, z1], axis=1)


def normal(shape, dtype, key, run):
    """Standard normals of `shape` by Box-Muller."""
    per = 4 if dtype == np.float32 else 2
    n = int(np.prod(shape, dtype=np.int64))
    blocks = np.arange((n + per - 1) // per, dtype=np.uint64)
    return _normals_for_blocks(blocks, 0, run, key, dtype).reshape(-1)[:n].reshape(shape)


def truncated_normal(shape, dtype, key, run):
    """Standard normals redrawn (attempt 1, 2, ...) until |z| < 2, element by element."""
    per = 4 if dtype == np.float32 else 2
    n = int(np.prod(shape, dtype=np.int64))
    idx = np.arange(n, dtype=np.uint64)
    out = np.empty(n, dtype=dtype)
    pending = idx
    attempt = 0
    while pending.size:
        z = _normals_for_blocks(pending // np.uint64(per), attempt, run, key, dtype)
        z = z[np.arange(pending.size), (pending % np.uint64(per)).astype(np.intp)]
        ok = np.abs(z) < 2
        out[pending[ok].astype(np.intp)] = z[ok]
        pending = pending[~ok]
        attempt += 1
    return out.reshape(shape)


def uniform_int(shape, dtype, key, run, minval, maxval):
    """Integers in [minval, maxval) from one uint32 word each (modulo reduction)."""
    n = int(np.prod(shape, dtype=np.int64))
    words = _words(n, run, key).reshape(-1)[:n]
    span = np.uint64(int(maxval) - int(minval))
    return (words % span).astype(np.int64).astype(dtype).reshape(shape) + dtype(minval)


def _uniform_pairs(blocks, attempt, run, key):
    """Two float64 uniforms in [0, 1) per block: (b, 2)."""
    words = np.stack(philox4x32(blocks, attempt, run, key), axis=1)
    return uniform_bits_to_float(words.reshape(-1, 2, 2), np.float64)


def gamma(alpha, key, run):
    """Gamma(alpha, 1) draws (float64), one per element of `alpha`, by Marsaglia and Tsang's
    squeeze: element i uses blocks 2i and 2i+1 of attempt 0, 1, ... until it is accepted.
    alpha < 1 draws for alpha + 1 and scales by u^(1 / alpha); alpha <= 0 gives NaN."""
    a = np.asarray(alpha, np.float64).reshape(-1)
    boosted = a < 1
    d = np.where(boosted, a + 1, a) - 1 / 3
    c = 1 / np.sqrt(9 * np.where(d > 0, d, 1.0))
    out = np.full(a.size, np.nan)
    pending = np.flatnonzero(a > 0).astype(np.uint64)
    attempt = 0
    while pending.size:
        u01 = _uniform_pairs(2 * pending, attempt, run, key)
        u23 = _uniform_pairs(2 * pending + np.uint64(1), attempt, run, key)
        z, _ = _box_muller(u01[:, 0], u01[:, 1], np.float64)
        i = pending.astype(np.intp)
        v = (1 + c[i] * z) ** 3
        with np.errstate(divide="ignore", invalid="ignore"):
            ok = (v > 0) & (np.log(1 - u23[:, 0]) < 0.5 * z * z + d[i] - d[i] * v +
                            d[i] * np.log(np.where(v > 0, v, 1.0)))
        draw = d[i] * v
        boost = np.where(boosted[i], (1 - u23[:, 1]) ** (1 / a[i]), 1.0)  # 1 - u: in (0, 1]
        out[i[ok]] = (draw * boost)[ok]
        pending = pending[~ok]
        attempt += 1
    return out.reshape(np.shape(alpha))
