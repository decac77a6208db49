// Deterministic pseudo-random numbers for the data generator, internal to matching/generator/.
//
// Every value is fixed by this file alone: xoshiro256** seeded through SplitMix64, and our own
// integer and real distributions (std:: distributions are implementation-defined and differ
// between standard libraries). No libm call is made, so a seed gives the same bytes on every
// build. An Rng is cheap to create: each record family and index gets its own stream
// (Rng(seed, stream, index)), so records can be generated in any order.
//
// Thread safety: none; one Rng per thread.
#ifndef CALLMATCH_MATCHING_GENERATOR_RNG_H_
#define CALLMATCH_MATCHING_GENERATOR_RNG_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "absl/types/span.h"

namespace callmatch::matching::generator_internal {

// SplitMix64's output function (Steele, Lea and Flood 2014): a bijective 64-bit mixer.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  // The stream of (seed, stream, index): distinct triples give independent-looking sequences.
  Rng(uint64_t seed, uint64_t stream, uint64_t index) {
    uint64_t mix = seed;
    mix = SplitMix64(mix) ^ stream;
    mix = SplitMix64(mix) ^ index;
    for (uint64_t& word : s_) word = SplitMix64(mix);
  }

  // xoshiro256** 1.0 (Blackman and Vigna).
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

  // Uniform in [0, n); n > 0. Lemire's multiply-and-reject method: unbiased.
  uint64_t Below(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform in [lo, hi], both inclusive; lo <= hi.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform in [0, 1), 53 random bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // True with probability p.
  bool Chance(double p) { return Unit() < p; }

  // An index drawn with probability proportional to its weight; weights >= 0, sum > 0.
  size_t Weighted(absl::Span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double u = Unit() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (u < weights[i]) return i;
      u -= weights[i];
    }
    return weights.size() - 1;  // rounding at the very end
  }
  size_t Weighted(std::initializer_list<double> weights) {
    return Weighted(absl::MakeConstSpan(weights.begin(), weights.size()));
  }

  // One element of a non-empty span, uniformly.
  template <typename T>
  const T& Pick(absl::Span<const T> items) {
    return items[Below(items.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t s_[4];
};

}  // namespace callmatch::matching::generator_internal

#endif  // CALLMATCH_MATCHING_GENERATOR_RNG_H_
