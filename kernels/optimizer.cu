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
__device__ void centered_rmsprop(const T* var, const T* ms, const T* mg, const T* mom, const T* g,
                                 T* var_out, T* ms_out, T* mg_out, T* mom_out, i64 n, const T* lr,
                                 const T* decay, const T* momentum, const T* eps) {
  const T a = *lr, d = *decay, mo = *momentum, e = *eps;
  GRID_STRIDE(i, n) {
    const T gi = g[i];
    const T msi = d * ms[i] + (T(1) - d) * gi * gi;
    const T mgi = d * mg[i] + (T(1) - d) * gi;
    const T momi = mo * mom[i] + a * gi / sqrt(msi - mgi * mgi + e);
    ms_out[i] = msi;
    mg_out[i] = mgi;
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

// FTRL-Proximal (ApplyFtrlV2: the shrinkage term enters the linear update only).
template <typename T>
__device__ void ftrl(const T* var, const T* acc, const T* lin, const T* g, T* var_out,
                     T* acc_out, T* lin_out, i64 n, const T* lr, const T* l1, const T* l2,
                     const T* shrink, const T* lr_power) {
  const T a = *lr, r1 = *l1, r2 = *l2, s = *shrink, p = -*lr_power;
  GRID_STRIDE(i, n) {
    const T gi = g[i], vi = var[i], acci = acc[i];
    const T new_acc = acci + gi * gi;
    const T root_new = p == T(0.5) ? sqrt(new_acc) : pow(new_acc, p);
    const T root_old = p == T(0.5) ? sqrt(acci) : pow(acci, p);
    const T linear = lin[i] + gi + T(2) * s * vi - (root_new - root_old) / a * vi;
    const T quadratic = root_new / a + T(2) * r2;
    acc_out[i] = new_acc;
    lin_out[i] = linear;
    var_out[i] = fabs(linear) > r1 ? ((linear > T(0) ? r1 : -r1) - linear) / quadratic : T(0);
  }
}

// The proximal step: L1 soft threshold of prox by step * l1, then 1 / (1 + step * l2).
template <typename T>
__device__ __forceinline__ T proximal(T prox, T step, T l1, T l2) {
  const T sign = prox > T(0) ? T(1) : (prox < T(0) ? T(-1) : T(0));
  return sign / (T(1) + step * l2) * fmax(fabs(prox) - step * l1, T(0));
}

template <typename T>
__device__ void proximal_gradient_descent(const T* var, const T* g, T* var_out, i64 n,
                                          const T* lr, const T* l1, const T* l2) {
  const T a = *lr, r1 = *l1, r2 = *l2;
  GRID_STRIDE(i, n) var_out[i] = proximal(var[i] - a * g[i], a, r1, r2);
}

template <typename T>
__device__ void proximal_adagrad(const T* var, const T* acc, const T* g, T* var_out, T* acc_out,
                                 i64 n, const T* lr, const T* l1, const T* l2) {
  const T a = *lr, r1 = *l1, r2 = *l2;
  GRID_STRIDE(i, n) {
    const T gi = g[i];
    const T acci = acc[i] + gi * gi;
    const T step = a / sqrt(acci);
    acc_out[i] = acci;
    var_out[i] = proximal(var[i] - step * gi, step, r1, r2);
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
  extern "C" __global__ void apply_centered_rmsprop_##SUF(                                       \
      const T* var, const T* ms, const T* mg, const T* mom, const T* g, T* var_out, T* ms_out,   \
      T* mg_out, T* mom_out, i64 n, const T* lr, const T* decay, const T* momentum,             \
      const T* eps) {                                                                           \
    centered_rmsprop(var, ms, mg, mom, g, var_out, ms_out, mg_out, mom_out, n, lr, decay,       \
                     momentum, eps);                                                            \
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
  }                                                                                             \
  extern "C" __global__ void apply_ftrl_##SUF(const T* var, const T* acc, const T* lin,          \
                                              const T* g, T* var_out, T* acc_out, T* lin_out,   \
                                              i64 n, const T* lr, const T* l1, const T* l2,      \
                                              const T* shrink, const T* lr_power) {              \
    ftrl(var, acc, lin, g, var_out, acc_out, lin_out, n, lr, l1, l2, shrink, lr_power);        \
  }                                                                                             \
  extern "C" __global__ void apply_proximal_gradient_descent_##SUF(                              \
      const T* var, const T* g, T* var_out, i64 n, const T* lr, const T* l1, const T* l2) {      \
    proximal_gradient_descent(var, g, var_out, n, lr, l1, l2);                                  \
  }                                                                                             \
  extern "C" __global__ void apply_proximal_adagrad_##SUF(const T* var, const T* acc,           \
                                                          const T* g, T* var_out, T* acc_out,   \
                                                          i64 n, const T* lr, const T* l1,      \
                                                          const T* l2) {                        \
    proximal_adagrad(var, acc, g, var_out, acc_out, n, lr, l1, l2);                             \
  }
OPTIMIZERS(float, f32)
OPTIMIZERS(double, f64)
