// The 128 x 128 x 16 tile of the matrix products (gemm.cuh), float32, with 16-byte global
// loads: the launcher uses it only when the contiguous extent of each operand is a multiple
// of 4 (then a vector is either wholly inside the matrix or wholly outside).
#include "common.cuh"
#include "gemm.cuh"

GEMM_ALL(128v, float, f32, 128, 128, 16, 8, 8, true, 2)
