// Layout ops. One strided copy serves transpose, slicing, broadcast_to, tile, concat, split,
// stack, unstack and padding: out element i goes to dst[dst_off + off1(i)] from
// src[src_off + off0(i)], where off0/off1 come from StridedIndex metadata (any strides,
// negative and zero included). Gathers and one_hot are in gather.cu (a module of its own so
// that the two compile side by side).
#include "common.cuh"

template <typename T>
__device__ void strided_copy_impl(const T* __restrict__ src, T* __restrict__ dst, i64 n, const i64* meta,
                                  i64 src_off, i64 dst_off) {
  const StridedIndex idx{meta};
  GRID_STRIDE(i, n) dst[dst_off + idx.offset(i, 1)] = src[src_off + idx.offset(i, 0)];
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
  }
COPY(float, f32)
COPY(double, f64)
COPY(int, i32)
COPY(i64, i64)
COPY(bool, b8)
COPY(unsigned char, u8)

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
