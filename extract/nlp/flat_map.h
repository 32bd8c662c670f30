// FlatMap64: a read-only open-addressing table from 64-bit hashed keys to
// small values, built once from a map. Lookups read one or two adjacent
// 16-byte slots in one array, where std::unordered_map reads a bucket array
// and then a heap node (two cache misses for tables that do not stay in the
// caches). The keys are hashes already (Mix64 outputs), so their low bits
// pick the slot. The array is in huge pages (huge_pages.h): the tagger's
// and lemmatizer's dictionaries are read at random for every token.
// Thread-safe for reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "extract/nlp/huge_pages.h"

namespace kg::nlp {

template <typename V>
class FlatMap64 {
 public:
  FlatMap64() = default;
  // Any map with uint64_t keys and values convertible to V.
  template <typename Map>
  explicit FlatMap64(const Map& m) {
    size_t cap = 16;
    while (cap < m.size() * 2) cap <<= 1;  // load at most 1/2
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    for (const auto& [key, value] : m) {
      if (key == 0) {
        has_zero_ = true;
        zero_ = static_cast<V>(value);
        continue;
      }
      size_t i = key & mask_;
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i] = Slot{key, static_cast<V>(value)};
    }
  }
  // The value of `key`, or nullptr. Valid as long as the map.
  const V* Find(uint64_t key) const {
    if (key == 0) return has_zero_ ? &zero_ : nullptr;
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == key) return &s.value;
      if (s.key == 0) return nullptr;
    }
  }
  void Prefetch(uint64_t key) const { __builtin_prefetch(&slots_[key & mask_]); }
  size_t size_bytes() const { return slots_.size() * sizeof(Slot); }

 private:
  struct Slot {
    uint64_t key = 0;  // 0 = empty
    V value{};
  };
  HugeVector<Slot> slots_{Slot{}};  // one empty slot: Find on a default map finds nothing
  size_t mask_ = 0;
  bool has_zero_ = false;
  V zero_{};
};

}  // namespace kg::nlp
