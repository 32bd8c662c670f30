// Internal to store/: the Store's implementation object, shared by store.cpp
// (open, commit, corrections) and reader.cpp (views).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <rocksdb/db.h>

#include "store/records.h"
#include "store/store.h"

namespace kg::store {

Status FromRocks(const rocksdb::Status& s, std::string_view what);

// What every reader of one database state reads first (the counters'
// last seq, whether any entity was merged, the retractions). A RocksDB
// sequence number names one immutable state, so readers at the same sequence
// number share one copy instead of re-reading it (two iterators and a Get,
// a noticeable part of a short query).
struct ReaderState {
  uint64_t rocks_seq = 0;       // the RocksDB sequence number it was read at
  ArticleSeq last_seq = 0;
  bool no_redirects = false;    // no redirects rows: entity ids need no lookup
  std::map<ArticleSeq, ArticleSeq> retractions;  // article seq -> retraction seq
};

// A RocksDB iterator with an upper bound that can move: RocksDB keeps a
// pointer to the bound Slice given at creation (ReadOptions::
// iterate_upper_bound) and reads it at every step, so a prefix scan on a
// reused iterator sets `bound` before its Seek. The bound lets the table
// iterator stop at the end of the prefix without loading the next data
// block (a block-cache miss, often a decompression, per scan otherwise).
struct BoundedIter {
  std::string bound_key;        // the bytes `bound` points into
  rocksdb::Slice bound;         // at a fixed address: the iterator points here
  std::unique_ptr<rocksdb::Iterator> it;  // declared last: destroyed first
};

// What a reader leaves for the next one (Store::Impl::idle_scratch): its
// iterators, which read the state at `iters_seq`, and its index of predicate
// labels, which point into Store::Impl::pred_names (labels never change once
// written and that map's nodes never move). Handing these over as one object
// costs a reader two pointer swaps instead of a swap per column family and a
// locked label lookup per predicate per query.
struct ReaderScratch {
  uint64_t iters_seq = 0;
  std::vector<std::unique_ptr<BoundedIter>> iters[internal::kCfCount];
  std::vector<const std::string*> pred_by_id;  // null: not looked up yet
};

class Store::Impl {
 public:
  ~Impl();
  static uint64_t NextInstance() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1);
  }

  std::string path;
  // Unique per Impl in this process (Reader::state()); never 0.
  const uint64_t instance = NextInstance();
  OpenMode mode = OpenMode::kReadWrite;
  bool adjacency_reads = true;  // OpenOptions::adjacency_reads
  bool hub_chunk_reads = true;  // OpenOptions::hub_chunk_reads
  std::string secondary_dir;   // kReadOnly: the secondary instance's own directory
  std::unique_ptr<rocksdb::DB> db;
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> cfs;  // indexed by internal::Cf
  std::mutex write_mu;                 // one writer at a time
  internal::Counters counters;         // guarded by write_mu
  mutable std::atomic<int> live_readers{0};
  mutable std::mutex catch_up_mu;
  // kReadOnly, guarded by catch_up_mu: the writer's files as of the last
  // catch-up (see NewReader), and how many catch-ups NewReader did.
  mutable std::string primary_fingerprint;
  mutable uint64_t catch_ups = 0;
  // Predicate term id <-> label, filled by readers (terms never change).
  mutable std::mutex terms_mu;
  mutable std::unordered_map<internal::PredId, std::string> pred_names;
  mutable std::unordered_map<std::string, internal::PredId> pred_ids;

  // The ReaderState of the last reader made (see ReaderState).
  mutable std::mutex reader_state_mu;
  mutable std::shared_ptr<const ReaderState> reader_state;

  // Idle iterators handed back by readers that ended, all reading the state
  // at `idle_iters_seq` (guarded by idle_iters_mu). A RocksDB iterator reads
  // the state it was created at for its whole life, so a later reader at the
  // same sequence number (nothing written since) reads exactly what a fresh
  // iterator would: it takes these instead of creating its own, which cost
  // more than a short query's scans (a merging iterator over the memtables and
  // every level). A reader at another sequence number drops them, so they
  // pin old files and memtables only until the next read after a write.
  // They travel in the ReaderScratch of the last reader that ended.
  mutable std::mutex idle_iters_mu;
  mutable std::unique_ptr<ReaderScratch> idle_scratch;

  // Destroys the idle iterators (after a write).
  void DropIdleIterators() const;

  rocksdb::ColumnFamilyHandle* cf(internal::Cf c) const { return cfs[c].get(); }
};

// Makes the Reader for a view (reader.cpp).
std::unique_ptr<Reader> MakeReader(const Store::Impl& impl, const View& view);

}  // namespace kg::store
