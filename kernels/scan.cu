// Cumulative sums and products along one axis (the coordinates of true elements and sorting
// are in sort.cu).
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
