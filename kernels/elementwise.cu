// Elementwise ops: unary, binary with NumPy broadcasting, comparisons, select, cast, fill,
// range. One kernel per dtype and arity; the op is the first argument (TF0_OP_* codes from
// kernels/opcodes.py), which keeps the module small enough to compile in seconds.
//   unary_<dt>(op, x, y, n, param)
//   binary_<dt>(op, a, b, out, n, sa, sb, param, err, id)     contiguous; sa/sb: scalar operand
//   binary_bcast_<dt>(op, a, b, out, n, meta, param, err, id) broadcasting via StridedIndex
//   compare_<dt> / compare_bcast_<dt>: the same, with bool output
// err/id: an integer op that cannot produce a value (division by zero, negative power)
// records its op id in *err; the session reports that op after the run.
#include "common.cuh"

template <typename T> struct IsFloat { static constexpr bool value = false; };
template <> struct IsFloat<float> { static constexpr bool value = true; };
template <> struct IsFloat<double> { static constexpr bool value = true; };

__device__ __forceinline__ void raise_error(int* err, int id) { atomicCAS(err, 0, id); }

// ---- unary -------------------------------------------------------------------------------
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
  const i64 nv = n / V;
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

// ---- binary ------------------------------------------------------------------------------
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
      case TF0_OP_pow: return pow(a, b);
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
__device__ void binary_impl(int op, const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ out,
                            i64 n, int sa, int sb, double param, int* err, int id) {
  if (!sa && !sb) {
    constexpr int V = 16 / sizeof(T);
    const i64 nv = n / V;
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

template <typename T>
__device__ void compare_impl(int op, const T* a, const T* b, bool* out, i64 n, int sa, int sb) {
  GRID_STRIDE(i, n) out[i] = compare_apply(op, a[sa ? 0 : i], b[sb ? 0 : i]);
}

template <typename T>
__device__ void compare_bcast_impl(int op, const T* a, const T* b, bool* out, i64 n, const i64* meta) {
  const StridedIndex idx{meta};
  GRID_STRIDE(i, n) out[i] = compare_apply(op, a[idx.offset(i, 0)], b[idx.offset(i, 1)]);
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
#define COMPARE(T, SUF)                                                                       \
  extern "C" __global__ void compare_##SUF(int op, const T* a, const T* b, bool* out, i64 n,   \
                                           int sa, int sb) {                                 \
    compare_impl<T>(op, a, b, out, n, sa, sb);                                               \
  }                                                                                          \
  extern "C" __global__ void compare_bcast_##SUF(int op, const T* a, const T* b, bool* out,    \
                                                 i64 n, const i64* meta) {                   \
    compare_bcast_impl<T>(op, a, b, out, n, meta);                                           \
  }
BINARY(float, f32)
BINARY(double, f64)
BINARY(int, i32)
BINARY(i64, i64)
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

// ---- cast: every pair of the five dtypes (float to int truncates toward zero) -------------
template <typename S, typename D> __device__ __forceinline__ D convert(S v) { return (D)v; }
template <> __device__ __forceinline__ bool convert<float, bool>(float v) { return v != 0.0f; }
template <> __device__ __forceinline__ bool convert<double, bool>(double v) { return v != 0.0; }

#define CAST(S, SS, D, DS)                                                                   \
  extern "C" __global__ void cast_##SS##_##DS(const S* x, D* y, i64 n) {                     \
    GRID_STRIDE(i, n) y[i] = convert<S, D>(x[i]);                                            \
  }
#define CAST_FROM(S, SS) \
  CAST(S, SS, float, f32) CAST(S, SS, double, f64) CAST(S, SS, int, i32) CAST(S, SS, i64, i64) CAST(S, SS, bool, b8)
CAST_FROM(float, f32)
CAST_FROM(double, f64)
CAST_FROM(int, i32)
CAST_FROM(i64, i64)
CAST_FROM(bool, b8)

// ---- fill and range ----------------------------------------------------------------------
#define FILL(T, SUF)                                                                         \
  extern "C" __global__ void fill_##SUF(T* out, i64 n, T value) { GRID_STRIDE(i, n) out[i] = value; } \
  extern "C" __global__ void range_##SUF(T* out, i64 n, T start, T delta) {                  \
    GRID_STRIDE(i, n) out[i] = start + (T)i * delta;                                         \
  }
FILL(float, f32)
FILL(double, f64)
FILL(int, i32)
FILL(i64, i64)
extern "C" __global__ void fill_b8(bool* out, i64 n, bool value) { GRID_STRIDE(i, n) out[i] = value; }
