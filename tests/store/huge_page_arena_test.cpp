// HugePageArena: the block cache's memory (store/huge_page_arena.h).
#include "store/huge_page_arena.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

using kg::store::HugePageArena;

TEST_CASE("HugePageArena size classes cover every size up to 1 MiB with little waste", "[store][arena]") {
  int last = -1;
  for (size_t bytes = 1; bytes <= HugePageArena::kMaxClassBytes; bytes += (bytes < 4096 ? 1 : 97)) {
    const int cls = HugePageArena::ClassOf(bytes);
    REQUIRE(cls >= 0);
    REQUIRE(cls < HugePageArena::kNumClasses);
    REQUIRE(cls >= last);  // classes grow with the size
    last = cls;
    const size_t size = HugePageArena::ClassBytes(cls);
    REQUIRE(size >= bytes);
    REQUIRE(size % 64 == 0);
    // Waste: under 64 bytes below 1 KiB, under a quarter above.
    if (bytes > 1024) REQUIRE(size - bytes < bytes / 4 + 1);
    else REQUIRE(size - bytes < 64);
    if (cls > 0) REQUIRE(HugePageArena::ClassBytes(cls - 1) < bytes);  // the smallest class that fits
  }
  REQUIRE(HugePageArena::ClassOf(HugePageArena::kMaxClassBytes) == HugePageArena::kNumClasses - 1);
  REQUIRE(HugePageArena::ClassBytes(HugePageArena::kNumClasses - 1) == HugePageArena::kMaxClassBytes);
}

TEST_CASE("HugePageArena blocks are aligned, sized and keep their contents", "[store][arena]") {
  HugePageArena arena;
  std::mt19937 rng(7);
  std::vector<std::pair<unsigned char*, size_t>> live;
  const std::vector<size_t> sizes = {0, 1, 15, 16, 17, 1000, 4096, 4111, 5000, 65536, 1u << 20, (1u << 20) + 1,
                                     3u << 20};
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < 400; ++i) {
      const size_t n = i < sizes.size() ? sizes[i] : std::uniform_int_distribution<size_t>(0, 20000)(rng);
      auto* p = static_cast<unsigned char*>(arena.Allocate(n));
      REQUIRE(p != nullptr);
      REQUIRE(reinterpret_cast<uintptr_t>(p) % 16 == 0);
      REQUIRE(HugePageArena::UsableSize(p) >= n);
      std::memset(p, static_cast<int>(live.size() & 0xff), n);
      live.emplace_back(p, n);
    }
    // Free every other block, then check that none of the rest was touched.
    std::vector<std::pair<unsigned char*, size_t>> kept;
    for (size_t i = 0; i < live.size(); ++i) {
      if (i % 2 == 0) {
        arena.Deallocate(live[i].first);
      } else {
        kept.push_back(live[i]);
      }
    }
    live = kept;
    for (size_t i = 0; i < live.size(); ++i) {
      const auto [p, n] = live[i];
      for (size_t b = 0; b < n; b += 61) REQUIRE(p[b] == p[0]);
    }
    REQUIRE(arena.stats().live_blocks == live.size());
  }
  for (auto [p, n] : live) arena.Deallocate(p);
  REQUIRE(arena.stats().live_blocks == 0);
  REQUIRE(arena.stats().large_bytes == 0);
  arena.Deallocate(nullptr);  // ignored, like free(nullptr)
}

TEST_CASE("HugePageArena reuses freed blocks: memory follows what is live, not what was allocated", "[store][arena]") {
  HugePageArena arena;
  std::vector<void*> blocks;
  for (int i = 0; i < 4000; ++i) blocks.push_back(arena.Allocate(4096 + (i % 7) * 100));
  const size_t mapped = arena.stats().chunk_bytes;
  REQUIRE(mapped > 0);
  REQUIRE(mapped % HugePageArena::kChunkBytes == 0);
  // Churn like a full block cache: free one, read another of similar size.
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 4000; ++i) {
      arena.Deallocate(blocks[i]);
      blocks[i] = arena.Allocate(4096 + ((i + round) % 7) * 100);
      REQUIRE(blocks[i] != nullptr);
    }
  }
  REQUIRE(arena.stats().chunk_bytes == mapped);
  for (void* p : blocks) arena.Deallocate(p);
}
