// Feature hashing helpers shared by the statistical models. Features are
// 64-bit keys built from a template id and hashed values; equal inputs give
// equal keys on every platform (no std::hash, whose values are unspecified).
#pragma once

#include <cstdint>
#include <string_view>

namespace kg::nlp {

inline constexpr uint64_t Mix64(uint64_t x) {
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

// Feature key for template `t` over values a, b, c. Never 0 (0 marks an empty
// slot in the weight tables).
inline constexpr uint64_t Feat(uint32_t t, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  uint64_t h = Mix64(a + 0x9e3779b97f4a7c15ULL * (t + 1));
  h = Mix64(h ^ (b + 0x632be59bd9b4e019ULL));
  h = Mix64(h ^ (c + 0x85ebca6b0f5e4c1dULL));
  return h == 0 ? 1 : h;
}

}  // namespace kg::nlp
