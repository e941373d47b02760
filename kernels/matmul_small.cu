// The 32 x 32 x 32 tiles of the matrix products (arguments and algorithm as in matmul.cu),
// for products too small to give matmul.cu's larger tiles a block per SM. A module of its
// own so that the two compile side by side.
// gemm_32_*: 256 threads of 2 x 2 outputs; its deep K step means few load-and-sync rounds
// per block, and its many warps hide latency: the tile for a product that runs alone.
// gemm_32x4_*: 64 threads of 4 x 4 outputs, float32 only. Half the shared-memory reads per
// multiply-add, so an SM running several such blocks (products on parallel streams) is
// bound by its FMA units rather than by shared-memory bandwidth; alone it is slower (fewer
// warps hide less latency). float64 products keep the 32 tile: the second variant's
// compile time is not worth it for them. Measured on an H200 in bench/profile_step.py.
#include "common.cuh"
#include "gemm.cuh"

GEMM_ALL(32, float, f32, 32, 32, 32, 2, 2, false, 2)
GEMM_ALL(32, double, f64, 32, 32, 32, 2, 2, false, 2)
GEMM_ALL(32x4, float, f32, 32, 32, 32, 4, 4, false, 4)
