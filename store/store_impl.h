// Internal to store/: the Store's implementation object, shared by store.cpp
// (open, commit, corrections) and reader.cpp (views).
#pragma once

#include <atomic>
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

class Store::Impl {
 public:
  ~Impl();

  std::string path;
  OpenMode mode = OpenMode::kReadWrite;
  std::string secondary_dir;   // kReadOnly: the secondary instance's own directory
  std::unique_ptr<rocksdb::DB> db;
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> cfs;  // indexed by internal::Cf
  std::mutex write_mu;                 // one writer at a time
  internal::Counters counters;         // guarded by write_mu
  mutable std::atomic<int> live_readers{0};
  mutable std::mutex catch_up_mu;
  // Predicate term id <-> label, filled by readers (terms never change).
  mutable std::mutex terms_mu;
  mutable std::unordered_map<internal::PredId, std::string> pred_names;
  mutable std::unordered_map<std::string, internal::PredId> pred_ids;

  rocksdb::ColumnFamilyHandle* cf(internal::Cf c) const { return cfs[c].get(); }
};

// Makes the Reader for a view (reader.cpp).
std::unique_ptr<Reader> MakeReader(const Store::Impl& impl, const View& view);

}  // namespace kg::store
