// Memory in transparent huge pages (2 MiB) for the lookup tables that the
// pipeline reads at random for every token.
//
// With 4 KiB pages, random lookups spread over a few MB miss the TLB on most
// accesses (and in a virtual machine each miss walks two page tables). On
// Linux with THP in `madvise` mode (the default of many distributions) only
// memory marked with madvise(MADV_HUGEPAGE) gets 2 MiB pages, and a huge page
// needs a 2 MiB-aligned range of its own, so:
//  - a block of 2 MiB or more gets its own 2 MiB-aligned, marked range;
//  - a smaller block of kHugePoolMin bytes or more is carved from a shared
//    pool of 2 MiB-aligned, marked chunks, so that many small tables (a few
//    hundred KB each: dictionaries, overflow tables, caches) share a few huge
//    pages instead of each taking 4 KiB pages in the malloc heap;
//  - tinier blocks come from operator new.
// Every block is 64-byte aligned. The pool keeps a count of live blocks per
// chunk and returns a chunk to the system when its last block is freed, so it
// holds what the loaded models hold (nothing grows with the input). It is
// meant for tables built once (a model load) and freed together; blocks
// freed one by one leave their space unused until the whole chunk is free
// (so a long-lived block, such as a thread's parse caches, can keep one
// chunk of an unloaded model's space: bounded by the live blocks, not the
// input).
// Thread-safe. Where madvise is missing or refuses, the memory works the same
// in small pages. Under AddressSanitizer (the fuzz build) every block comes
// from operator new instead, so that out-of-bounds reads are still caught.
#pragma once

#include <cstddef>
#include <vector>

#include "graph/huge_pages.h"

namespace kg::nlp {

using kg::kHugePageBytes;
inline constexpr size_t kHugePoolMin = 4096;

// `bytes` of memory, 64-byte aligned (2 MiB-aligned from 2 MiB on); throws
// std::bad_alloc. Free with FreeHuge and the same `bytes`.
void* AllocateHuge(size_t bytes);
void FreeHuge(void* p, size_t bytes);

// False under AddressSanitizer, where every block comes from operator new.
bool HugePagesInUse();

// Pool statistics, for tests: chunks held and blocks live in them.
struct HugePoolStats {
  size_t chunks = 0;
  size_t live_blocks = 0;
};
HugePoolStats HugePoolStatsNow();

// std::allocator-compatible front end (stateless: any two compare equal).
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding is implicit
  T* allocate(size_t n) { return static_cast<T*>(AllocateHuge(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { FreeHuge(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};
template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace kg::nlp
