// HugePageArena: the memory of the block cache (the data, index and filter
// blocks RocksDB reads from the files), carved from 2 MiB-aligned chunks
// that are marked for transparent huge pages.
//
// Why: a query that draws a new entity reads a few blocks the cache has not
// seen, and in a young process each new block lands on freshly mapped heap
// pages. With 4 KiB pages every new page costs a page fault (zeroing
// included) and later TLB misses; systems whose transparent-huge-page mode
// is `madvise` (the machine these goals are measured on) give 2 MiB pages
// only to memory that asks for them, and glibc's heap does not ask unless
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1 is set before the process starts.
// docs/query.md ("Huge pages for the block cache") has the measurements.
//
// Allocation sizes are rounded up to size classes (64-byte steps up to
// 1 KiB, then four classes per power of two up to 1 MiB); a freed block goes
// to its class's free list and is reused by the next allocation of that
// class, so memory is never returned to the system: the arena's footprint is
// the peak of what was live per class (the block cache's capacity bounds
// what is live). Blocks over 1 MiB (a large file's index or filter) are
// allocated one by one (from 2 MiB as a fresh huge-page range,
// graph/huge_pages.h) and freed at once.
//
// Thread-safe (one mutex; RocksDB may free a block from any thread).
// Pointers are 16-byte aligned. Chunks live until the arena is destroyed,
// which must be after every block was freed (in kg the arena is owned by the
// process-wide block cache and lives as long as the process).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace kg::store {

class HugePageArena {
 public:
  static constexpr size_t kChunkBytes = size_t{8} << 20;  // four huge pages
  static constexpr size_t kMaxClassBytes = size_t{1} << 20;

  HugePageArena() = default;
  ~HugePageArena();
  HugePageArena(const HugePageArena&) = delete;
  HugePageArena& operator=(const HugePageArena&) = delete;

  // At least `bytes` usable bytes (any size, 0 included); nullptr only when
  // the system is out of memory.
  void* Allocate(size_t bytes);
  // `p` from Allocate of this arena, or nullptr (ignored).
  void Deallocate(void* p);
  // The usable size of a block from Allocate (>= the size asked for).
  static size_t UsableSize(const void* p);

  struct Stats {
    size_t chunk_bytes = 0;  // mapped for the size classes
    size_t live_blocks = 0;  // allocated and not yet freed (all sizes)
    size_t large_bytes = 0;  // live blocks over kMaxClassBytes
  };
  Stats stats() const;

  // The size class of an allocation of `bytes` (header included) and that
  // class's size; exposed for tests.
  static int ClassOf(size_t bytes_with_header);
  static size_t ClassBytes(int cls);
  static constexpr int kNumClasses = 16 + 10 * 4;

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  void* NewChunkLocked();

  mutable std::mutex mu_;
  FreeBlock* free_[kNumClasses] = {};
  std::vector<void*> chunks_;
  char* bump_ = nullptr;  // next unused byte of the newest chunk
  char* bump_end_ = nullptr;
  size_t live_blocks_ = 0;
  size_t large_bytes_ = 0;
};

}  // namespace kg::store
