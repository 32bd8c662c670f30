// Fresh memory in transparent huge pages (2 MiB), for the tables that are
// read at random: the NLP models' lookup tables (extract/nlp/huge_pages.h)
// and the store's block cache (store/huge_page_arena.h) build on it. It lives
// in graph/, the one module both may include, and is header-only so that
// kg::nlp (which links nothing but the standard library) can use it.
//
// On Linux with THP in `madvise` mode only memory marked with
// madvise(MADV_HUGEPAGE) gets 2 MiB pages, and a huge page needs a 2
// MiB-aligned range of its own. The range is mapped fresh: memory the malloc
// heap has touched before keeps its 4 KiB pages after madvise (until
// khugepaged merges them, if ever), fresh memory gets a huge page at its
// first touch. Elsewhere the memory works the same in small pages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace kg {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

// `bytes` rounded up to a whole number of huge pages.
inline size_t RoundToHugePages(size_t bytes) {
  return (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
}

// A 2 MiB-aligned range of `bytes` (a multiple of kHugePageBytes), zeroed,
// marked for huge pages; nullptr when the system is out of memory. Release it
// with UnmapHugeRange and the same `bytes`. Thread-safe.
inline void* MapHugeRange(size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes > SIZE_MAX - kHugePageBytes) return nullptr;
  // Over-map by one huge page, keep the 2 MiB-aligned `bytes` inside, unmap
  // the rest.
  const size_t span = bytes + kHugePageBytes;
  void* m = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<uintptr_t>(m);
  const uintptr_t aligned = (start + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  if (aligned > start) munmap(m, aligned - start);
  const uintptr_t end = start + span;
  if (end > aligned + bytes) munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
  void* p = reinterpret_cast<void*>(aligned);
  madvise(p, bytes, MADV_HUGEPAGE);  // a hint: failure only costs speed
  return p;
#else
  void* p = std::aligned_alloc(kHugePageBytes, bytes);
  if (p != nullptr) std::memset(p, 0, bytes);
  return p;
#endif
}

inline void UnmapHugeRange(void* p, size_t bytes) {
  if (p == nullptr) return;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  munmap(p, bytes);
#else
  (void)bytes;
  std::free(p);
#endif
}

}  // namespace kg
