// Opens a kg database directory with plain RocksDB, every column family
// included, so tests can write what an older or newer kg would have written.
// The handles are released before the database closes.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <rocksdb/db.h>

namespace kg::test {

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    rocksdb::DBOptions o;
    REQUIRE(rocksdb::DB::ListColumnFamilies(o, path, &names_).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    for (const auto& n : names_) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(o, path, descs, &handles_, &raw).ok());
    db_.reset(raw);
  }
  ~RawDb() {
    for (auto* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  rocksdb::DB* operator->() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(const std::string& name) const {
    auto it = std::find(names_.begin(), names_.end(), name);
    REQUIRE(it != names_.end());
    return handles_[static_cast<size_t>(it - names_.begin())];
  }

 private:
  std::vector<std::string> names_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB> db_;
};

// Every (key, value) of family `cf`, in key order.
inline std::map<std::string, std::string> ReadFamily(const RawDb& db, const std::string& cf) {
  std::map<std::string, std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), db.cf(cf)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) out[it->key().ToString()] = it->value().ToString();
  REQUIRE(it->status().ok());
  return out;
}

}  // namespace kg::test
