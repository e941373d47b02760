// The 64 x 64 x 8 tile of the matrix products (gemm.cuh), for mid sizes and every float64
// product too large for the 32 tile.
#include "common.cuh"
#include "gemm.cuh"

GEMM_ALL(64, float, f32, 64, 64, 8, 4, 4, false, 2)
GEMM_ALL(64, double, f64, 64, 64, 8, 4, 4, false, 2)
