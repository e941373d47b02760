// Gathers along one axis (and their deterministic gradient) and one_hot, for the launchers
// in launch_array.py.
#include "common.cuh"

// gather along one axis: params viewed as [outer, axis_dim, inner], out as [outer, n_idx, inner].
template <typename T, typename I>
__device__ void gather_impl(const T* __restrict__ params, const I* __restrict__ idx, T* __restrict__ out,
                            i64 outer, i64 n_idx, i64 axis_dim, i64 inner, int* err, int id) {
  GRID_STRIDE(t, outer * n_idx * inner) {
    const i64 k = t % inner, oj = t / inner, j = oj % n_idx, o = oj / n_idx;
    const i64 p = (i64)idx[j];
    if (p < 0 || p >= axis_dim) {
      atomicCAS(err, 0, id);
      out[t] = T(0);
    } else {
      out[t] = params[(o * axis_dim + p) * inner + k];
    }
  }
}

// The gradient of gather, deterministic: output element (o, p, k) sums, in index order, the
// dy rows whose index is p. Cost O(n_idx) per output element. An index out of range sets
// the error flag (checked by the first thread only).
template <typename T, typename I>
__device__ void gather_grad_impl(const T* __restrict__ dy, const I* __restrict__ idx, T* __restrict__ out,
                                 i64 outer, i64 n_idx, i64 axis_dim, i64 inner, int* err, int id) {
  if (blockIdx.x == 0 && threadIdx.x == 0)
    for (i64 j = 0; j < n_idx; ++j)
      if ((i64)idx[j] < 0 || (i64)idx[j] >= axis_dim) atomicCAS(err, 0, id);
  GRID_STRIDE(t, outer * axis_dim * inner) {
    const i64 k = t % inner, op_ = t / inner, p = op_ % axis_dim, o = op_ / axis_dim;
    T acc = T(0);
    for (i64 j = 0; j < n_idx; ++j)
      if ((i64)idx[j] == p) acc += dy[(o * n_idx + j) * inner + k];
    out[t] = acc;
  }
}

// one_hot: out viewed as [outer, depth, inner]; indices as [outer, inner].
template <typename T, typename I>
__device__ void one_hot_impl(const I* __restrict__ idx, T* __restrict__ out, i64 outer, i64 depth,
                             i64 inner, T on, T off) {
  GRID_STRIDE(t, outer * depth * inner) {
    const i64 k = t % inner, od = t / inner, d = od % depth, o = od / depth;
    out[t] = (i64)idx[o * inner + k] == d ? on : off;
  }
}

#define GATHER(T, SUF)                                                                        \
  extern "C" __global__ void gather_##SUF##_i32(const T* params, const int* idx, T* out,        \
                                                i64 outer, i64 n_idx, i64 axis_dim, i64 inner, \
                                                int* err, int id) {                           \
    gather_impl<T, int>(params, idx, out, outer, n_idx, axis_dim, inner, err, id);            \
  }                                                                                           \
  extern "C" __global__ void gather_##SUF##_i64(const T* params, const i64* idx, T* out,        \
                                                i64 outer, i64 n_idx, i64 axis_dim, i64 inner, \
                                                int* err, int id) {                           \
    gather_impl<T, i64>(params, idx, out, outer, n_idx, axis_dim, inner, err, id);            \
  }                                                                                           \
  extern "C" __global__ void one_hot_##SUF##_i32(const int* idx, T* out, i64 outer, i64 depth,  \
                                                 i64 inner, T on, T off) {                    \
    one_hot_impl<T, int>(idx, out, outer, depth, inner, on, off);                             \
  }                                                                                           \
  extern "C" __global__ void one_hot_##SUF##_i64(const i64* idx, T* out, i64 outer, i64 depth,  \
                                                 i64 inner, T on, T off) {                    \
    one_hot_impl<T, i64>(idx, out, outer, depth, inner, on, off);                             \
  }
GATHER(float, f32)
GATHER(double, f64)
GATHER(int, i32)
GATHER(i64, i64)
GATHER(bool, b8)
GATHER(unsigned char, u8)

#define GATHER_GRAD(T, SUF, I, ISUF)                                                          \
  extern "C" __global__ void gather_grad_##SUF##_##ISUF(const T* dy, const I* idx, T* out,     \
                                                        i64 outer, i64 n_idx, i64 axis_dim,   \
                                                        i64 inner, int* err, int id) {        \
    gather_grad_impl<T, I>(dy, idx, out, outer, n_idx, axis_dim, inner, err, id);             \
  }
GATHER_GRAD(float, f32, int, i32)
GATHER_GRAD(float, f32, i64, i64)
GATHER_GRAD(double, f64, int, i32)
GATHER_GRAD(double, f64, i64, i64)
GATHER_GRAD(int, i32, int, i32)
GATHER_GRAD(int, i32, i64, i64)
GATHER_GRAD(i64, i64, int, i32)
GATHER_GRAD(i64, i64, i64, i64)
