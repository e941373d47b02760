// The 32 x 32 x 32 tile of the matrix products (gemm.cuh) by 64 threads of 4 x 4 outputs,
// float32 only. Half the shared-memory reads per multiply-add of the 32 tile, so an SM
// running several such blocks (products on parallel streams) is bound by its FMA units
// rather than by shared-memory bandwidth; alone it is slower (fewer warps hide less
// latency). float64 products keep the 32 tile: a second float64 variant's compile time is
// not worth it. Measured on an H200 in bench/profile_step.py.
#include "common.cuh"
#include "gemm.cuh"

GEMM_ALL(32x4, float, f32, 32, 32, 32, 4, 4, false, 4)
