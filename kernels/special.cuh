// Special functions the CUDA math library lacks, in double precision (ops/special_math.py
// holds the NumPy twins and the conventions at poles). Included by unary.cu and binary.cu.
#pragma once

#define TF0_SERIES_START 10.0  // step the argument up to here, then sum a series
#define TF0_ZETA_MIN_Q -1e5    // below this zeta would take too many steps: NaN

// psi(x): reflection for x < 0, upward recurrence, then
// ln z - 1/(2z) - sum_k B_2k / (2k z^2k).
__device__ double tf0_digamma(double x) {
  if (x <= 0.0 && x == floor(x)) return nan("");
  double result = 0.0;
  if (x < 0.0) {
    const double pi = 3.141592653589793;
    result = -pi / tan(pi * (x - floor(x)));
    x = 1.0 - x;
  }
  for (; x < TF0_SERIES_START; x += 1.0) result -= 1.0 / x;
  const double r = 1.0 / (x * x);
  const double series = r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (
      1.0 / 132 - r * (691.0 / 32760))))));
  return result + log(x) - 0.5 / x - series;
}

// Hurwitz zeta sum_k (q + k)^-s: terms up to q + k >= TF0_SERIES_START, then the
// Euler-Maclaurin tail with B_2j / (2j)!, j = 1..7.
__device__ double tf0_zeta(double s, double q) {
  if (s == 1.0) return __longlong_as_double(0x7ff0000000000000LL);
  if (!(s > 1.0) || q != q || q < TF0_ZETA_MIN_Q) return nan("");
  if (q <= 0.0) {
    if (q == floor(q)) return __longlong_as_double(0x7ff0000000000000LL);
    if (s != floor(s)) return nan("");
  }
  double total = 0.0;
  for (; q < TF0_SERIES_START; q += 1.0) total += pow(q, -s);
  total += pow(q, 1.0 - s) / (s - 1.0) + 0.5 * pow(q, -s);
  const double tail[7] = {1.0 / 12, -1.0 / 720, 1.0 / 30240, -1.0 / 1209600, 1.0 / 47900160,
                          -691.0 / 1307674368000.0, 1.0 / 74724249600.0};
  double term = s * pow(q, -s - 1.0);
#pragma unroll
  for (int j = 0; j < 7; ++j) {
    total += tail[j] * term;
    term *= (s + 2 * j + 1) * (s + 2 * j + 2) / (q * q);
  }
  return total;
}
