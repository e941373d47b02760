// The 32 x 32 x 32 tile of the matrix products (gemm.cuh), for products too small to give
// the larger tiles a block per SM: 256 threads of 2 x 2 outputs. Its deep K step means few
// load-and-sync rounds per block, and its many warps hide latency: the tile for a small
// product that runs alone.
#include "common.cuh"
#include "gemm.cuh"

GEMM_ALL(32, float, f32, 32, 32, 32, 2, 2, false, 2)
GEMM_ALL(32, double, f64, 32, 32, 32, 2, 2, false, 2)
