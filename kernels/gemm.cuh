// Matrix products C = op(A) @ op(B), tiled in shared memory with register blocking.
// Transposes are folded into the tile loads (coalesced either way); leading dims are batch
// dims addressed through per-operand batch strides (0 broadcasts an operand).
//   gemm_<tile>_<ta><tb>_<dt>(A, B, C, M, N, K, lda, ldb, ldc, sa, sb, sc, batch, k_split,
//                             relu)
// relu != 0 applies relu to each output as it is stored (a Relu fused into its product;
// unsplit products only).
// Each tile is a module of its own, kernels/matmul_<tile>.cu, so that they compile side by
// side (launch_matmul.TILES).
// The kernel: block tile BM x BN x BK with (BM/TM) * (BN/TN) threads, each
// computing a TM x TN sub-tile split into two halves (rows ty*TM/2.. and BM/2 + ty*TM/2..)
// so shared-memory reads are vectors without bank conflicts. The next K tile is loaded into
// registers while the current one is used.
// blockIdx.z = batch index * splits + split: with k_split < K, split s covers
// K range [s*k_split, (s+1)*k_split) and C points at a [splits, batch, M, N] workspace whose
// slices the launcher adds in a fixed order (deterministic split-K). Measured on an H200
// (run 15): adding them in the same launch, by the last block of each output tile to
// finish, made the seed step's split products 9.1 us against 5.9 with a reduction launch.
// Needs common.cuh first.
template <typename T, int N> struct alignas(sizeof(T) * N) Vec { T v[N]; };

template <typename T, int BM, int BN, int BK, int TM, int TN, bool TA, bool TB, bool VEC>
__device__ void gemm_tile(const T* __restrict__ A, const T* __restrict__ B, T* __restrict__ C, int M, int N,
                          int K, i64 lda, i64 ldb, i64 ldc, i64 sa, i64 sb, i64 sc, int batch,
                          int k_split, int relu) {
  constexpr int TX = BN / TN, THREADS = (BM / TM) * TX, PAD = 16 / sizeof(T);
  constexpr int HM = TM / 2, HN = TN / 2;
  constexpr int A_LOADS = BM * BK / THREADS, B_LOADS = BN * BK / THREADS;
  __shared__ __align__(16) T As[2][BK][BM + PAD];
  __shared__ __align__(16) T Bs[2][BK][BN + PAD];

  const int splits = (K + k_split - 1) / k_split > 0 ? (K + k_split - 1) / k_split : 1;
  const int bz = blockIdx.z, b = bz / splits, split = bz % splits;
  A += b * sa;
  B += b * sb;
  C += (i64)split * batch * M * N + b * sc;
  const int k_begin = split * k_split;
  const int k_end = min(K, k_begin + k_split);
  const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
  const int t = threadIdx.x, tx = t % TX, ty = t / TX;

  T a_reg[A_LOADS], b_reg[B_LOADS];
  // vector loads: element e of the tile is e = 4 * (t + l * THREADS) + j along the
  // operand's contiguous dimension
  auto load_vec = [&](int k0) {
#pragma unroll
    for (int l = 0; l < A_LOADS / 4; ++l) {
      const int e = 4 * (t + l * THREADS);
      const int m = TA ? e % BM : e / BK, k = TA ? e / BM : e % BK;
      const int gm = m0 + m, gk = k0 + k;
      Vec<T, 4> v{};
      if (gm < M && gk < k_end)
        v = *reinterpret_cast<const Vec<T, 4>*>(TA ? &A[(i64)gk * lda + gm] : &A[(i64)gm * lda + gk]);
#pragma unroll
      for (int j = 0; j < 4; ++j) a_reg[4 * l + j] = v.v[j];
    }
#pragma unroll
    for (int l = 0; l < B_LOADS / 4; ++l) {
      const int e = 4 * (t + l * THREADS);
      const int n = TB ? e / BK : e % BN, k = TB ? e % BK : e / BN;
      const int gn = n0 + n, gk = k0 + k;
      Vec<T, 4> v{};
      if (gn < N && gk < k_end)
        v = *reinterpret_cast<const Vec<T, 4>*>(TB ? &B[(i64)gn * ldb + gk] : &B[(i64)gk * ldb + gn]);
#pragma unroll
      for (int j = 0; j < 4; ++j) b_reg[4 * l + j] = v.v[j];
    }
  };
  auto store_vec = [&](int buf) {
#pragma unroll
    for (int l = 0; l < A_LOADS / 4; ++l) {
      const int e = 4 * (t + l * THREADS);
#pragma unroll
      for (int j = 0; j < 4; ++j)
        As[buf][TA ? e / BM : e % BK + j][TA ? e % BM + j : e / BK] = a_reg[4 * l + j];
    }
#pragma unroll
    for (int l = 0; l < B_LOADS / 4; ++l) {
      const int e = 4 * (t + l * THREADS);
#pragma unroll
      for (int j = 0; j < 4; ++j)
        Bs[buf][TB ? e % BK + j : e / BN][TB ? e / BK : e % BN + j] = b_reg[4 * l + j];
    }
  };
  auto load_scalar = [&](int k0) {
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int e = t + l * THREADS;
      const int m = TA ? e % BM : e / BK, k = TA ? e / BM : e % BK;
      const int gm = m0 + m, gk = k0 + k;
      a_reg[l] = (gm < M && gk < k_end) ? (TA ? A[(i64)gk * lda + gm] : A[(i64)gm * lda + gk]) : T(0);
    }
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int e = t + l * THREADS;
      const int n = TB ? e / BK : e % BN, k = TB ? e % BK : e / BN;
      const int gn = n0 + n, gk = k0 + k;
      b_reg[l] = (gn < N && gk < k_end) ? (TB ? B[(i64)gn * ldb + gk] : B[(i64)gk * ldb + gn]) : T(0);
    }
  };
  auto store_scalar = [&](int buf) {
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int e = t + l * THREADS;
      As[buf][TA ? e / BM : e % BK][TA ? e % BM : e / BK] = a_reg[l];
    }
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int e = t + l * THREADS;
      Bs[buf][TB ? e % BK : e / BN][TB ? e / BK : e % BN] = b_reg[l];
    }
  };

  auto load_tiles = [&](int k0) {
    if constexpr (VEC) load_vec(k0); else load_scalar(k0);
  };
  auto store_tiles = [&](int buf) {
    if constexpr (VEC) store_vec(buf); else store_scalar(buf);
  };

  T acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = T(0);

  int buf = 0;
  if (k_begin < k_end) {
    load_tiles(k_begin);
    store_tiles(0);
  }
  __syncthreads();
  for (int k0 = k_begin; k0 < k_end; k0 += BK) {
    const bool more = k0 + BK < k_end;
    if (more) load_tiles(k0 + BK);  // global loads in flight during the math below
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      T a[TM], bv[TN];
      const Vec<T, HM> a_lo = *reinterpret_cast<const Vec<T, HM>*>(&As[buf][k][ty * HM]);
      const Vec<T, HM> a_hi = *reinterpret_cast<const Vec<T, HM>*>(&As[buf][k][BM / 2 + ty * HM]);
      const Vec<T, HN> b_lo = *reinterpret_cast<const Vec<T, HN>*>(&Bs[buf][k][tx * HN]);
      const Vec<T, HN> b_hi = *reinterpret_cast<const Vec<T, HN>*>(&Bs[buf][k][BN / 2 + tx * HN]);
#pragma unroll
      for (int i = 0; i < HM; ++i) { a[i] = a_lo.v[i]; a[HM + i] = a_hi.v[i]; }
#pragma unroll
      for (int j = 0; j < HN; ++j) { bv[j] = b_lo.v[j]; bv[HN + j] = b_hi.v[j]; }
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] += a[i] * bv[j];
    }
    if (more) {
      store_tiles(buf ^ 1);
      buf ^= 1;
    }
    __syncthreads();
  }

  // relu as unary.cu computes it (NaN propagates: NaN <= 0 is false), so a fused one
  // matches bit for bit; only unsplit (the launcher applies it to the sum of the slices)
  // (a NaN floor when unclamped: one select per output, nothing for the compiler to
  // specialize, which would double this unrolled code)
  const T floor = relu && splits == 1 ? T(0) : T(nan(""));
#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int m = m0 + (i < HM ? ty * HM + i : BM / 2 + ty * HM + (i - HM));
    if (m >= M) continue;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int n = n0 + (j < HN ? tx * HN + j : BN / 2 + tx * HN + (j - HN));
      const T v = acc[i][j];
      if (n < N) C[(i64)m * ldc + n] = v <= floor ? T(0) : v;
    }
  }
}

#define GEMM(TILE, T, SUF, BM, BN, BK, TM, TN, TA, TB, TAB, VEC, MINB)                         \
  extern "C" __global__ void __launch_bounds__((BM / TM) * (BN / TN), MINB)                   \
      gemm_##TILE##_##TAB##_##SUF(const T* A, const T* B, T* C, int M, int N, int K, i64 lda,  \
                                  i64 ldb, i64 ldc, i64 sa, i64 sb, i64 sc, int batch,         \
                                  int k_split, int relu) {                                    \
    gemm_tile<T, BM, BN, BK, TM, TN, TA, TB, VEC>(A, B, C, M, N, K, lda, ldb, ldc, sa, sb, sc,\
                                             batch, k_split, relu);                           \
  }
// MINB: blocks per SM the register budget must allow
#define GEMM_ALL(TILE, T, SUF, BM, BN, BK, TM, TN, VEC, MINB)      \
  GEMM(TILE, T, SUF, BM, BN, BK, TM, TN, false, false, nn, VEC, MINB) \
  GEMM(TILE, T, SUF, BM, BN, BK, TM, TN, true, false, tn, VEC, MINB)  \
  GEMM(TILE, T, SUF, BM, BN, BK, TM, TN, false, true, nt, VEC, MINB)  \
  GEMM(TILE, T, SUF, BM, BN, BK, TM, TN, true, true, tt, VEC, MINB)
