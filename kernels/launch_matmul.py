"""Launcher of kernels/matmul_<tile>.cu (one module per tile): batched matmul with folded
transposes, deterministic split-K for problems too small to fill the GPU, and a tile for
products that share the GPU with others running at the same time."""
import numpy as np

from . import loader
from .device import empty, sm_count, suffix
from .launch_array import broadcast_to
from .launch_elementwise import fill, unary
from .launch_reduce import reduce

# square output tiles: {name: (size, K step, threads per block)}; tile t's kernels are in
# kernels/matmul_<t>.cu
TILES = {"128v": (128, 16, 256), "64": (64, 8, 256), "32": (32, 32, 256),
         "32x4": (32, 32, 64), "32v": (32, 32, 256), "32x4v": (32, 32, 64)}
# tiles with 16-byte global loads (the 32 and 32x4 tiles' variants give the same bits), and
# the tiles compiled for float32 only
VECTOR_LOADS = frozenset({"128v", "32v", "32x4v"})
FLOAT32_ONLY = frozenset({"128v", "32x4", "32v", "32x4v"})


def _batch_view(x, batch_shape):
    """x with its batch dims broadcast to batch_shape: (array, batch stride in elements)."""
    own = x.shape[:-2]
    if int(np.prod(own, dtype=np.int64)) == 1:
        return x, 0
    if tuple(own) == tuple(batch_shape):
        return x, x.shape[-1] * x.shape[-2]
    full = broadcast_to(x, tuple(batch_shape) + x.shape[-2:])
    return full, x.shape[-1] * x.shape[-2]


def matmul(a, b, transpose_a=False, transpose_b=False, sharing=1, relu=False):
    """op(a) @ op(b) for arrays of rank >= 2 (leading dims broadcast as batch dims), with
    relu applied when asked. sharing: how many products may run at once with this one (on
    parallel streams)."""
    M, K = (a.shape[-1], a.shape[-2]) if transpose_a else (a.shape[-2], a.shape[-1])
    N = b.shape[-2] if transpose_b else b.shape[-1]
    batch_shape = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    batch = int(np.prod(batch_shape, dtype=np.int64))
    out_shape = batch_shape + (M, N)
    if M == 0 or N == 0 or batch == 0:
        return empty(out_shape, a.dtype)
    if K == 0:
        return fill(out_shape, a.dtype, 0)  # relu(0) is 0
    a, sa = _batch_view(a, batch_shape)
    b, sb = _batch_view(b, batch_shape)
    # tiles with vector loads need the contiguous extents to be multiples of 4 and operands
    # on 16-byte boundaries (a view may start anywhere)
    aligned = (M if transpose_a else K) % 4 == 0 and (K if transpose_b else N) % 4 == 0 \
        and a.data.ptr % 16 == 0 and b.data.ptr % 16 == 0
    tile, splits = tiling(M, N, K, batch, suffix(a.dtype), aligned, sharing)
    return gemm(a, b, sa, sb, transpose_a, transpose_b, out_shape, tile, splits, relu)


def _blocks(M, N, batch, tile):
    size = TILES[tile][0]
    return -(-M // size) * -(-N // size) * batch


def tiling(M, N, K, batch, suf, aligned, sharing=1):
    """(tile, K splits) for one product of `sharing` that may run at once: the 128 tile
    where its output blocks, split along K where K is long, give every SM a block; the 64
    tile where its blocks fill at least half the SMs (split along K, to about two blocks per
    SM, when they do not fill all); else a 32 tile, split along K (slices of 64 or more) to
    about one block per SM when its blocks fill under half the SMs and K >= 512 (shorter
    splits gain little and cost a reduction). Splits never depend on `sharing`: they decide
    the order of the sums, and results are bit-identical for every stream count. The tile
    does not (each output sums K in order on one thread): an unsplit float32 product takes
    the 32x4 tile, which gets more multiply-adds out of an SM, when the products running at
    once have more blocks than the 32 tile's two per SM, and the 32 tile (lower latency)
    otherwise; `aligned` float32 operands take their vector-load variants (32v, 32x4v).
    Measured on an H200 (bench/profile_step.py, 2026-11-27, run 16): alone, the seed step's
    products of 64-1000 rows took 3.8-5.9 us on the 32 tile with these splits (cuBLAS
    3.4-9.7); 16 relu(A @ A) of 256^2 on 8 streams took 55 us on the 32x4 tile, 65 on the
    32 tile, and on 1 stream 218 and 176. With vector loads (2026-11-28, run 21): 41 us on
    8 streams (32x4v), 143 on 1 (32v)."""
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
    vector = "v" if suf == "f32" and aligned else ""
    if 2 * blocks < sms and K >= 512:
        return "32" + vector, min(-(-sms // blocks), K // 64)
    return ("32x4" if suf == "f32" and blocks * sharing > 2 * sms else "32") + vector, 1


def gemm(a, b, sa, sb, transpose_a, transpose_b, out_shape, tile, splits, relu=False):
    """out_shape = batch dims + (M, N) from batch views a, b (batch strides sa, sb) with
    one tile and K split into about `splits` slices summed in a fixed order; relu on the
    result (in the product's store when unsplit, after the sum of the slices otherwise)."""
    M, N = out_shape[-2:]
    K = a.shape[-2] if transpose_a else a.shape[-1]
    batch = int(np.prod(out_shape[:-2], dtype=np.int64))
    suf, (bm, bk, threads) = suffix(a.dtype), TILES[tile]
    # slices of whole K steps (rounded down: a partial step costs a whole one)
    k_split = K if splits == 1 else max(bk, -(-K // splits) // bk * bk)
    splits = -(-K // k_split)
    dst = empty(out_shape if splits == 1 else (splits,) + out_shape, a.dtype)
    lda, ldb = a.shape[-1], b.shape[-1]
    name = f"gemm_{tile}_{'t' if transpose_a else 'n'}{'t' if transpose_b else 'n'}_{suf}"
    grid = (-(-N // bm), -(-M // bm), batch * splits)
    i64 = np.int64
    loader.get(f"matmul_{tile}", name)(
        grid, (threads,), (a, b, dst, np.int32(M), np.int32(N), np.int32(K), i64(lda), i64(ldb),
                           i64(N), i64(sa), i64(sb), i64(M * N), np.int32(batch),
                           np.int32(k_split), np.int32(relu and splits == 1)))
    if splits == 1:
        return dst
    out = reduce("sum", dst, (0,))
    return unary("relu", out, out=out) if relu else out
