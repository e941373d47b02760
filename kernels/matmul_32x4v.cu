// The 32x4 tile (matmul_32x4.cu) with 16-byte global loads, float32, taken instead of it
// under the same conditions as matmul_32v.cu's, with the same bits. Measured on an H200
// (2026-11-28): a 256^2 product 8.1 us against 12.3 on the 32x4 tile; sixteen of them on
// eight streams 41 us against 59.
#include "common.cuh"
#include "gemm.cuh"

GEMM_ALL(32x4v, float, f32, 32, 32, 32, 4, 4, true, 4)
