// Layout ops. One strided copy serves transpose, slicing, broadcast_to, tile, concat, split,
// stack, unstack and padding: out element i goes to dst[dst_off + off1(i)] from
// src[src_off + off0(i)], where off0/off1 come from StridedIndex metadata (any strides,
// negative and zero included).
#include "common.cuh"

template <typename T>
__device__ void strided_copy_impl(const T* __restrict__ src, T* __restrict__ dst, i64 n, const i64* meta,
                                  i64 src_off, i64 dst_off) {
  const StridedIndex idx{meta};
  GRID_STRIDE(i, n) dst[dst_off + idx.offset(i, 1)] = src[src_off + idx.offset(i, 0)];
}

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

// Mirror padding. meta: ndim, out shape, src shape, pad-before per dim. symmetric: 1 repeats
// the edge element (SYMMETRIC), 0 does not (REFLECT).
template <typename T>
__device__ void mirror_pad_impl(const T* __restrict__ src, T* __restrict__ dst, i64 n, const i64* meta,
                                int symmetric) {
  const int nd = (int)meta[0];
  const i64* oshape = meta + 1;
  const i64* sshape = meta + 1 + nd;
  const i64* before = meta + 1 + 2 * nd;
  GRID_STRIDE(i, n) {
    i64 rest = i, off = 0, mult = 1;
    for (int d = nd - 1; d >= 0; --d) {
      const i64 q = rest / oshape[d];
      i64 c = rest - q * oshape[d] - before[d];
      rest = q;
      const i64 s = sshape[d];
      if (c < 0) c = -c - symmetric;
      if (c >= s) c = 2 * s - c - 2 + symmetric;
      off += c * mult;
      mult *= s;
    }
    dst[i] = src[off];
  }
}

#define COPY(T, SUF)                                                                          \
  extern "C" __global__ void strided_copy_##SUF(const T* src, T* dst, i64 n, const i64* meta,   \
                                                i64 src_off, i64 dst_off) {                   \
    strided_copy_impl<T>(src, dst, n, meta, src_off, dst_off);                                \
  }                                                                                           \
  extern "C" __global__ void mirror_pad_##SUF(const T* src, T* dst, i64 n, const i64* meta,     \
                                              int symmetric) {                                \
    mirror_pad_impl<T>(src, dst, n, meta, symmetric);                                         \
  }                                                                                           \
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
COPY(float, f32)
COPY(double, f64)
COPY(int, i32)
COPY(i64, i64)
COPY(bool, b8)

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

// Copies several byte ranges in one launch (the fetches of a replayed graph into one block):
// row s of `table` is (source address, offset in dst, bytes) and is copied by grid row s,
// in 16-byte moves where the source and offset allow, the tail (or all of a misaligned
// range) byte by byte.
extern "C" __global__ void copy_segments(const i64* __restrict__ table,
                                         unsigned char* __restrict__ dst) {
  const i64* row = table + 3 * blockIdx.y;
  const unsigned char* src = reinterpret_cast<const unsigned char*>(row[0]);
  unsigned char* out = dst + row[1];
  const i64 bytes = row[2];
  const i64 vectors = ((row[0] | row[1]) & 15) == 0 ? bytes / 16 : 0;
  const uint4* src16 = reinterpret_cast<const uint4*>(src);
  uint4* out16 = reinterpret_cast<uint4*>(out);
  GRID_STRIDE(i, vectors) out16[i] = src16[i];
  GRID_STRIDE(i, bytes - 16 * vectors) out[16 * vectors + i] = src[16 * vectors + i];
}
