#include "store/huge_page_arena.h"

#include "graph/huge_pages.h"

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace kg::store {
namespace {

// Every block starts with this header; the caller's pointer is 16 bytes in,
// so it keeps malloc's 16-byte alignment (class sizes are multiples of 64).
struct Header {
  uint32_t magic;
  int32_t cls;    // size class, or -1 for a block over kMaxClassBytes
  uint64_t size;  // bytes of a large block's allocation (header included)
};
static_assert(sizeof(Header) == 16);
constexpr uint32_t kMagic = 0x6b674841;  // "kgHA"

}  // namespace

int HugePageArena::ClassOf(size_t bytes) {
  if (bytes <= 1024) return bytes == 0 ? 0 : static_cast<int>((bytes + 63) / 64 - 1);
  // 2^p < bytes <= 2^(p+1); four classes of 2^(p-2) bytes each.
  const int p = static_cast<int>(std::bit_width(bytes - 1)) - 1;
  const size_t step = size_t{1} << (p - 2);
  const size_t k = (bytes - (size_t{1} << p) + step - 1) / step;  // 1..4
  return 16 + (p - 10) * 4 + static_cast<int>(k) - 1;
}

size_t HugePageArena::ClassBytes(int cls) {
  if (cls < 16) return static_cast<size_t>(cls + 1) * 64;
  const int p = 10 + (cls - 16) / 4;
  const size_t k = static_cast<size_t>((cls - 16) % 4) + 1;
  return (size_t{1} << p) + k * (size_t{1} << (p - 2));
}

HugePageArena::~HugePageArena() {
  for (void* c : chunks_) UnmapHugeRange(c, kChunkBytes);
}

void* HugePageArena::NewChunkLocked() {
  void* chunk = MapHugeRange(kChunkBytes);  // graph/huge_pages.h
  if (chunk != nullptr) chunks_.push_back(chunk);
  return chunk;
}

void* HugePageArena::Allocate(size_t bytes) {
  if (bytes > SIZE_MAX - sizeof(Header) - kHugePageBytes) return nullptr;  // no size wraps around
  const size_t total = bytes + sizeof(Header);
  if (total > kMaxClassBytes) {
    // A large block on its own: from 2 MiB a fresh huge-page range (memory
    // malloc has touched before would keep its small pages).
    void* raw = nullptr;
    size_t alloc = total;
    if (total >= kHugePageBytes) {
      alloc = RoundToHugePages(total);
      raw = MapHugeRange(alloc);
    } else {
      raw = std::malloc(total);
    }
    if (raw == nullptr) return nullptr;
    auto* h = static_cast<Header*>(raw);
    *h = Header{kMagic, -1, alloc};
    std::lock_guard<std::mutex> lock(mu_);
    ++live_blocks_;
    large_bytes_ += alloc;
    return h + 1;
  }
  const int cls = ClassOf(total);
  std::lock_guard<std::mutex> lock(mu_);
  void* block = nullptr;
  if (FreeBlock* f = free_[cls]) {
    free_[cls] = f->next;
    block = f;
  } else {
    const size_t size = ClassBytes(cls);
    if (bump_ == nullptr || static_cast<size_t>(bump_end_ - bump_) < size) {
      // The rest of the old chunk (less than one block of this class) is
      // left unused: at most 1 MiB of every 8 MiB, usually far less.
      char* chunk = static_cast<char*>(NewChunkLocked());
      if (chunk == nullptr) return nullptr;
      bump_ = chunk;
      bump_end_ = chunk + kChunkBytes;
    }
    block = bump_;
    bump_ += size;
  }
  auto* h = static_cast<Header*>(block);
  *h = Header{kMagic, cls, 0};
  ++live_blocks_;
  return h + 1;
}

void HugePageArena::Deallocate(void* p) {
  if (p == nullptr) return;
  auto* h = static_cast<Header*>(p) - 1;
  std::lock_guard<std::mutex> lock(mu_);
  --live_blocks_;
  if (h->cls < 0) {
    large_bytes_ -= h->size;
    if (h->size >= kHugePageBytes) UnmapHugeRange(h, h->size);
    else std::free(h);
    return;
  }
  const int cls = h->cls;  // read before the free-list link overwrites it
  auto* f = reinterpret_cast<FreeBlock*>(h);
  f->next = free_[cls];
  free_[cls] = f;
}

size_t HugePageArena::UsableSize(const void* p) {
  const auto* h = static_cast<const Header*>(p) - 1;
  if (h->cls < 0) return h->size - sizeof(Header);
  return ClassBytes(h->cls) - sizeof(Header);
}

HugePageArena::Stats HugePageArena::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  Stats s;
  s.chunk_bytes = chunks_.size() * kChunkBytes;
  s.live_blocks = live_blocks_;
  s.large_bytes = large_bytes_;
  return s;
}

}  // namespace kg::store
