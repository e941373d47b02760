// Softmax family along the last axis of a [rows, cols] view, one block per row, fused and
// numerically stable (an online max/sum pass, then one pass that writes). Deterministic:
// the reduction order depends only on the shape.
//   softmax_<dt>(x, y, rows, cols, log)                  log = 1: log_softmax
//   softmax_xent_<dt>(logits, labels, loss, backprop, rows, cols)
//   softmax_xent_cached_<dt>(...): the same for rows of whole 16-byte packs, at most
//     XENT_PACKS per thread (8192 floats or 4096 doubles with 256 threads)
//   sparse_softmax_xent_<dt>_<it>(logits, labels, loss, backprop, rows, cols, err, id)
#include "common.cuh"

template <typename T> struct MaxSum { T m, s; };

// exp for arguments <= 0 (shifted logits): the fast hardware path for float.
__device__ __forceinline__ float exp_shifted(float x) { return __expf(x); }
__device__ __forceinline__ double exp_shifted(double x) { return exp(x); }
struct SumOp { template <typename T> __device__ T operator()(T a, T b) const { return a + b; } };

// Merge two (running max, sum of exp(x - max)) pairs.
template <typename T>
__device__ __forceinline__ MaxSum<T> merge(MaxSum<T> a, MaxSum<T> b) {
  if (a.m < b.m) { MaxSum<T> t = a; a = b; b = t; }
  if (b.m == tf0_lowest<T>()) return a;
  return {a.m, a.s + b.s * exp_shifted(b.m - a.m)};
}

// Add one value to a running (max, sum of exp(x - max)): one exp per value.
template <typename T>
__device__ __forceinline__ void push(MaxSum<T>& acc, T v) {
  if (v > acc.m) {
    acc.s = acc.s * exp_shifted(acc.m - v) + T(1);
    acc.m = v;
  } else {
    acc.s += exp_shifted(v - acc.m);
  }
}

template <typename T>
__device__ MaxSum<T> row_max_sum(const T* row, i64 cols) {
  constexpr int V = 16 / sizeof(T);
  MaxSum<T> acc{tf0_lowest<T>(), T(0)};
  if (cols % V == 0 && aligned16(row)) {  // vector loads
    const Pack<T>* packs = reinterpret_cast<const Pack<T>*>(row);
    for (i64 j = threadIdx.x; j < cols / V; j += blockDim.x) {
      const Pack<T> p = packs[j];
#pragma unroll
      for (int k = 0; k < V; ++k) push(acc, p.v[k]);
    }
  } else {
    for (i64 j = threadIdx.x; j < cols; j += blockDim.x) push(acc, row[j]);
  }
  __shared__ T sm[32], ss[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int off = 16; off > 0; off >>= 1)
    acc = merge(acc, MaxSum<T>{__shfl_down_sync(0xffffffffu, acc.m, off),
                               __shfl_down_sync(0xffffffffu, acc.s, off)});
  __syncthreads();
  if (lane == 0) { sm[warp] = acc.m; ss[warp] = acc.s; }
  __syncthreads();
  if (warp == 0) {
    const int nwarps = (blockDim.x + 31) >> 5;
    acc = lane < nwarps ? MaxSum<T>{sm[lane], ss[lane]} : MaxSum<T>{tf0_lowest<T>(), T(0)};
    for (int off = 16; off > 0; off >>= 1)
      acc = merge(acc, MaxSum<T>{__shfl_down_sync(0xffffffffu, acc.m, off),
                                 __shfl_down_sync(0xffffffffu, acc.s, off)});
    if (lane == 0) { sm[0] = acc.m; ss[0] = acc.s; }
  }
  __syncthreads();
  return MaxSum<T>{sm[0], ss[0]};
}

template <typename T>
__device__ void softmax_impl(const T* __restrict__ x, T* __restrict__ y, i64 rows, i64 cols, int log_out) {
  for (i64 r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* row = x + r * cols;
    const MaxSum<T> ms = row_max_sum(row, cols);
    const T log_sum = log(ms.s);
    for (i64 j = threadIdx.x; j < cols; j += blockDim.x) {
      const T shifted = row[j] - ms.m;
      y[r * cols + j] = log_out ? shifted - log_sum : exp_shifted(shifted) / ms.s;
    }
  }
}

struct MaxOp { template <typename T> __device__ T operator()(T a, T b) const { return max(a, b); } };

// block_reduce's result in every thread of the block.
template <typename T, typename Op>
__device__ __forceinline__ T block_all_reduce(T v, Op op, T identity) {
  __shared__ T result;
  v = block_reduce(v, op, identity);
  if (threadIdx.x == 0) result = v;
  __syncthreads();
  v = result;
  __syncthreads();  // result may be rewritten by the next call
  return v;
}

// Rows of at most XENT_PACKS 16-byte packs per thread: each thread loads its packs of the
// row and of its labels once, into registers, before any reduction (every load in flight
// at once), and max, sum of exponentials, loss and backprop are computed from there: the
// logits are read once instead of twice.
constexpr int XENT_PACKS = 8;
template <typename T>
__device__ void xent_cached(const T* __restrict__ x, const T* __restrict__ labels,
                            T* __restrict__ loss, T* __restrict__ backprop, i64 rows, i64 cols) {
  constexpr int V = 16 / sizeof(T);
  const int packs = (int)(cols / V);
  for (i64 r = blockIdx.x; r < rows; r += gridDim.x) {
    const Pack<T>* xp = reinterpret_cast<const Pack<T>*>(x + r * cols);
    const Pack<T>* lp = reinterpret_cast<const Pack<T>*>(labels + r * cols);
    Pack<T> xv[XENT_PACKS], lv[XENT_PACKS];
    T m = tf0_lowest<T>();
#pragma unroll
    for (int p = 0; p < XENT_PACKS; ++p) {
      const int j = threadIdx.x + p * blockDim.x;
      if (j < packs) {
        xv[p] = xp[j];
        lv[p] = lp[j];
      }
    }
#pragma unroll
    for (int p = 0; p < XENT_PACKS; ++p)
      if (threadIdx.x + p * blockDim.x < packs)
#pragma unroll
        for (int k = 0; k < V; ++k) m = max(m, xv[p].v[k]);
    m = block_all_reduce(m, MaxOp(), tf0_lowest<T>());
    T s = T(0);
#pragma unroll
    for (int p = 0; p < XENT_PACKS; ++p)
      if (threadIdx.x + p * blockDim.x < packs)
#pragma unroll
        for (int k = 0; k < V; ++k) s += exp_shifted(xv[p].v[k] - m);
    const T lse = m + log(block_all_reduce(s, SumOp(), T(0)));
    T acc = T(0);
    Pack<T>* bp = reinterpret_cast<Pack<T>*>(backprop + r * cols);
#pragma unroll
    for (int p = 0; p < XENT_PACKS; ++p) {
      const int j = threadIdx.x + p * blockDim.x;
      if (j < packs) {
        Pack<T> out;
#pragma unroll
        for (int k = 0; k < V; ++k) {
          acc += lv[p].v[k] * (lse - xv[p].v[k]);
          out.v[k] = exp_shifted(xv[p].v[k] - lse) - lv[p].v[k];
        }
        bp[j] = out;
      }
    }
    acc = block_reduce(acc, SumOp(), T(0));
    if (threadIdx.x == 0) loss[r] = acc;
  }
}

// loss[r] = sum_j labels * (lse - x); backprop = softmax - labels.
template <typename T>
__device__ void xent_impl(const T* __restrict__ x, const T* __restrict__ labels, T* __restrict__ loss,
                          T* __restrict__ backprop, i64 rows, i64 cols) {
  for (i64 r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* row = x + r * cols;
    const MaxSum<T> ms = row_max_sum(row, cols);
    const T lse = ms.m + log(ms.s);
    T acc = T(0);
    constexpr int V = 16 / sizeof(T);
    if (cols % V == 0 && aligned16(x) && aligned16(labels) && aligned16(backprop)) {
      const Pack<T>* xp = reinterpret_cast<const Pack<T>*>(row);
      const Pack<T>* lp = reinterpret_cast<const Pack<T>*>(labels + r * cols);
      Pack<T>* bp = reinterpret_cast<Pack<T>*>(backprop + r * cols);
      for (i64 j = threadIdx.x; j < cols / V; j += blockDim.x) {
        const Pack<T> xv = xp[j], lv = lp[j];
        Pack<T> out;
#pragma unroll
        for (int k = 0; k < V; ++k) {
          acc += lv.v[k] * (lse - xv.v[k]);
          out.v[k] = exp_shifted(xv.v[k] - lse) - lv.v[k];
        }
        bp[j] = out;
      }
    } else {
      for (i64 j = threadIdx.x; j < cols; j += blockDim.x) {
        const T lab = labels[r * cols + j], v = row[j];
        acc += lab * (lse - v);
        backprop[r * cols + j] = exp_shifted(v - lse) - lab;
      }
    }
    acc = block_reduce(acc, SumOp(), T(0));
    if (threadIdx.x == 0) loss[r] = acc;
  }
}

template <typename T, typename I>
__device__ void sparse_xent_impl(const T* __restrict__ x, const I* __restrict__ labels, T* __restrict__ loss,
                                 T* __restrict__ backprop, i64 rows, i64 cols, int* err, int id) {
  for (i64 r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* row = x + r * cols;
    const MaxSum<T> ms = row_max_sum(row, cols);
    const T lse = ms.m + log(ms.s);
    const i64 label = (i64)labels[r];
    const bool bad = label < 0 || label >= cols;
    for (i64 j = threadIdx.x; j < cols; j += blockDim.x)
      backprop[r * cols + j] = exp_shifted(row[j] - lse) - (j == label ? T(1) : T(0));
    if (threadIdx.x == 0) {
      if (bad) atomicCAS(err, 0, id);
      loss[r] = bad ? T(0) : lse - row[label];
    }
  }
}

#define NN(T, SUF)                                                                            \
  extern "C" __global__ void softmax_##SUF(const T* x, T* y, i64 rows, i64 cols, int log_out) { \
    softmax_impl<T>(x, y, rows, cols, log_out);                                               \
  }                                                                                           \
  extern "C" __global__ void softmax_xent_##SUF(const T* x, const T* labels, T* loss, T* backprop, \
                                                i64 rows, i64 cols) {                         \
    xent_impl<T>(x, labels, loss, backprop, rows, cols);                                      \
  }                                                                                           \
  extern "C" __global__ void softmax_xent_cached_##SUF(const T* x, const T* labels, T* loss,    \
                                                       T* backprop, i64 rows, i64 cols) {     \
    xent_cached<T>(x, labels, loss, backprop, rows, cols);                                    \
  }                                                                                           \
  extern "C" __global__ void sparse_softmax_xent_##SUF##_i32(const T* x, const int* labels,     \
                                                             T* loss, T* backprop, i64 rows,  \
                                                             i64 cols, int* err, int id) {    \
    sparse_xent_impl<T, int>(x, labels, loss, backprop, rows, cols, err, id);                 \
  }                                                                                           \
  extern "C" __global__ void sparse_softmax_xent_##SUF##_i64(const T* x, const i64* labels,     \
                                                             T* loss, T* backprop, i64 rows,  \
                                                             i64 cols, int* err, int id) {    \
    sparse_xent_impl<T, i64>(x, labels, loss, backprop, rows, cols, err, id);                 \
  }
NN(float, f32)
NN(double, f64)
