// Feature hashing helpers shared by the statistical models. Features are
// 64-bit keys built from a template id and hashed values; equal inputs give
// equal keys on every platform (no std::hash, whose values are unspecified).
#pragma once

#include <cstdint>
#include <string_view>

namespace kg::nlp {

__attribute__((always_inline)) inline constexpr uint64_t Mix64(uint64_t x) {
  // splitmix64 finalizer: cheap and well distributed.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline uint64_t HashStr(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix64(h);
}

// HashStr(Lower(s)) (ASCII lower-casing, text_util.h) without building the
// lower-cased copy.
inline uint64_t HashLower(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c >= 'A' && c <= 'Z' ? c + 32 : c;
    h *= 0x100000001b3ULL;
  }
  return Mix64(h);
}

inline constexpr uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// Feature key for template `t` over values a, b, c (themselves hashes or small
// integers). One mixing round: this runs ~150 times per parsed token. Never 0
// (0 marks an empty slot in the weight tables).
__attribute__((always_inline)) inline constexpr uint64_t Feat(uint32_t t, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  const uint64_t h = Mix64((a * 0x9e3779b97f4a7c15ULL) ^ Rotl(b * 0xc2b2ae3d27d4eb4fULL, 21) ^
                           Rotl(c * 0x165667b19e3779f9ULL, 42) ^
                           (static_cast<uint64_t>(t) * 0xd6e8feb86659fd93ULL));
  return h == 0 ? 1 : h;
}

}  // namespace kg::nlp
