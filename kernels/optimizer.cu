// Fused optimizer updates, one kernel per variable and step (TF1's Apply* formulas).
// Out of place: the new variable and slot values go to fresh buffers, so a run that fails
// later changes nothing. Hyper-parameters are read from 0-d device arrays (no host sync).
// Arguments: current state..., grad, new state..., n, hyper-parameters...
#include "common.cuh"

template <typename T>
__device__ void gradient_descent(const T* var, const T* g, T* var_out, i64 n, const T* lr) {
  const T a = *lr;
  GRID_STRIDE(i, n) var_out[i] = var[i] - a * g[i];
}

template <typename T>
__device__ void momentum(const T* var, const T* acc, const T* g, T* var_out, T* acc_out, i64 n,
                         const T* lr, const T* mom, int nesterov) {
  const T a = *lr, m = *mom;
  GRID_STRIDE(i, n) {
    const T accum = m * acc[i] + g[i];
    acc_out[i] = accum;
    var_out[i] = var[i] - a * (nesterov ? g[i] + m * accum : accum);
  }
}

template <typename T>
__device__ void adam(const T* var, const T* m, const T* v, const T* g, T* var_out, T* m_out, T* v_out,
                     i64 n, const T* lr_t, const T* beta1, const T* beta2, const T* eps) {
  const T a = *lr_t, b1 = *beta1, b2 = *beta2, e = *eps;
  GRID_STRIDE(i, n) {
    const T gi = g[i];
    const T mi = b1 * m[i] + (T(1) - b1) * gi;
    const T vi = b2 * v[i] + (T(1) - b2) * gi * gi;
    m_out[i] = mi;
    v_out[i] = vi;
    var_out[i] = var[i] - a * mi / (sqrt(vi) + e);
  }
}

template <typename T>
__device__ void rmsprop(const T* var, const T* ms, const T* mom, const T* g, T* var_out, T* ms_out,
                        T* mom_out, i64 n, const T* lr, const T* decay, const T* momentum,
                        const T* eps) {
  const T a = *lr, d = *decay, mo = *momentum, e = *eps;
  GRID_STRIDE(i, n) {
    const T gi = g[i];
    const T msi = d * ms[i] + (T(1) - d) * gi * gi;
    const T momi = mo * mom[i] + a * gi / sqrt(msi + e);
    ms_out[i] = msi;
    mom_out[i] = momi;
    var_out[i] = var[i] - momi;
  }
}

template <typename T>
__device__ void adagrad(const T* var, const T* acc, const T* g, T* var_out, T* acc_out, i64 n,
                        const T* lr) {
  const T a = *lr;
  GRID_STRIDE(i, n) {
    const T gi = g[i];
    const T acci = acc[i] + gi * gi;
    acc_out[i] = acci;
    var_out[i] = var[i] - a * gi / sqrt(acci);
  }
}

template <typename T>
__device__ void adadelta(const T* var, const T* acc, const T* acc_up, const T* g, T* var_out,
                         T* acc_out, T* acc_up_out, i64 n, const T* lr, const T* rho,
                         const T* eps) {
  const T a = *lr, r = *rho, e = *eps;
  GRID_STRIDE(i, n) {
    const T gi = g[i];
    const T acci = r * acc[i] + (T(1) - r) * gi * gi;
    const T update = sqrt(acc_up[i] + e) / sqrt(acci + e) * gi;
    acc_out[i] = acci;
    acc_up_out[i] = r * acc_up[i] + (T(1) - r) * update * update;
    var_out[i] = var[i] - a * update;
  }
}

#define OPTIMIZERS(T, SUF)                                                                      \
  extern "C" __global__ void apply_gradient_descent_##SUF(const T* var, const T* g, T* var_out,  \
                                                          i64 n, const T* lr) {                 \
    gradient_descent(var, g, var_out, n, lr);                                                   \
  }                                                                                             \
  extern "C" __global__ void apply_momentum_##SUF(const T* var, const T* acc, const T* g,        \
                                                  T* var_out, T* acc_out, i64 n, const T* lr,   \
                                                  const T* mom, int nesterov) {                 \
    momentum(var, acc, g, var_out, acc_out, n, lr, mom, nesterov);                              \
  }                                                                                             \
  extern "C" __global__ void apply_adam_##SUF(const T* var, const T* m, const T* v, const T* g,  \
                                              T* var_out, T* m_out, T* v_out, i64 n,             \
                                              const T* lr_t, const T* b1, const T* b2,          \
                                              const T* eps) {                                   \
    adam(var, m, v, g, var_out, m_out, v_out, n, lr_t, b1, b2, eps);                            \
  }                                                                                             \
  extern "C" __global__ void apply_rmsprop_##SUF(const T* var, const T* ms, const T* mom,        \
                                                 const T* g, T* var_out, T* ms_out, T* mom_out, \
                                                 i64 n, const T* lr, const T* decay,            \
                                                 const T* momentum, const T* eps) {             \
    rmsprop(var, ms, mom, g, var_out, ms_out, mom_out, n, lr, decay, momentum, eps);            \
  }                                                                                             \
  extern "C" __global__ void apply_adagrad_##SUF(const T* var, const T* acc, const T* g,         \
                                                 T* var_out, T* acc_out, i64 n, const T* lr) {  \
    adagrad(var, acc, g, var_out, acc_out, n, lr);                                              \
  }                                                                                             \
  extern "C" __global__ void apply_adadelta_##SUF(const T* var, const T* acc, const T* acc_up,   \
                                                  const T* g, T* var_out, T* acc_out,           \
                                                  T* acc_up_out, i64 n, const T* lr,            \
                                                  const T* rho, const T* eps) {                 \
    adadelta(var, acc, acc_up, g, var_out, acc_out, acc_up_out, n, lr, rho, eps);               \
  }
OPTIMIZERS(float, f32)
OPTIMIZERS(double, f64)
