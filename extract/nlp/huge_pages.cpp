#include "extract/nlp/huge_pages.h"

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>

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

// A 2 MiB-aligned range of `bytes` (a multiple of 2 MiB), fresh and marked
// for huge pages (graph/huge_pages.h).
void* HugeRange(size_t bytes) {
  void* p = MapHugeRange(bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
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
        UnmapHugeRange(c.base, kHugePageBytes);
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
  return HugeRange(RoundToHugePages(bytes));
}

void FreeHuge(void* p, size_t bytes) {
  if (p == nullptr) return;
  if (kPlainAllocations || bytes < kHugePoolMin)
    ::operator delete (p, std::align_val_t{kAlign});
  else if (bytes < kHugePageBytes)
    ThePool().Free(p, bytes);
  else
    UnmapHugeRange(p, RoundToHugePages(bytes));
}

HugePoolStats HugePoolStatsNow() { return ThePool().Stats(); }

bool HugePagesInUse() { return !kPlainAllocations; }

}  // namespace kg::nlp
