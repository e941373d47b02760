// cast between the six dtypes, fill and range.
#include "common.cuh"

// ---- cast: every pair of the six dtypes (float to int truncates toward zero; a float out of
// the integer type's range gives an unspecified value, as in TF1) ---------------------------
template <typename S, typename D> __device__ __forceinline__ D convert(S v) { return (D)v; }
template <> __device__ __forceinline__ bool convert<float, bool>(float v) { return v != 0.0f; }
template <> __device__ __forceinline__ bool convert<double, bool>(double v) { return v != 0.0; }

#define CAST(S, SS, D, DS)                                                                   \
  extern "C" __global__ void cast_##SS##_##DS(const S* x, D* y, i64 n) {                     \
    GRID_STRIDE(i, n) y[i] = convert<S, D>(x[i]);                                            \
  }
#define CAST_FROM(S, SS)                                                                     \
  CAST(S, SS, float, f32) CAST(S, SS, double, f64) CAST(S, SS, int, i32) CAST(S, SS, i64, i64) \
  CAST(S, SS, bool, b8) CAST(S, SS, unsigned char, u8)
CAST_FROM(float, f32)
CAST_FROM(double, f64)
CAST_FROM(int, i32)
CAST_FROM(i64, i64)
CAST_FROM(bool, b8)
CAST_FROM(unsigned char, u8)

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
FILL(unsigned char, u8)
extern "C" __global__ void fill_b8(bool* out, i64 n, bool value) { GRID_STRIDE(i, n) out[i] = value; }
