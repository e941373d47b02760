// tf.where(cond, a, b) with NumPy broadcasting:
//   select_<dt>(cond, a, b, out, n, meta)   meta null: every operand has the output's shape
#include "common.cuh"

template <typename T>
__device__ void select_impl(const bool* c, const T* a, const T* b, T* out, i64 n, const i64* meta) {
  if (meta == nullptr) {
    GRID_STRIDE(i, n) out[i] = c[i] ? a[i] : b[i];
  } else {
    const StridedIndex idx{meta};
    GRID_STRIDE(i, n) out[i] = c[idx.offset(i, 0)] ? a[idx.offset(i, 1)] : b[idx.offset(i, 2)];
  }
}
#define SELECT(T, SUF)                                                                        \
  extern "C" __global__ void select_##SUF(const bool* c, const T* a, const T* b, T* out, i64 n, \
                                          const i64* meta) {                                  \
    select_impl(c, a, b, out, n, meta);                                                       \
  }
SELECT(float, f32)
SELECT(double, f64)
SELECT(int, i32)
SELECT(i64, i64)
SELECT(bool, b8)
SELECT(unsigned char, u8)

