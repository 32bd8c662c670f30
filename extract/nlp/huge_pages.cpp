#include "extract/nlp/huge_pages.h"

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace kg::nlp {

namespace {

constexpr size_t kAlign = 64;

// Under AddressSanitizer every block comes from operator new, so that reads
// past a table's end are still caught (inside a pool chunk they would not be).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPlainAllocations = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kPlainAllocations = true;
#else
constexpr bool kPlainAllocations = false;
#endif
#else
constexpr bool kPlainAllocations = false;
#endif

// A 2 MiB-aligned range of `bytes` (a multiple of 2 MiB), marked for huge
// pages. On Linux it is mapped fresh: memory the malloc heap has touched
// before would keep its 4 KiB pages after madvise (until khugepaged merges
// them, if ever); fresh memory gets a huge page at its first touch.
void* HugeRange(size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  void* m = mmap(nullptr, bytes + kHugePageBytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) throw std::bad_alloc();
  // Keep the 2 MiB-aligned `bytes` inside the mapping, unmap the rest.
  const auto start = reinterpret_cast<uintptr_t>(m);
  const uintptr_t aligned = (start + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  if (aligned > start) munmap(m, aligned - start);
  const uintptr_t end = start + bytes + kHugePageBytes;
  if (end > aligned + bytes)
    munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
  void* p = reinterpret_cast<void*>(aligned);
  madvise(p, bytes, MADV_HUGEPAGE);  // a hint: failure only costs speed
  return p;
#else
  void* p = std::aligned_alloc(kHugePageBytes, bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
#endif
}

void FreeRange(void* p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  munmap(p, bytes);
#else
  (void)bytes;
  std::free(p);
#endif
}

size_t RoundToHuge(size_t bytes) {
  return (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
}

// Chunks of one huge page, each with a bump pointer and a count of live
// blocks. The chunk of a block is its address rounded down to 2 MiB.
class Pool {
 public:
  void* Allocate(size_t bytes) {
    bytes = (bytes + kAlign - 1) & ~(kAlign - 1);
    std::lock_guard<std::mutex> lock(mu_);
    // First fit over the chunks' free tails: the tables of one model load
    // fill the chunks in order and leave few gaps.
    for (Chunk& c : chunks_) {
      if (kHugePageBytes - c.used >= bytes) return Take(c, bytes);
    }
    chunks_.push_back(Chunk{static_cast<char*>(HugeRange(kHugePageBytes)), 0, 0});
    return Take(chunks_.back(), bytes);
  }

  void Free(void* p, size_t bytes) {
    bytes = (bytes + kAlign - 1) & ~(kAlign - 1);
    char* base = reinterpret_cast<char*>(reinterpret_cast<uintptr_t>(p) & ~(kHugePageBytes - 1));
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < chunks_.size(); ++i) {
      Chunk& c = chunks_[i];
      if (c.base != base) continue;
      // The chunk's last block gives its space back (a vector that grows
      // right after it was allocated); other space waits for the whole chunk.
      if (static_cast<char*>(p) + bytes == c.base + c.used) c.used -= bytes;
      if (--c.live == 0) {
        FreeRange(c.base, kHugePageBytes);
        chunks_[i] = chunks_.back();
        chunks_.pop_back();
      }
      return;
    }
  }

  HugePoolStats Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    HugePoolStats s;
    s.chunks = chunks_.size();
    for (const Chunk& c : chunks_) s.live_blocks += c.live;
    return s;
  }

 private:
  struct Chunk {
    char* base;
    size_t used;  // bytes from base handed out (a bump pointer)
    size_t live;  // blocks not freed yet
  };
  static void* Take(Chunk& c, size_t bytes) {
    void* p = c.base + c.used;
    c.used += bytes;
    ++c.live;
    return p;
  }
  std::mutex mu_;
  std::vector<Chunk> chunks_;
};

// Never destroyed: blocks may be freed by static or thread_local objects
// after any other static's destructor has run.
Pool& ThePool() {
  static Pool* pool = new Pool();
  return *pool;
}

}  // namespace

void* AllocateHuge(size_t bytes) {
  if (kPlainAllocations || bytes < kHugePoolMin)
    return ::operator new (bytes, std::align_val_t{kAlign});
  if (bytes < kHugePageBytes) return ThePool().Allocate(bytes);
  if (bytes > SIZE_MAX - kHugePageBytes) throw std::bad_alloc();
  return HugeRange(RoundToHuge(bytes));
}

void FreeHuge(void* p, size_t bytes) {
  if (p == nullptr) return;
  if (kPlainAllocations || bytes < kHugePoolMin)
    ::operator delete (p, std::align_val_t{kAlign});
  else if (bytes < kHugePageBytes)
    ThePool().Free(p, bytes);
  else
    FreeRange(p, RoundToHuge(bytes));
}

HugePoolStats HugePoolStatsNow() { return ThePool().Stats(); }

bool HugePagesInUse() { return !kPlainAllocations; }

}  // namespace kg::nlp
