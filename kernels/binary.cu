// Elementwise binary ops with NumPy broadcasting, one kernel per dtype and layout; the op
// is the first argument (TF0_OP_* codes from kernels/opcodes.py).
//   binary_<dt>(op, a, b, out, n, sa, sb, param, err, id)     contiguous; sa/sb: scalar operand
//   binary_bcast_<dt>(op, a, b, out, n, meta, param, err, id) broadcasting via StridedIndex
// err/id: an integer op that cannot produce a value (division by zero, negative power)
// records its op id in *err; the session reports that op after the run.
#include "common.cuh"
#include "special.cuh"

__device__ __forceinline__ void raise_error(int* err, int id) { atomicCAS(err, 0, id); }

template <typename T>
__device__ __forceinline__ int shift_amount(T b) {
  const T top = T(sizeof(T) * 8 - 1);
  return int(b < T(0) ? T(0) : (b > top ? top : b));
}

// Python's floor division and modulo: the result's sign follows the divisor.
template <typename T>
__device__ __forceinline__ T binary_apply(int op, T a, T b, double param, int* err, int id) {
  if constexpr (IsFloat<T>::value) {
    switch (op) {
      case TF0_OP_realdiv: return a / b;
      case TF0_OP_floordiv: return floor(a / b);
      case TF0_OP_floormod: {
        T r = fmod(a, b);
        if (r != T(0) && ((r < T(0)) != (b < T(0)))) r += b;
        return r;
      }
      case TF0_OP_pow: return b == T(2) ? a * a : pow(a, b);  // squares: exact and fast
      case TF0_OP_atan2: return atan2(a, b);
      case TF0_OP_zeta: return T(tf0_zeta(double(a), double(b)));
      default: break;
    }
  } else {
    switch (op) {
      case TF0_OP_floordiv: {
        if (b == 0) { raise_error(err, id); return 0; }
        T q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
        return q;
      }
      case TF0_OP_floormod: {
        if (b == 0) { raise_error(err, id); return 0; }
        T r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return r;
      }
      case TF0_OP_pow: {
        if (b < 0) { raise_error(err, id); return 0; }
        T result = 1;
        for (; b; b >>= 1, a *= a)
          if (b & 1) result *= a;
        return result;
      }
      case TF0_OP_bitwise_and: return a & b;
      case TF0_OP_bitwise_or: return a | b;
      case TF0_OP_bitwise_xor: return a ^ b;
      // Shifts by amounts clamped to [0, bits - 1] (TF1's rule); left shifts on the
      // unsigned bits, so a sign bit shifted out is no undefined behaviour.
      case TF0_OP_left_shift: return T((unsigned long long)a << shift_amount<T>(b));
      case TF0_OP_right_shift: return a >> shift_amount<T>(b);
      default: break;
    }
  }
  switch (op) {
    case TF0_OP_add: return a + b;
    case TF0_OP_subtract: return a - b;
    case TF0_OP_multiply: return a * b;
    case TF0_OP_maximum: return a != a ? a : (b != b ? b : (a > b ? a : b));  // NaN propagates
    case TF0_OP_minimum: return a != a ? a : (b != b ? b : (a < b ? a : b));
    case TF0_OP_squared_difference: return (a - b) * (a - b);
    case TF0_OP_relu_grad: return b > T(0) ? a : a * T(0);  // (dy, x)
    case TF0_OP_relu6_grad: return (b > T(0) && b < T(6)) ? a : a * T(0);
    case TF0_OP_leaky_relu_grad: return b > T(0) ? a : a * T(param);
    default: return a;
  }
}

template <typename T>
__device__ void binary_impl(int op, const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ out,
                            i64 n, int sa, int sb, double param, int* err, int id) {
  if (!sa && !sb) {
    constexpr int V = 16 / sizeof(T);
    const i64 nv = aligned16(a) && aligned16(b) && aligned16(out) ? n / V : 0;
    GRID_STRIDE(j, nv) {
      const Pack<T> pa = reinterpret_cast<const Pack<T>*>(a)[j];
      const Pack<T> pb = reinterpret_cast<const Pack<T>*>(b)[j];
      Pack<T> po;
#pragma unroll
      for (int k = 0; k < V; ++k) po.v[k] = binary_apply(op, pa.v[k], pb.v[k], param, err, id);
      reinterpret_cast<Pack<T>*>(out)[j] = po;
    }
    GRID_STRIDE(i, n - nv * V) {
      const i64 t = nv * V + i;
      out[t] = binary_apply(op, a[t], b[t], param, err, id);
    }
    return;
  }
  const T a0 = a[0], b0 = b[0];
  GRID_STRIDE(i, n) out[i] = binary_apply(op, sa ? a0 : a[i], sb ? b0 : b[i], param, err, id);
}

template <typename T>
__device__ void binary_bcast_impl(int op, const T* a, const T* b, T* out, i64 n, const i64* meta,
                                  double param, int* err, int id) {
  const StridedIndex idx{meta};
  GRID_STRIDE(i, n) out[i] = binary_apply(op, a[idx.offset(i, 0)], b[idx.offset(i, 1)], param, err, id);
}

#define BINARY(T, SUF)                                                                        \
  extern "C" __global__ void binary_##SUF(int op, const T* a, const T* b, T* out, i64 n, int sa, \
                                          int sb, double param, int* err, int id) {          \
    binary_impl<T>(op, a, b, out, n, sa, sb, param, err, id);                                \
  }                                                                                          \
  extern "C" __global__ void binary_bcast_##SUF(int op, const T* a, const T* b, T* out, i64 n,  \
                                                const i64* meta, double param, int* err, int id) { \
    binary_bcast_impl<T>(op, a, b, out, n, meta, param, err, id);                            \
  }
BINARY(float, f32)
BINARY(double, f64)
BINARY(int, i32)
BINARY(i64, i64)
