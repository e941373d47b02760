// Elementwise unary ops, one kernel per dtype; the op is the first argument (TF0_OP_* codes
// from kernels/opcodes.py). Kept apart from elementwise.cu so the two compile in parallel.
//   unary_<dt>(op, x, y, n, param)      param: leaky_relu's alpha
#include "common.cuh"
#include "special.cuh"


template <typename T>
__device__ __forceinline__ T unary_apply(int op, T x, double param) {
  if constexpr (IsFloat<T>::value) {
    switch (op) {
      case TF0_OP_sqrt: return sqrt(x);
      case TF0_OP_rsqrt: return T(1) / sqrt(x);
      case TF0_OP_reciprocal: return T(1) / x;
      case TF0_OP_exp: return exp(x);
      case TF0_OP_log: return log(x);
      case TF0_OP_log1p: return log1p(x);
      case TF0_OP_sin: return sin(x);
      case TF0_OP_cos: return cos(x);
      case TF0_OP_tanh: return tanh(x);
      case TF0_OP_sigmoid: {  // exp(-|x|) never overflows
        const T e = exp(-fabs(x));
        return x >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
      }
      case TF0_OP_softplus: return (x > T(0) ? x : T(0)) + log1p(exp(-fabs(x)));
      case TF0_OP_elu: return x > T(0) ? x : expm1(x < T(0) ? x : T(0));
      case TF0_OP_floor: return floor(x);
      case TF0_OP_ceil: return ceil(x);
      case TF0_OP_round: return rint(x);  // half to even, like NumPy
      case TF0_OP_leaky_relu: return x > T(0) ? x : x * T(param);
      case TF0_OP_erf: return erf(x);
      case TF0_OP_erfc: return erfc(x);
      case TF0_OP_tan: return tan(x);
      case TF0_OP_asin: return asin(x);
      case TF0_OP_acos: return acos(x);
      case TF0_OP_atan: return atan(x);
      case TF0_OP_sinh: return sinh(x);
      case TF0_OP_cosh: return cosh(x);
      case TF0_OP_asinh: return asinh(x);
      case TF0_OP_acosh: return acosh(x);
      case TF0_OP_atanh: return atanh(x);
      case TF0_OP_expm1: return expm1(x);
      case TF0_OP_lgamma: return lgamma(x);
      case TF0_OP_digamma: return T(tf0_digamma(double(x)));
      case TF0_OP_erfinv: return erfinv(x);
      case TF0_OP_ndtri: return normcdfinv(x);
      default: break;
    }
  } else {
    switch (op) {
      case TF0_OP_invert: return ~x;
      default: break;
    }
  }
  switch (op) {
    case TF0_OP_negative: return -x;
    case TF0_OP_abs: return x < T(0) ? -x : x;
    case TF0_OP_sign: return x != x ? x : T((x > T(0)) - (x < T(0)));
    case TF0_OP_square: return x * x;
    case TF0_OP_relu: return x != x ? x : (x > T(0) ? x : T(0));  // NaN propagates
    case TF0_OP_relu6: return x != x ? x : (x < T(0) ? T(0) : (x > T(6) ? T(6) : x));
    default: return x;
  }
}

template <typename T>
__device__ void unary_impl(int op, const T* __restrict__ x, T* __restrict__ y, i64 n, double param) {
  constexpr int V = 16 / sizeof(T);
  const i64 nv = aligned16(x) && aligned16(y) ? n / V : 0;
  GRID_STRIDE(j, nv) {
    Pack<T> p = reinterpret_cast<const Pack<T>*>(x)[j];
#pragma unroll
    for (int k = 0; k < V; ++k) p.v[k] = unary_apply(op, p.v[k], param);
    reinterpret_cast<Pack<T>*>(y)[j] = p;
  }
  GRID_STRIDE(i, n - nv * V) y[nv * V + i] = unary_apply(op, x[nv * V + i], param);
}

#define UNARY(T, SUF)                                                                         \
  extern "C" __global__ void unary_##SUF(int op, const T* x, T* y, i64 n, double param) {    \
    unary_impl<T>(op, x, y, n, param);                                                       \
  }
UNARY(float, f32)
UNARY(double, f64)
UNARY(int, i32)
UNARY(i64, i64)
extern "C" __global__ void unary_b8(int op, const bool* x, bool* y, i64 n, double) {
  GRID_STRIDE(i, n) y[i] = op == TF0_OP_logical_not ? !x[i] : x[i];
}
