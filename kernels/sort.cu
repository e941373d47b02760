// The coordinates of the true elements of a boolean array, and sorting along the last axis
// (launch_scan.py).
//   where_coords_b8(mask, upto, coords, n, rank, shape): for each true mask[i] (of n,
//     contiguous), its row-major coordinates in `shape` written to row upto[i] - 1 of
//     coords [count, rank] (`upto`: inclusive cumulative count of true elements).
#include "common.cuh"

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
