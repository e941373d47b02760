// Matrix products C = op(A) @ op(B), tiled in shared memory with register blocking.
// Transposes are folded into the tile loads (coalesced either way); leading dims are batch
// dims addressed through per-operand batch strides (0 broadcasts an operand).
//   gemm_<tile>_<ta><tb>_<dt>(A, B, C, M, N, K, lda, ldb, ldc, sa, sb, sc, batch, k_split,
//                             relu)
// relu != 0 applies relu to each output as it is stored (a Relu fused into its product;
// unsplit products only).
// gemm_128v_*: the 128 x 128 x 16 tile with 16-byte global loads; the launcher uses it only
// when the contiguous extent of each operand is a multiple of 4 (then a vector is either
// wholly inside the matrix or wholly outside). gemm_64_*: 64 x 64 x 8 for mid sizes.
// The 32-wide tiles for smaller products are in matmul_small.cu.
// The kernel (gemm.cuh): block tile BM x BN x BK with (BM/TM) * (BN/TN) threads, each
// computing a TM x TN sub-tile split into two halves (rows ty*TM/2.. and BM/2 + ty*TM/2..)
// so shared-memory reads are vectors without bank conflicts. The next K tile is loaded into
// registers while the current one is used.
// blockIdx.z = batch index * splits + split: with k_split < K, split s covers
// K range [s*k_split, (s+1)*k_split) and C points at a [splits, batch, M, N] workspace whose
// slices the launcher adds in a fixed order (deterministic split-K). Measured on an H200
// (run 15): adding them in the same launch, by the last block of each output tile to
// finish, made the seed step's split products 9.1 us against 5.9 with a reduction launch.
#include "common.cuh"
#include "gemm.cuh"

GEMM_ALL(128v, float, f32, 128, 128, 16, 8, 8, true, 2)
GEMM_ALL(64, float, f32, 64, 64, 8, 4, 4, false, 2)
GEMM_ALL(64, double, f64, 64, 64, 8, 4, 4, false, 2)
