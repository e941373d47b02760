// Comparisons and logical ops (bool output) and select, with NumPy broadcasting.
//   compare_<dt>(op, a, b, out, n, sa, sb) / compare_bcast_<dt>(op, a, b, out, n, meta)
//   select_<dt>(cond, a, b, out, n, meta)   meta null: every operand has the output's shape
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
    default: return a != b;  // logical_xor
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

// ---- select ------------------------------------------------------------------------------
// meta == nullptr: all three operands have the output's shape.
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

