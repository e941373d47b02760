"""Launcher of kernels/matmul.cu: batched matmul with folded transposes and deterministic
split-K for problems too small to fill the GPU."""
import numpy as np

from . import loader
from .device import empty, sm_count, suffix
from .launch_array import broadcast_to
from .launch_elementwise import fill
from .launch_reduce import reduce

_BK = 8  # the K step of every tile is a multiple of this
TILES = {"128v": 128, "64": 64, "32": 32}  # square output tiles of matmul.cu


def _batch_view(x, batch_shape):
    """x with its batch dims broadcast to batch_shape: (array, batch stride in elements)."""
    own = x.shape[:-2]
    if int(np.prod(own, dtype=np.int64)) == 1:
        return x, 0
    if tuple(own) == tuple(batch_shape):
        return x, x.shape[-1] * x.shape[-2]
    full = broadcast_to(x, tuple(batch_shape) + x.shape[-2:])
    return full, x.shape[-1] * x.shape[-2]


def matmul(a, b, transpose_a=False, transpose_b=False):
    """op(a) @ op(b) for arrays of rank >= 2 (leading dims broadcast as batch dims)."""
    M, K = (a.shape[-1], a.shape[-2]) if transpose_a else (a.shape[-2], a.shape[-1])
    N = b.shape[-2] if transpose_b else b.shape[-1]
    batch_shape = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    batch = int(np.prod(batch_shape, dtype=np.int64))
    out_shape = batch_shape + (M, N)
    if M == 0 or N == 0 or batch == 0:
        return empty(out_shape, a.dtype)
    if K == 0:
        return fill(out_shape, a.dtype, 0)
    a, sa = _batch_view(a, batch_shape)
    b, sb = _batch_view(b, batch_shape)
    # the 128 x 128 tile with vector loads needs the contiguous extents to be multiples of 4
    aligned = (M if transpose_a else K) % 4 == 0 and (K if transpose_b else N) % 4 == 0
    tile, splits = tiling(M, N, K, batch, suffix(a.dtype), aligned)
    return gemm(a, b, sa, sb, transpose_a, transpose_b, out_shape, tile, splits)


def _blocks(M, N, batch, tile):
    return -(-M // TILES[tile]) * -(-N // TILES[tile]) * batch


def tiling(M, N, K, batch, suf, aligned):
    """(tile, K splits) for one product: the 128 tile where its output blocks, split along
    K where K is long, give every SM a block; the 64 tile where its blocks fill at least
    half the SMs (split along K, to about two blocks per SM, when they do not fill all);
    else the 32 tile, split along K (slices of about 128) to about one block per SM when
    its blocks fill under half the SMs and K is long (from 512: shorter splits gain little
    and cost a reduction, and products on parallel streams fill the GPU without them).
    Measured on an H200 (bench/profile_step.py): the seed step's products of 64-1000 rows
    took 3.7-7.6 us on the 32 tile against 6.3-15 us on the 64 tile (cuBLAS: 3.4-9.7)."""
    sms = sm_count()
    if suf == "f32" and aligned:
        blocks = _blocks(M, N, batch, "128v")
        splits = 1 if blocks >= sms or K < 512 else min(-(-sms // blocks), K // 256)
        if blocks * splits >= sms:
            return "128v", splits
    blocks = _blocks(M, N, batch, "64")
    if blocks >= sms:
        return "64", 1
    if 2 * blocks >= sms:
        return "64", 1 if K < 256 else min(-(-2 * sms // blocks), K // 128)
    blocks = _blocks(M, N, batch, "32")
    if 2 * blocks >= sms or K < 512:
        return "32", 1
    return "32", min(-(-sms // blocks), -(-K // 128))


def gemm(a, b, sa, sb, transpose_a, transpose_b, out_shape, tile, splits):
    """out_shape = batch dims + (M, N) from batch views a, b (batch strides sa, sb) with
    one tile and K split into `splits` slices summed in a fixed order."""
    M, N = out_shape[-2:]
    K = a.shape[-2] if transpose_a else a.shape[-1]
    batch = int(np.prod(out_shape[:-2], dtype=np.int64))
    suf, bm = suffix(a.dtype), TILES[tile]
    k_split = -(-K // splits)
    k_split = -(-k_split // _BK) * _BK
    splits = -(-K // k_split)
    out = empty(out_shape, a.dtype)
    dst = out if splits == 1 else empty((splits,) + out_shape, a.dtype)
    lda, ldb = a.shape[-1], b.shape[-1]
    name = f"gemm_{tile}_{'t' if transpose_a else 'n'}{'t' if transpose_b else 'n'}_{suf}"
    grid = (-(-N // bm), -(-M // bm), batch * splits)
    i64 = np.int64
    loader.get("matmul", name)(grid, (256,), (a, b, dst, np.int32(M), np.int32(N), np.int32(K),
                                              i64(lda), i64(ldb), i64(N), i64(sa), i64(sb),
                                              i64(M * N), np.int32(batch), np.int32(k_split)))
    if splits > 1:
        return reduce("sum", dst, (0,))
    return out
