// A small, portable, seedable random number generator for the evaluation tools.
//
// The standard library's distributions are implementation-defined (libstdc++ and libc++ give
// different numbers for the same engine), so the scene generator and the detector simulator use
// their own: xoshiro256** seeded through SplitMix64, and explicit formulas for every
// distribution. Same seed, same numbers, on every platform with IEEE doubles and the same libm.
// An Rng is a value type, cheap to copy; it is not thread safe (use one per thread or per item).
#pragma once

#include <cmath>
#include <cstdint>

namespace georune::eval {

// SplitMix64 step: a good 64-bit mixer, used to derive independent seeds.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A seed for item `index` of a stream seeded with `seed` (e.g. one image of a generated archive).
inline uint64_t DeriveSeed(uint64_t seed, uint64_t index, uint64_t stream = 0) {
  uint64_t s = seed ^ (0xD1B54A32D192ED03ull * (stream + 1));
  uint64_t a = SplitMix64(s);
  s = a ^ (index * 0x9E3779B97F4A7C15ull);
  SplitMix64(s);
  return SplitMix64(s);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = SplitMix64(seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [lo, hi] (inclusive); lo <= hi.
  int64_t Int(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(span == 0 ? Next() : Next() % span);
  }
  bool Bernoulli(double p) { return Uniform() < p; }
  // Standard normal (Box–Muller, one value per call).
  double Normal() {
    double u1 = Uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double Normal(double mean, double sd) { return mean + sd * Normal(); }
  // Log-normal with the given median and log-space standard deviation.
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }
  // Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted).
  double Gamma(double shape) {
    if (shape < 1.0) {
      double u = Uniform();
      if (u < 1e-300) u = 1e-300;
      return Gamma(shape + 1.0) * std::pow(u, 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = Normal();
        v = 1.0 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const double u = Uniform();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (u > 0 && std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }
  // Beta(a, b) in [0, 1].
  double Beta(double a, double b) {
    const double x = Gamma(a), y = Gamma(b);
    return x + y > 0 ? x / (x + y) : 0.5;
  }
  // Poisson(mean) by inversion (small means) or a rounded normal (mean > 60).
  int64_t Poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 60) {
      const double v = std::floor(Normal(mean, std::sqrt(mean)) + 0.5);
      return v < 0 ? 0 : static_cast<int64_t>(v);
    }
    const double limit = std::exp(-mean);
    double p = Uniform();
    int64_t k = 0;
    while (p > limit) {
      p *= Uniform();
      ++k;
    }
    return k;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace georune::eval
