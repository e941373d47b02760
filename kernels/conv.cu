// Convolution and pooling over NHWC images, one thread per output element, fixed summation
// order (deterministic, no atomics). Every kernel takes the geometry as
//   N, H, W, C   input batch, height, width, channels
//   OH, OW       output height and width
//   KH, KW       window height and width
//   SH, SW, DH, DW, PH, PW   strides, dilations and the padding before each axis
// Input row r of output row a and window row i is a * SH - PH + i * DH (same for columns);
// positions outside [0, H) x [0, W) are padding.
//   conv2d_<dt>(x, w, y, geometry..., O)                  w [KH, KW, C, O], y [N, OH, OW, O]
//   conv2d_backprop_input_<dt>(w, dy, dx, geometry..., O)   dx [N, H, W, C]
//   conv2d_backprop_filter_<dt>(x, dy, dw, geometry..., O)  dw [KH, KW, C, O]
//   max_pool_<dt>(x, y, geometry...)    avg_pool_<dt>(x, y, geometry...)   y [N, OH, OW, C]
//   max_pool_grad_<dt>(x, dy, dx, geometry...)   avg_pool_grad_<dt>(dy, dx, geometry...)
// Max pooling skips padding and routes each window's gradient to its first maximum
// (row-major); average pooling divides by the number of real positions in the window.
#include "common.cuh"

#define GEOMETRY i64 N, i64 H, i64 W, i64 C, i64 OH, i64 OW, i64 KH, i64 KW, i64 SH, \
                 i64 SW, i64 DH, i64 DW, i64 PH, i64 PW

// Calls f(r, q, i, j) for every real input position (r, q) that window tap (i, j) of output
// (a, b) reads, in row-major tap order.
template <typename F>
__device__ __forceinline__ void for_each_tap(i64 a, i64 b, GEOMETRY, F f) {
  for (i64 i = 0; i < KH; ++i) {
    const i64 r = a * SH - PH + i * DH;
    if (r < 0 || r >= H) continue;
    for (i64 j = 0; j < KW; ++j) {
      const i64 q = b * SW - PW + j * DW;
      if (q >= 0 && q < W) f(r, q, i, j);
    }
  }
}

// The output index along one axis whose window tap k reads input index r, or -1.
__device__ __forceinline__ i64 covering(i64 r, i64 k, i64 S, i64 D, i64 P, i64 O) {
  const i64 t = r + P - k * D;  // = a * S for that output index a
  return (t >= 0 && t % S == 0 && t / S < O) ? t / S : -1;
}

// Calls f(a, b, i, j) for every output (a, b) whose window tap (i, j) reads input (r, q).
template <typename F>
__device__ __forceinline__ void for_each_covering(i64 r, i64 q, GEOMETRY, F f) {
  for (i64 i = 0; i < KH; ++i) {
    const i64 a = covering(r, i, SH, DH, PH, OH);
    if (a < 0) continue;
    for (i64 j = 0; j < KW; ++j) {
      const i64 b = covering(q, j, SW, DW, PW, OW);
      if (b >= 0) f(a, b, i, j);
    }
  }
}

#define ARGS N, H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, PH, PW

template <typename T>
__device__ void conv2d(const T* x, const T* w, T* y, GEOMETRY, i64 O) {
  GRID_STRIDE(idx, N * OH * OW * O) {
    const i64 o = idx % O, b = (idx / O) % OW, a = (idx / (O * OW)) % OH,
              n = idx / (O * OW * OH);
    T acc = T(0);
    for_each_tap(a, b, ARGS, [&](i64 r, i64 q, i64 i, i64 j) {
      const T* xp = x + ((n * H + r) * W + q) * C;
      const T* wp = w + (i * KW + j) * C * O + o;
      for (i64 c = 0; c < C; ++c) acc += xp[c] * wp[c * O];
    });
    y[idx] = acc;
  }
}

template <typename T>
__device__ void conv2d_backprop_input(const T* w, const T* dy, T* dx, GEOMETRY, i64 O) {
  GRID_STRIDE(idx, N * H * W * C) {
    const i64 c = idx % C, q = (idx / C) % W, r = (idx / (C * W)) % H, n = idx / (C * W * H);
    T acc = T(0);
    for_each_covering(r, q, ARGS, [&](i64 a, i64 b, i64 i, i64 j) {
      const T* dyp = dy + ((n * OH + a) * OW + b) * O;
      const T* wp = w + ((i * KW + j) * C + c) * O;
      for (i64 o = 0; o < O; ++o) acc += dyp[o] * wp[o];
    });
    dx[idx] = acc;
  }
}

template <typename T>
__device__ void conv2d_backprop_filter(const T* x, const T* dy, T* dw, GEOMETRY, i64 O) {
  GRID_STRIDE(idx, KH * KW * C * O) {
    const i64 o = idx % O, c = (idx / O) % C, j = (idx / (O * C)) % KW, i = idx / (O * C * KW);
    T acc = T(0);
    for (i64 n = 0; n < N; ++n)
      for (i64 a = 0; a < OH; ++a) {
        const i64 r = a * SH - PH + i * DH;
        if (r < 0 || r >= H) continue;
        for (i64 b = 0; b < OW; ++b) {
          const i64 q = b * SW - PW + j * DW;
          if (q < 0 || q >= W) continue;
          acc += x[((n * H + r) * W + q) * C + c] * dy[((n * OH + a) * OW + b) * O + o];
        }
      }
    dw[idx] = acc;
  }
}

// Offset of the first maximum (row-major taps; NaN wins, as NumPy's max) of the window of
// output (n, a, b, c), or -1 for a window with no real position.
template <typename T>
__device__ i64 window_argmax(const T* x, i64 n, i64 a, i64 b, i64 c, GEOMETRY) {
  i64 best = -1;
  T best_value = tf0_lowest<T>();
  for_each_tap(a, b, ARGS, [&](i64 r, i64 q, i64, i64) {
    const i64 at = ((n * H + r) * W + q) * C + c;
    const T v = x[at];
    if (best < 0 || v > best_value || (tf0_isnan(v) && !tf0_isnan(best_value))) {
      best = at;
      best_value = v;
    }
  });
  return best;
}

template <typename T>
__device__ void max_pool(const T* x, T* y, GEOMETRY) {
  GRID_STRIDE(idx, N * OH * OW * C) {
    const i64 c = idx % C, b = (idx / C) % OW, a = (idx / (C * OW)) % OH, n = idx / (C * OW * OH);
    const i64 at = window_argmax(x, n, a, b, c, ARGS);
    y[idx] = at < 0 ? tf0_lowest<T>() : x[at];
  }
}

template <typename T>
__device__ void max_pool_grad(const T* x, const T* dy, T* dx, GEOMETRY) {
  GRID_STRIDE(idx, N * H * W * C) {
    const i64 c = idx % C, q = (idx / C) % W, r = (idx / (C * W)) % H, n = idx / (C * W * H);
    T acc = T(0);
    for_each_covering(r, q, ARGS, [&](i64 a, i64 b, i64, i64) {
      if (window_argmax(x, n, a, b, c, ARGS) == idx) acc += dy[((n * OH + a) * OW + b) * C + c];
    });
    dx[idx] = acc;
  }
}

// Real (unpadded) positions in the window of output (a, b).
__device__ __forceinline__ i64 window_count(i64 a, i64 b, GEOMETRY) {
  i64 count = 0;
  for_each_tap(a, b, ARGS, [&](i64, i64, i64, i64) { ++count; });
  return count;
}

template <typename T>
__device__ void avg_pool(const T* x, T* y, GEOMETRY) {
  GRID_STRIDE(idx, N * OH * OW * C) {
    const i64 c = idx % C, b = (idx / C) % OW, a = (idx / (C * OW)) % OH, n = idx / (C * OW * OH);
    T acc = T(0);
    for_each_tap(a, b, ARGS,
                 [&](i64 r, i64 q, i64, i64) { acc += x[((n * H + r) * W + q) * C + c]; });
    y[idx] = acc / T(window_count(a, b, ARGS));
  }
}

template <typename T>
__device__ void avg_pool_grad(const T* dy, T* dx, GEOMETRY) {
  GRID_STRIDE(idx, N * H * W * C) {
    const i64 c = idx % C, q = (idx / C) % W, r = (idx / (C * W)) % H, n = idx / (C * W * H);
    T acc = T(0);
    for_each_covering(r, q, ARGS, [&](i64 a, i64 b, i64, i64) {
      acc += dy[((n * OH + a) * OW + b) * C + c] / T(window_count(a, b, ARGS));
    });
    dx[idx] = acc;
  }
}

#define CONV_KERNELS(T, SUF)                                                                \
  extern "C" __global__ void conv2d_##SUF(const T* x, const T* w, T* y, GEOMETRY, i64 O) { \
    conv2d(x, w, y, ARGS, O);                                                               \
  }                                                                                         \
  extern "C" __global__ void conv2d_backprop_input_##SUF(const T* w, const T* dy, T* dx,  \
                                                         GEOMETRY, i64 O) {                 \
    conv2d_backprop_input(w, dy, dx, ARGS, O);                                              \
  }                                                                                         \
  extern "C" __global__ void conv2d_backprop_filter_##SUF(const T* x, const T* dy, T* dw, \
                                                          GEOMETRY, i64 O) {                \
    conv2d_backprop_filter(x, dy, dw, ARGS, O);                                             \
  }                                                                                         \
  extern "C" __global__ void max_pool_##SUF(const T* x, T* y, GEOMETRY) {                 \
    max_pool(x, y, ARGS);                                                                   \
  }                                                                                         \
  extern "C" __global__ void max_pool_grad_##SUF(const T* x, const T* dy, T* dx, GEOMETRY) { \
    max_pool_grad(x, dy, dx, ARGS);                                                         \
  }                                                                                         \
  extern "C" __global__ void avg_pool_##SUF(const T* x, T* y, GEOMETRY) {                 \
    avg_pool(x, y, ARGS);                                                                   \
  }                                                                                         \
  extern "C" __global__ void avg_pool_grad_##SUF(const T* dy, T* dx, GEOMETRY) {          \
    avg_pool_grad(dy, dx, ARGS);                                                            \
  }

CONV_KERNELS(float, f32)
CONV_KERNELS(double, f64)
