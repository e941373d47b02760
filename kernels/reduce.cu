// Reductions, deterministic: every output is combined in a fixed order that depends only on
// the shapes (no float atomics), so the same inputs give the same bits on every run.
// The launcher views the input as [outer, R, inner] (R: the reduced elements).
//   reduce_chunks_<dt>(op, x, out, outer, R, chunk, scale): inner == 1; block (c, o) reduces
//       x[o, c*chunk : (c+1)*chunk] into out[o, c] (one chunk per row when chunk >= R).
//   reduce_cols_<dt>(op, x, out, outer, R, inner, chunk, scale): thread (o, c, k) reduces
//       x[o, c*chunk : (c+1)*chunk, k] in order into out[o, c, k].
//   arg_reduce_<dt>(is_min, x, out, outer, R, inner): int64 index of the first extremum.
// `scale` multiplies the result (1/R for a mean on the last pass, else 1).
#include "common.cuh"

template <typename T> struct Reducer {
  int op;
  __device__ __forceinline__ T identity() const {
    switch (op) {
      case TF0_REDUCE_sum: return T(0);
      case TF0_REDUCE_prod: return T(1);
      case TF0_REDUCE_max: return tf0_lowest<T>();
      default: return tf0_highest<T>();
    }
  }
  __device__ __forceinline__ T operator()(T a, T b) const {
    switch (op) {
      case TF0_REDUCE_sum: return a + b;
      case TF0_REDUCE_prod: return a * b;
      case TF0_REDUCE_max: return (a != a || a > b) ? a : b;  // NaN propagates like NumPy
      default: return (a != a || a < b) ? a : b;
    }
  }
};

template <typename T>
__device__ void reduce_chunks_impl(int op, const T* __restrict__ x, T* __restrict__ out, i64 outer,
                                   i64 R, i64 chunk, double scale) {
  constexpr int V = 16 / sizeof(T);
  const Reducer<T> red{op};
  const i64 nchunks = (R + chunk - 1) / chunk;
  for (i64 row = blockIdx.y; row < outer; row += gridDim.y) {
    for (i64 c = blockIdx.x; c < nchunks; c += gridDim.x) {
      const i64 begin = c * chunk, end = begin + chunk < R ? begin + chunk : R;
      const T* base = x + row * R;
      T acc = red.identity();
      const i64 step = blockDim.x;
      if (R % V == 0 && chunk % V == 0 && aligned16(x)) {
        // 16-byte loads, two packs in flight per thread; lane k of every pack goes to
        // accumulator k, combined in a fixed order below
        const Pack<T>* packs = reinterpret_cast<const Pack<T>*>(base + begin);
        const i64 np = (end - begin) / V;
        T lanes[V];
#pragma unroll
        for (int k = 0; k < V; ++k) lanes[k] = red.identity();
        i64 j = threadIdx.x;
        for (; j + step < np; j += 2 * step) {
          const Pack<T> p = packs[j], q = packs[j + step];
#pragma unroll
          for (int k = 0; k < V; ++k) lanes[k] = red(red(lanes[k], p.v[k]), q.v[k]);
        }
        for (; j < np; j += step) {
          const Pack<T> p = packs[j];
#pragma unroll
          for (int k = 0; k < V; ++k) lanes[k] = red(lanes[k], p.v[k]);
        }
#pragma unroll
        for (int k = 0; k < V; ++k) acc = red(acc, lanes[k]);
      } else {  // four independent accumulators keep four loads in flight
        T acc1 = acc, acc2 = acc, acc3 = acc;
        i64 i = begin + threadIdx.x;
        for (; i + 3 * step < end; i += 4 * step) {
          acc = red(acc, base[i]);
          acc1 = red(acc1, base[i + step]);
          acc2 = red(acc2, base[i + 2 * step]);
          acc3 = red(acc3, base[i + 3 * step]);
        }
        for (; i < end; i += step) acc = red(acc, base[i]);
        acc = red(red(acc, acc1), red(acc2, acc3));
      }
      acc = block_reduce(acc, red, red.identity());
      if (threadIdx.x == 0) out[row * nchunks + c] = scale == 1.0 ? acc : T(acc * T(scale));
    }
  }
}

template <typename T>
__device__ void reduce_cols_impl(int op, const T* __restrict__ x, T* __restrict__ out, i64 outer,
                                 i64 R, i64 inner, i64 chunk, double scale) {
  const Reducer<T> red{op};
  const i64 nchunks = (R + chunk - 1) / chunk;
  GRID_STRIDE(t, outer * nchunks * inner) {
    const i64 k = t % inner, oc = t / inner, c = oc % nchunks, o = oc / nchunks;
    const i64 begin = c * chunk, end = begin + chunk < R ? begin + chunk : R;
    const T* base = x + o * R * inner + k;
    T acc = red.identity();
    for (i64 r = begin; r < end; ++r) acc = red(acc, base[r * inner]);
    out[t] = scale == 1.0 ? acc : T(acc * T(scale));
  }
}

template <typename T>
__device__ void arg_reduce_impl(int is_min, const T* __restrict__ x, i64* __restrict__ out, i64 outer,
                                i64 R, i64 inner) {
  GRID_STRIDE(t, outer * inner) {
    const i64 k = t % inner, o = t / inner;
    const T* base = x + o * R * inner + k;
    T best = base[0];
    i64 best_i = 0;
    for (i64 r = 1; r < R && best == best; ++r) {  // the first NaN wins, as in NumPy
      const T v = base[r * inner];
      if (v != v || (is_min ? v < best : v > best)) { best = v; best_i = r; }
    }
    out[t] = best_i;
  }
}

#define REDUCE(T, SUF)                                                                       \
  extern "C" __global__ void reduce_chunks_##SUF(int op, const T* x, T* out, i64 outer, i64 R, \
                                                 i64 chunk, double scale) {                  \
    reduce_chunks_impl<T>(op, x, out, outer, R, chunk, scale);                               \
  }                                                                                          \
  extern "C" __global__ void reduce_cols_##SUF(int op, const T* x, T* out, i64 outer, i64 R,   \
                                               i64 inner, i64 chunk, double scale) {         \
    reduce_cols_impl<T>(op, x, out, outer, R, inner, chunk, scale);                          \
  }                                                                                          \
  extern "C" __global__ void arg_reduce_##SUF(int is_min, const T* x, i64* out, i64 outer, i64 R, \
                                              i64 inner) {                                   \
    arg_reduce_impl<T>(is_min, x, out, outer, R, inner);                                     \
  }
REDUCE(float, f32)
REDUCE(double, f64)
REDUCE(int, i32)
REDUCE(i64, i64)

// any / all on bools: max / min over 0 and 1.
extern "C" __global__ void reduce_chunks_b8(int op, const bool* x, bool* out, i64 outer, i64 R,
                                            i64 chunk, double) {
  const Reducer<int> red{op};
  const i64 nchunks = (R + chunk - 1) / chunk;
  for (i64 row = blockIdx.y; row < outer; row += gridDim.y) {
    for (i64 c = blockIdx.x; c < nchunks; c += gridDim.x) {
      const i64 begin = c * chunk, end = begin + chunk < R ? begin + chunk : R;
      int acc = op == TF0_REDUCE_max ? 0 : 1;
      for (i64 i = begin + threadIdx.x; i < end; i += blockDim.x) acc = red(acc, (int)x[row * R + i]);
      acc = block_reduce(acc, red, op == TF0_REDUCE_max ? 0 : 1);
      if (threadIdx.x == 0) out[row * nchunks + c] = acc != 0;
    }
  }
}
extern "C" __global__ void reduce_cols_b8(int op, const bool* x, bool* out, i64 outer, i64 R,
                                          i64 inner, i64 chunk, double) {
  const i64 nchunks = (R + chunk - 1) / chunk;
  GRID_STRIDE(t, outer * nchunks * inner) {
    const i64 k = t % inner, oc = t / inner, c = oc % nchunks, o = oc / nchunks;
    const i64 begin = c * chunk, end = begin + chunk < R ? begin + chunk : R;
    bool acc = op != TF0_REDUCE_max;
    for (i64 r = begin; r < end; ++r) {
      const bool v = x[(o * R + r) * inner + k];
      acc = op == TF0_REDUCE_max ? (acc || v) : (acc && v);
    }
    out[t] = acc;
  }
}
