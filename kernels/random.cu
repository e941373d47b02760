// Philox4x32-10 random numbers, the same function and layout as ops/philox.py, so one seed
// gives the same numbers on CPU and GPU:
//   key = (seed, seed2), counter = (block, attempt, run & 0xffffffff, run >> 32);
//   element i of a float32 output uses word i % 4 of block i / 4; float64 uses words
//   2(i % 2), 2(i % 2) + 1 of block i / 2.
// With `run_at` not null, `run` is the uint64 in device memory there plus `run0`: a CUDA
// graph replays the launch with fixed arguments, so the session writes each run's first
// counter there, and `run0` is the draw's index within the run (a loop draws once per
// iteration).
#include "common.cuh"

struct U4 { u32 x, y, z, w; };

__device__ __forceinline__ U4 philox(u32 block, u32 attempt, u64 run, u32 k0, u32 k1) {
  U4 c{block, attempt, (u32)(run & 0xffffffffu), (u32)(run >> 32)};
  for (int r = 0; r < 10; ++r) {
    const u64 p0 = 0xD2511F53ull * c.x, p1 = 0xCD9E8D57ull * c.z;
    const u32 hi0 = (u32)(p0 >> 32), lo0 = (u32)p0, hi1 = (u32)(p1 >> 32), lo1 = (u32)p1;
    c = U4{hi1 ^ c.y ^ k0, lo1, hi0 ^ c.w ^ k1, lo0};
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return c;
}

__device__ __forceinline__ u32 word(const U4& c, int k) {
  return k == 0 ? c.x : (k == 1 ? c.y : (k == 2 ? c.z : c.w));
}
__device__ __forceinline__ float to_float(u32 w) {
  return __uint_as_float((w >> 9) | 0x3f800000u) - 1.0f;
}
__device__ __forceinline__ double to_double(u32 hi, u32 lo) {
  const u64 bits = ((u64)hi << 20) | ((u64)lo >> 12) | 0x3ff0000000000000ull;
  return __longlong_as_double((long long)bits) - 1.0;
}

// Normal number j (0..3 for float, 0..1 for double) of a block by Box-Muller.
__device__ __forceinline__ float normal_f32(const U4& c, int j) {
  const int pair = j >> 1;
  const float ua = to_float(word(c, 2 * pair)), ub = to_float(word(c, 2 * pair + 1));
  const float r = sqrtf(-2.0f * logf(1.0f - ua));
  const float theta = 6.2831853071795864769f * ub;
  return (j & 1) ? r * sinf(theta) : r * cosf(theta);
}
__device__ __forceinline__ double normal_f64(const U4& c, int j) {
  const double ua = to_double(c.x, c.y), ub = to_double(c.z, c.w);
  const double r = sqrt(-2.0 * log(1.0 - ua));
  const double theta = 6.2831853071795864769 * ub;
  return j ? r * sin(theta) : r * cos(theta);
}

extern "C" __global__ void random_uniform_f32(float* out, i64 n, u32 k0, u32 k1, u64 run0,
                                              const u64* run_at) {
  const u64 run = run_at ? *run_at + run0 : run0;
  GRID_STRIDE(i, n) out[i] = to_float(word(philox((u32)(i >> 2), 0, run, k0, k1), (int)(i & 3)));
}
extern "C" __global__ void random_uniform_f64(double* out, i64 n, u32 k0, u32 k1, u64 run0,
                                              const u64* run_at) {
  const u64 run = run_at ? *run_at + run0 : run0;
  GRID_STRIDE(i, n) {
    const U4 c = philox((u32)(i >> 1), 0, run, k0, k1);
    out[i] = (i & 1) ? to_double(c.z, c.w) : to_double(c.x, c.y);
  }
}
extern "C" __global__ void random_normal_f32(float* out, i64 n, u32 k0, u32 k1, u64 run0,
                                             const u64* run_at) {
  const u64 run = run_at ? *run_at + run0 : run0;
  GRID_STRIDE(i, n) out[i] = normal_f32(philox((u32)(i >> 2), 0, run, k0, k1), (int)(i & 3));
}
extern "C" __global__ void random_normal_f64(double* out, i64 n, u32 k0, u32 k1, u64 run0,
                                             const u64* run_at) {
  const u64 run = run_at ? *run_at + run0 : run0;
  GRID_STRIDE(i, n) out[i] = normal_f64(philox((u32)(i >> 1), 0, run, k0, k1), (int)(i & 1));
}
// Redraw with attempt 1, 2, ... until |z| < 2, element by element.
extern "C" __global__ void truncated_normal_f32(float* out, i64 n, u32 k0, u32 k1, u64 run0,
                                                const u64* run_at) {
  const u64 run = run_at ? *run_at + run0 : run0;
  GRID_STRIDE(i, n) {
    float z = 2.0f;
    for (u32 a = 0; !(fabsf(z) < 2.0f); ++a) z = normal_f32(philox((u32)(i >> 2), a, run, k0, k1), (int)(i & 3));
    out[i] = z;
  }
}
extern "C" __global__ void truncated_normal_f64(double* out, i64 n, u32 k0, u32 k1, u64 run0,
                                                const u64* run_at) {
  const u64 run = run_at ? *run_at + run0 : run0;
  GRID_STRIDE(i, n) {
    double z = 2.0;
    for (u32 a = 0; !(fabs(z) < 2.0); ++a) z = normal_f64(philox((u32)(i >> 1), a, run, k0, k1), (int)(i & 1));
    out[i] = z;
  }
}
// Integers in [lo, lo + span): one word each, reduced modulo span.
extern "C" __global__ void random_uniform_int_i32(int* out, i64 n, u32 k0, u32 k1, u64 run0,
                                                  const u64* run_at, i64 lo, u64 span) {
  const u64 run = run_at ? *run_at + run0 : run0;
  GRID_STRIDE(i, n) out[i] = (int)(lo + (i64)(word(philox((u32)(i >> 2), 0, run, k0, k1), (int)(i & 3)) % span));
}
extern "C" __global__ void random_uniform_int_i64(i64* out, i64 n, u32 k0, u32 k1, u64 run0,
                                                  const u64* run_at, i64 lo, u64 span) {
  const u64 run = run_at ? *run_at + run0 : run0;
  GRID_STRIDE(i, n) out[i] = lo + (i64)(word(philox((u32)(i >> 2), 0, run, k0, k1), (int)(i & 3)) % span);
}
