// Random draws whose sequence is the same on every platform: mt19937_64 (its
// output the C++ standard fixes) with our own uniform, integer and normal
// draws on top, since the standard's distributions differ between libraries.
// Normal draws go through log, sqrt and cos, which glibc rounds the same on
// every x86-64 and arm64 machine; docs/data.md says what that means elsewhere.
#pragma once
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace bpv {

// Uniform in [0, 1) from the top 53 bits.
inline double unit_uniform(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

inline double uniform_between(std::mt19937_64& rng, double low, double high) {
  return low + (high - low) * unit_uniform(rng);
}

// Uniform in [0, n), n ≥ 1, without modulo bias (rejection of the top sliver).
inline std::uint64_t uniform_index(std::mt19937_64& rng, std::uint64_t n) {
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
  std::uint64_t x = rng();
  while (x >= limit) x = rng();
  return x % n;
}

// Box–Muller, written out so the sequence is fixed everywhere.
inline double standard_normal(std::mt19937_64& rng) {
  const double u1 = 1.0 - unit_uniform(rng);  // (0, 1]
  const double u2 = unit_uniform(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// splitmix64: one well-mixed 64-bit value from a seed and a counter, so that
// independent streams (a layer's weights, an epoch's shuffle) come from one seed.
inline std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t counter) {
  std::uint64_t x = seed ^ (0x9E3779B97F4A7C15ull * (counter + 1));
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace bpv
