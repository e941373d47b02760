// Shared helpers for every tf0 kernel file. The loader pastes this file in place of
// `#include "common.cuh"`, so a change here changes every module's cache key.
#pragma once

typedef long long i64;
typedef unsigned long long u64;
typedef unsigned int u32;

#define TF0_MAX_DIMS 8

// 16-byte packs give 128-bit loads and stores on contiguous paths.
template <typename T> struct alignas(16) Pack { T v[16 / sizeof(T)]; };
// Packs need 16-byte aligned addresses; an operand that is a view into a larger array (a
// TensorArray's row, say) may start anywhere, so every packed path checks its pointers.
__device__ __forceinline__ bool aligned16(const void* p) { return ((u64)p & 15) == 0; }

template <typename T> struct IsFloat { static constexpr bool value = false; };
template <> struct IsFloat<float> { static constexpr bool value = true; };
template <> struct IsFloat<double> { static constexpr bool value = true; };

// Grid-stride loop over [0, n) with 64-bit indices.
#define GRID_STRIDE(i, n) \
  for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
       i += (i64)blockDim.x * gridDim.x)

// Strided index metadata, laid out as a flat i64 array by the launcher:
//   meta[0] = ndim, meta[1 .. ndim] = output shape,
//   then for each operand k: meta[1 + ndim * (k + 1) .. ] = its element strides
//   (0 on broadcast dims). Every thread reads the same words, so they stay in cache.
struct StridedIndex {
  const i64* meta;
  __device__ __forceinline__ int ndim() const { return (int)meta[0]; }
  // Element offset of operand k for the output's linear index i.
  __device__ __forceinline__ i64 offset(i64 i, int k) const {
    const int nd = (int)meta[0];
    const i64* shape = meta + 1;
    const i64* stride = meta + 1 + (i64)nd * (k + 1);
    i64 off = 0;
    for (int d = nd - 1; d >= 0; --d) {
      const i64 s = shape[d];
      const i64 q = i / s;
      off += (i - q * s) * stride[d];
      i = q;
    }
    return off;
  }
};

template <typename T> __device__ __forceinline__ T tf0_inf();
template <> __device__ __forceinline__ float tf0_inf<float>() { return __int_as_float(0x7f800000); }
template <> __device__ __forceinline__ double tf0_inf<double>() {
  return __longlong_as_double(0x7ff0000000000000LL);
}

template <typename T> __device__ __forceinline__ T tf0_lowest();
template <> __device__ __forceinline__ float tf0_lowest<float>() { return -tf0_inf<float>(); }
template <> __device__ __forceinline__ double tf0_lowest<double>() { return -tf0_inf<double>(); }
template <> __device__ __forceinline__ int tf0_lowest<int>() { return -2147483647 - 1; }
template <> __device__ __forceinline__ i64 tf0_lowest<i64>() { return -9223372036854775807LL - 1; }

template <typename T> __device__ __forceinline__ T tf0_highest();
template <> __device__ __forceinline__ float tf0_highest<float>() { return tf0_inf<float>(); }
template <> __device__ __forceinline__ double tf0_highest<double>() { return tf0_inf<double>(); }
template <> __device__ __forceinline__ int tf0_highest<int>() { return 2147483647; }
template <> __device__ __forceinline__ i64 tf0_highest<i64>() { return 9223372036854775807LL; }

// Index of the first element that is NaN: NumPy's max/min propagate NaN.
template <typename T> __device__ __forceinline__ bool tf0_isnan(T v) { return v != v; }

// Block-wide reduction helpers (blockDim.x a multiple of 32, at most 1024).
template <typename T, typename Op>
__device__ __forceinline__ T warp_reduce(T v, Op op) {
  for (int offset = 16; offset > 0; offset >>= 1) v = op(v, __shfl_down_sync(0xffffffffu, v, offset));
  return v;
}

template <typename T, typename Op>
__device__ T block_reduce(T v, Op op, T identity) {
  __shared__ T partial[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_reduce(v, op);
  __syncthreads();  // partial[] may still be read by a previous call
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  const int nwarps = (blockDim.x + 31) >> 5;
  v = (threadIdx.x < nwarps) ? partial[threadIdx.x] : identity;
  if (warp == 0) v = warp_reduce(v, op);
  return v;  // valid in thread 0
}
