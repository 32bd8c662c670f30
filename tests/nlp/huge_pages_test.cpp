#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "extract/nlp/flat_map.h"
#include "extract/nlp/huge_pages.h"

using namespace kg::nlp;

namespace {

uintptr_t Addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

}  // namespace

TEST_CASE("huge pages: big blocks are 2 MiB-aligned and hold their values", "[nlp][model]") {
  const bool huge = HugePagesInUse();  // false under AddressSanitizer
  HugeVector<uint64_t> big(size_t{3} << 18);  // 6 MiB
  CHECK(Addr(big.data()) % (huge ? kHugePageBytes : 64) == 0);
  for (size_t i = 0; i < big.size(); ++i) big[i] = i * 7;
  HugeVector<uint64_t> copy = big;
  copy.resize(copy.size() + 1, 5);
  CHECK(Addr(copy.data()) % (huge ? kHugePageBytes : 64) == 0);
  CHECK(copy[12345] == 12345 * 7);
  CHECK(copy[big.size() - 1] == (big.size() - 1) * 7);
  CHECK(copy.back() == 5);
  HugeVector<uint32_t> tiny(10, 3);  // below kHugePoolMin: operator new
  CHECK(Addr(tiny.data()) % 64 == 0);
  CHECK(tiny[9] == 3);
}

TEST_CASE("huge pages: small tables share pooled 2 MiB chunks, keep their contents, and the chunks go back when freed",
          "[nlp][model]") {
  if (!HugePagesInUse()) return;  // AddressSanitizer: no pool
  const HugePoolStats before = HugePoolStatsNow();
  {
    // 40 tables of 100 KB to 450 KB (11 MB): several chunks, each table
    // inside one chunk, 64-byte aligned, none overlapping.
    std::vector<HugeVector<uint32_t>> tables;
    size_t total = 0, largest = 0;
    for (uint32_t t = 0; t < 40; ++t) {
      tables.emplace_back(25000 + 1000 * (t % 50) + 12500 * (t % 5), t);
      HugeVector<uint32_t>& v = tables.back();
      for (size_t i = 0; i < v.size(); i += 97) v[i] = t * 1000003u + static_cast<uint32_t>(i);
      total += v.size() * sizeof(uint32_t);
      largest = std::max(largest, v.size() * sizeof(uint32_t));
    }
    const HugePoolStats during = HugePoolStatsNow();
    CHECK(during.live_blocks == before.live_blocks + 40);
    // First fit leaves less than the largest table unused in each chunk.
    const size_t at_most = (total + kHugePageBytes - largest - 1) / (kHugePageBytes - largest);
    CHECK(during.chunks > before.chunks);
    CHECK(during.chunks <= before.chunks + at_most);
    for (uint32_t t = 0; t < 40; ++t) {
      const HugeVector<uint32_t>& v = tables[t];
      const uintptr_t first = Addr(v.data()), last = Addr(v.data() + v.size()) - 1;
      CHECK(first % 64 == 0);
      CHECK(first / kHugePageBytes == last / kHugePageBytes);  // one chunk
      for (size_t i = 0; i < v.size(); ++i) {
        const uint32_t want = i % 97 == 0 ? t * 1000003u + static_cast<uint32_t>(i) : t;
        if (v[i] != want) FAIL("table " << t << " index " << i << ": " << v[i] << " != " << want);
      }
    }
    // No two tables overlap (each was written with its own values above,
    // so an overlap would have shown there too).
    std::vector<std::pair<uintptr_t, uintptr_t>> spans;
    for (const auto& v : tables) spans.emplace_back(Addr(v.data()), Addr(v.data() + v.size()));
    std::sort(spans.begin(), spans.end());
    for (size_t i = 1; i < spans.size(); ++i) CHECK(spans[i - 1].second <= spans[i].first);
  }
  const HugePoolStats after = HugePoolStatsNow();
  CHECK(after.live_blocks == before.live_blocks);
  CHECK(after.chunks == before.chunks);  // every chunk these tables opened was returned
}

TEST_CASE("huge pages: a FlatMap64 built in the pool answers like the map it came from", "[nlp][model]") {
  const HugePoolStats before = HugePoolStatsNow();
  std::unordered_map<uint64_t, uint32_t> m;
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (uint32_t i = 0; i < 20000; ++i) {  // 64K slots of 16 bytes: a 1 MiB pooled block
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    m[x] = i;
  }
  {
    const FlatMap64<uint32_t> f(m);
    CHECK(f.size_bytes() == size_t{1} << 20);
    if (HugePagesInUse()) CHECK(HugePoolStatsNow().live_blocks == before.live_blocks + 1);
    for (const auto& [k, v] : m) {
      const uint32_t* got = f.Find(k);
      REQUIRE(got != nullptr);
      REQUIRE(*got == v);
    }
    uint64_t y = 12345;
    for (int i = 0; i < 1000; ++i) {
      y = y * 6364136223846793005ULL + 1;
      if (m.count(y) == 0) CHECK(f.Find(y) == nullptr);
    }
  }
  CHECK(HugePoolStatsNow().live_blocks == before.live_blocks);
}
