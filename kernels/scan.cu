// Cumulative sums and products along one axis, the coordinates of true elements, and
// sorting along the last axis.
//
// A scanned tensor is viewed as [outer, n, inner]; a line is one (outer, inner) position
// and its n elements, `inner` apart. Scan order runs forward, or backward with `reverse`;
// `exclusive` writes each element's combination of the ones before it.
//   scan_lines_<op>_<dt>(x, out, outer, n, inner, exclusive, reverse): one thread per line,
//     combining in order (NumPy's order), for many lines;
//   scan_chunks_<op>_<dt>(...): one block per line for few long lines: each thread combines
//     a contiguous chunk, thread 0 scans the chunk totals in order, then each thread
//     rewrites its chunk from its offset. The order depends only on n and the block size,
//     so results are deterministic.
//   where_coords_b8(mask, upto, coords, n, rank, shape): for each true mask[i] (of n,
//     contiguous), its row-major coordinates in `shape` written to row upto[i] - 1 of
//     coords [count, rank] (`upto`: inclusive cumulative count of true elements).
#include "common.cuh"

template <typename T, bool PROD> struct Combine {
  __device__ __forceinline__ static T identity() { return PROD ? T(1) : T(0); }
  __device__ __forceinline__ static T apply(T a, T b) { return PROD ? a * b : a + b; }
};

// Elements begin..end-1 (in scan order) of the line at `base`, combined in order onto
// `run`: each is written as the combination up to it (exclusive: up to the one before it).
template <typename T, bool PROD>
__device__ __forceinline__ void scan_span(const T* __restrict__ x, T* __restrict__ out,
                                          i64 base, i64 n, i64 inner, i64 begin, i64 end,
                                          T run, int exclusive, int reverse) {
  typedef Combine<T, PROD> C;
  for (i64 k = begin; k < end; ++k) {
    const i64 at = base + (reverse ? n - 1 - k : k) * inner;
    const T v = x[at];
    if (exclusive) {
      out[at] = run;
      run = C::apply(run, v);
    } else {
      run = C::apply(run, v);
      out[at] = run;
    }
  }
}

template <typename T, bool PROD>
__device__ void scan_lines(const T* __restrict__ x, T* __restrict__ out, i64 outer, i64 n,
                           i64 inner, int exclusive, int reverse) {
  GRID_STRIDE(line, outer * inner) {
    const i64 base = (line / inner) * n * inner + line % inner;
    scan_span<T, PROD>(x, out, base, n, inner, 0, n, Combine<T, PROD>::identity(), exclusive,
                       reverse);
  }
}

template <typename T, bool PROD>
__device__ void scan_chunks(const T* __restrict__ x, T* __restrict__ out, i64 outer, i64 n,
                            i64 inner, int exclusive, int reverse) {
  typedef Combine<T, PROD> C;
  __shared__ T totals[256];
  const int t = threadIdx.x;
  const i64 chunk = (n + blockDim.x - 1) / blockDim.x;
  const i64 begin = min(n, (i64)t * chunk), end = min(n, begin + chunk);
  for (i64 line = blockIdx.x; line < outer * inner; line += gridDim.x) {
    const i64 base = (line / inner) * n * inner + line % inner;
    T acc = C::identity();
    for (i64 k = begin; k < end; ++k)
      acc = C::apply(acc, x[base + (reverse ? n - 1 - k : k) * inner]);
    totals[t] = acc;
    __syncthreads();
    if (t == 0) {  // exclusive scan of the chunk totals, in chunk order
      T run = C::identity();
      for (int i = 0; i < (int)blockDim.x; ++i) {
        const T v = totals[i];
        totals[i] = run;
        run = C::apply(run, v);
      }
    }
    __syncthreads();
    scan_span<T, PROD>(x, out, base, n, inner, begin, end, totals[t], exclusive, reverse);
    __syncthreads();  // totals[] is rewritten for the next line
  }
}

#define SCAN(OP, PROD, T, SUF)                                                                 \
  extern "C" __global__ void scan_lines_##OP##_##SUF(const T* x, T* out, i64 outer, i64 n,     \
                                                      i64 inner, int exclusive, int reverse) { \
    scan_lines<T, PROD>(x, out, outer, n, inner, exclusive, reverse);                          \
  }                                                                                            \
  extern "C" __global__ void __launch_bounds__(256)                                            \
      scan_chunks_##OP##_##SUF(const T* x, T* out, i64 outer, i64 n, i64 inner, int exclusive, \
                               int reverse) {                                                  \
    scan_chunks<T, PROD>(x, out, outer, n, inner, exclusive, reverse);                         \
  }
#define SCAN_TYPES(OP, PROD) \
  SCAN(OP, PROD, float, f32) \
  SCAN(OP, PROD, double, f64) \
  SCAN(OP, PROD, int, i32)   \
  SCAN(OP, PROD, i64, i64)
SCAN_TYPES(sum, false)
SCAN_TYPES(prod, true)

extern "C" __global__ void where_coords_b8(const bool* __restrict__ mask,
                                           const i64* __restrict__ upto, i64* __restrict__ coords,
                                           i64 n, int rank, const i64* __restrict__ shape) {
  GRID_STRIDE(i, n) {
    if (!mask[i]) continue;
    i64* row = coords + (upto[i] - 1) * rank;
    i64 rest = i;
    for (int d = rank - 1; d >= 0; --d) {
      row[d] = rest % shape[d];
      rest /= shape[d];
    }
  }
}

// Sorting: each line of n values is copied with its indices into a padded line of
// P = 2^p (key, index) pairs and put in order by a bitonic network, one launch per step;
// the order compares keys, then indices, so it is total (stable and deterministic) and
// padding (the largest key, or the smallest when descending, with indices >= n) goes last.
//   sort_init_<dt>(x, keys, idx, lines, n, P, descending)
//   sort_step_<dt>(keys, idx, lines, P, j, k, descending)
//   sort_take_i32(idx, out, lines, n, P): the first n indices of each padded line
template <typename T>
__device__ __forceinline__ bool sort_before(T ka, int ia, T kb, int ib, int descending) {
  if (ka == kb) return ia < ib;
  return descending ? ka > kb : ka < kb;
}

#define SORT(T, SUF)                                                                          \
  extern "C" __global__ void sort_init_##SUF(const T* __restrict__ x, T* __restrict__ keys,   \
                                             int* __restrict__ idx, i64 lines, i64 n, i64 P,  \
                                             int descending) {                                \
    GRID_STRIDE(t, lines * P) {                                                               \
      const i64 line = t / P, i = t % P;                                                      \
      keys[t] = i < n ? x[line * n + i] : (descending ? tf0_lowest<T>() : tf0_highest<T>()); \
      idx[t] = (int)i;                                                                        \
    }                                                                                         \
  }                                                                                           \
  extern "C" __global__ void sort_step_##SUF(T* __restrict__ keys, int* __restrict__ idx,     \
                                             i64 lines, i64 P, i64 j, i64 k, int descending) {\
    GRID_STRIDE(t, lines * P) {                                                               \
      const i64 i = t % P, partner = i ^ j;                                                   \
      if (partner <= i) continue;                                                             \
      const i64 a = t, b = t - i + partner;                                                   \
      const bool up = (i & k) == 0;                                                           \
      const bool swap = up ? sort_before(keys[b], idx[b], keys[a], idx[a], descending)        \
                           : sort_before(keys[a], idx[a], keys[b], idx[b], descending);       \
      if (swap) {                                                                             \
        const T kt = keys[a];                                                                 \
        keys[a] = keys[b];                                                                    \
        keys[b] = kt;                                                                         \
        const int it = idx[a];                                                                \
        idx[a] = idx[b];                                                                      \
        idx[b] = it;                                                                          \
      }                                                                                       \
    }                                                                                         \
  }
SORT(float, f32)
SORT(double, f64)
SORT(int, i32)
SORT(i64, i64)

extern "C" __global__ void sort_take_i32(const int* __restrict__ idx, int* __restrict__ out,
                                     i64 lines, i64 n, i64 P) {
  GRID_STRIDE(t, lines * n) out[t] = idx[(t / n) * P + t % n];
}
