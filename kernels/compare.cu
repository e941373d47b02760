// Comparisons and logical ops (bool output), with NumPy broadcasting (select is in select.cu,
// a module of its own so that the two compile side by side).
//   compare_<dt>(op, a, b, out, n, sa, sb) / compare_bcast_<dt>(op, a, b, out, n, meta)
#include "common.cuh"

template <typename T>
__device__ __forceinline__ bool compare_apply(int op, T a, T b) {
  switch (op) {
    case TF0_OP_equal: return a == b;
    case TF0_OP_not_equal: return a != b;
    case TF0_OP_less: return a < b;
    case TF0_OP_less_equal: return a <= b;
    case TF0_OP_greater: return a > b;
    case TF0_OP_greater_equal: return a >= b;
    case TF0_OP_logical_and: return a && b;
    case TF0_OP_logical_or: return a || b;
    case TF0_OP_logical_xor: return a != b;
    default: return false;
  }
}

template <typename T>
__device__ void compare_impl(int op, const T* a, const T* b, bool* out, i64 n, int sa, int sb) {
  GRID_STRIDE(i, n) out[i] = compare_apply(op, a[sa ? 0 : i], b[sb ? 0 : i]);
}

template <typename T>
__device__ void compare_bcast_impl(int op, const T* a, const T* b, bool* out, i64 n, const i64* meta) {
  const StridedIndex idx{meta};
  GRID_STRIDE(i, n) out[i] = compare_apply(op, a[idx.offset(i, 0)], b[idx.offset(i, 1)]);
}

#define COMPARE(T, SUF)                                                                       \
  extern "C" __global__ void compare_##SUF(int op, const T* a, const T* b, bool* out, i64 n,   \
                                           int sa, int sb) {                                 \
    compare_impl<T>(op, a, b, out, n, sa, sb);                                               \
  }                                                                                          \
  extern "C" __global__ void compare_bcast_##SUF(int op, const T* a, const T* b, bool* out,    \
                                                 i64 n, const i64* meta) {                   \
    compare_bcast_impl<T>(op, a, b, out, n, meta);                                           \
  }
COMPARE(float, f32)
COMPARE(double, f64)
COMPARE(int, i32)
COMPARE(i64, i64)
COMPARE(bool, b8)
COMPARE(unsigned char, u8)
