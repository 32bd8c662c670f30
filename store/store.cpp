// Store: open/lock/version check, Commit, Retract and the user corrections.
// Every mutation is built in one WriteBatchWithIndex (so later steps of the
// same mutation read what earlier steps wrote) and written with a synced WAL
// write: an article is in the graph entirely or not at all.
#include "store/store.h"

#include "store/huge_page_arena.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/env.h>
#include <rocksdb/file_checksum.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/transaction_log.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include "graph/known_names.h"
#include "graph/resolve.h"
#include "store/store_impl.h"

namespace rocksdb {
// RocksDB's own reader of a MANIFEST: the live table files (by number) of the
// version the MANIFEST's first `manifest_file_size` bytes end with. Exported
// by librocksdb 7.8 but declared in util/file_checksum_helper.h of RocksDB's
// source tree, which librocksdb-dev does not install; this is its 7.8
// signature (a RocksDB without it fails to link, not silently).
Status GetFileChecksumsFromManifest(Env* src_env, const std::string& abs_path, uint64_t manifest_file_size,
                                    FileChecksumList* checksum_list);
}  // namespace rocksdb

namespace kg::store {

using namespace internal;  // NOLINT: internal key/record helpers of this module
namespace fs = std::filesystem;

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string m = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(m);
  if (s.IsBusy() || s.IsTryAgain()) return Status::Busy(m);
  if (s.IsIOError()) return Status::IoError(m);
  if (s.IsNotFound()) return Status::NotFound(m);
  return Status::Internal(m);
}

namespace {

constexpr const char* kPidFile = "kg-writer.pid";

std::string HexHash(std::string_view text) {
  // Two independent 64-bit FNV-1a style hashes: 128 bits, enough to call
  // equal text "the same article" without a crypto dependency.
  uint64_t h1 = 1469598103934665603ULL;
  uint64_t h2 = 0x9e3779b97f4a7c15ULL;
  for (unsigned char c : text) {
    h1 = (h1 ^ c) * 1099511628211ULL;
    h2 = (h2 ^ c) * 0x100000001b3ULL + 0x7f4a7c15ULL;
    h2 ^= h2 >> 29;
  }
  h1 ^= text.size();
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h1),
                static_cast<unsigned long long>(h2));
  return buf;
}

// The families a query reads block by block: the alias index (name lookup),
// entity records, and the three fact indexes (expansions).
bool QueryReadFamily(Cf c) {
  return c == kAliases || c == kEntities || c == kSpo || c == kPos || c == kOsp || c == kStpo ||
         c == kNames || c == kTerms || c == kRedirects || c == kMeta || c == kAdj || c == kHubc;
}

// `query_read`: a family queries read (QueryReadFamily). A query on a fresh
// process or a start entity not read before misses the block cache on nearly
// every block it touches. These families are stored uncompressed and every
// table file is read through mmap (`allow_mmap_reads`, OpenImpl): a block
// then needs no `pread`, no decompression and no copy; RocksDB parses it in
// place in the mapping (and does not put such blocks in the block cache).
// Against LZ4 blocks read with `pread`, a cold 1-hop on the 1M-fact graph was
// 19-25 % faster and a 2-hop 7-14 % (docs/query.md, in-process A/B), for 42 %
// more on disk (307 to 437 MiB, 441 with 2 KiB blocks); LZ4 or no
// compression alone gained less.
// The rest keep LZ4, and ZSTD at the bottom level. A family's existing files
// keep their compression until compaction rewrites them (`kg upgrade`
// compacts every family).
//
// `lazy_metadata` (read-only opens): a file's index and Bloom filter are read
// into the block cache when a read first needs them instead of when the
// database opens. A secondary instance opens every file at once
// (max_open_files = -1), and reading every family's index and filter
// blocks was a large part of a one-shot `kg query` on a big graph
// (docs/query.md "One-shot queries", bench/query/oneshot.sh), while one
// query needs those of a few files. In a
// long-lived reader the lookups through the cache cost ~2 % more
// instructions per 1-hop, so writers keep them in the table readers.
// The block cache's memory: HugePageArena (store/huge_page_arena.h), so the
// blocks a query reads land in transparent huge pages.
class ArenaAllocator final : public rocksdb::MemoryAllocator {
 public:
  const char* Name() const override { return "KgHugePageArena"; }
  void* Allocate(size_t size) override { return arena_.Allocate(size); }
  void Deallocate(void* p) override { arena_.Deallocate(p); }
  size_t UsableSize(void* p, size_t /*allocation_size*/) const override { return HugePageArena::UsableSize(p); }

 private:
  HugePageArena arena_;
};

rocksdb::ColumnFamilyOptions MakeCfOptions(bool query_read, bool lazy_metadata) {
  // One cache for every store of the process, never destroyed (the arena
  // must outlive every cached block, and blocks can be released during
  // static destruction).
  static std::shared_ptr<rocksdb::Cache>& cache = *new std::shared_ptr<rocksdb::Cache>([] {
    rocksdb::LRUCacheOptions c;
    c.capacity = 256 << 20;
    c.memory_allocator = std::make_shared<ArenaAllocator>();
    return rocksdb::NewLRUCache(c);
  }());
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  // Read in place and checksummed on every read (above): 2 KiB blocks touch
  // half the memory of 4 KiB ones per read (docs/query.md).
  if (query_read) t.block_size = 2048;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.whole_key_filtering = true;
  if (lazy_metadata) {
    t.cache_index_and_filter_blocks = true;
    t.cache_index_and_filter_blocks_with_high_priority = true;
  }
  rocksdb::ColumnFamilyOptions o;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  auto supported = rocksdb::GetSupportedCompressions();
  auto has = [&](rocksdb::CompressionType c) {
    return std::find(supported.begin(), supported.end(), c) != supported.end();
  };
  if (query_read) {
    o.compression = rocksdb::kNoCompression;
  } else {
    if (has(rocksdb::kLZ4Compression)) o.compression = rocksdb::kLZ4Compression;
    else if (has(rocksdb::kSnappyCompression)) o.compression = rocksdb::kSnappyCompression;
    if (has(rocksdb::kZSTD)) o.bottommost_compression = rocksdb::kZSTD;
  }
  o.write_buffer_size = 32 << 20;
  return o;
}

// RocksDB 7.8 creates a new WAL at every read-write open and, when nothing
// was written, never deletes the empty one it opened with (the minimum log
// number to keep advances only at a flush; fixed in RocksDB 8.3 by
// facebook/rocksdb#11409): every `kg query` on a writable store left one
// zero-byte *.log behind. Deleting empty WALs older than the current one is
// the workaround the RocksDB maintainers give (safe while
// track_and_verify_wals_in_manifest is off, the default). Called with the
// LOCK held; an empty WAL holds no record, so no reader can need it.
void RemoveEmptyOldWals(rocksdb::DB& db, const std::string& path) {
  std::unique_ptr<rocksdb::LogFile> current;
  if (!db.GetCurrentWalFile(&current).ok() || !current) return;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= 4 || name.compare(name.size() - 4, 4, ".log") != 0) continue;
    const std::string digits = name.substr(0, name.size() - 4);
    uint64_t number = 0;
    const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (digits.empty() || err != std::errc() || end != digits.data() + digits.size()) continue;
    std::error_code size_ec;
    if (number < current->LogNumber() && fs::file_size(entry.path(), size_ec) == 0 && !size_ec) {
      fs::remove(entry.path(), size_ec);
    }
  }
}

std::string ReadPidFile(const std::string& path) {
  std::ifstream in(fs::path(path) / kPidFile);
  std::string pid;
  if (in >> pid) return pid;
  return "?";
}

// The mutation being built: reads see the batch first, then the database.
class Txn {
 public:
  explicit Txn(Store::Impl& impl)
      : impl_(impl), batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {}

  Status Get(Cf c, const std::string& key, std::string* value, bool* found) {
    rocksdb::ReadOptions ro;
    rocksdb::Status s = batch_.GetFromBatchAndDB(impl_.db.get(), ro, impl_.cf(c), key, value);
    *found = s.ok();
    if (s.ok() || s.IsNotFound()) return Status::Ok();
    return FromRocks(s, "read");
  }
  void Put(Cf c, const std::string& key, const std::string& value) {
    NoteIndexWrite(c, key);
    (void)batch_.Put(impl_.cf(c), key, value);
  }
  void Delete(Cf c, const std::string& key) {
    NoteIndexWrite(c, key);
    (void)batch_.Delete(impl_.cf(c), key);
  }
  // Writes a fact record and its four index rows (spo, pos, osp, and stpo,
  // keyed by the object's type: schema 4), whose value is the same record
  // plus both ends' type and name (schema 3), so a latest-view index scan
  // needs no second lookup of the fact nor of its neighbour (DESIGN.md).
  // The ends come from NoteEntity, else from the batch or the database.
  Status PutFact(FactId fid, const FactRec& rec) {
    const std::string v = EncodeFact(rec);
    Put(kFacts, codec::U64Key(fid), v);
    auto subject = End(rec.subject);
    if (!subject.ok()) return subject.status();
    auto object = End(rec.object);
    if (!object.ok()) return object.status();
    const std::string iv = EncodeIndexValue(rec, *subject.value(), *object.value());
    Put(kSpo, SpoKey(rec.subject, rec.pred, rec.object, fid), iv);
    Put(kPos, PosKey(rec.subject, rec.pred, rec.object, fid), iv);
    Put(kOsp, OspKey(rec.subject, rec.pred, rec.object, fid), iv);
    Put(kStpo, StpoKey(rec.subject, object.value()->type, rec.pred, rec.object, fid), iv);
    return Status::Ok();
  }
  // Deletes the four index rows of fact `fid` as (s, p, o): call it before
  // the record changes its ends (the stpo key needs the object's type).
  Status DeleteIndexRows(FactId fid, const FactRec& rec) {
    Delete(kSpo, SpoKey(rec.subject, rec.pred, rec.object, fid));
    Delete(kPos, PosKey(rec.subject, rec.pred, rec.object, fid));
    Delete(kOsp, OspKey(rec.subject, rec.pred, rec.object, fid));
    auto object = End(rec.object);
    if (!object.ok()) return object.status();
    Delete(kStpo, StpoKey(rec.subject, object.value()->type, rec.pred, rec.object, fid));
    return Status::Ok();
  }
  // Writes entity `id`'s record (nullptr: deletes it) and keeps the names
  // rows (schema 4) of its old and new aliases equal to what the records
  // say: every entity write goes through here, so commit, retraction, merge,
  // split and alias all keep them. Reads the record it replaces (from the
  // batch when this mutation wrote it already).
  Status PutEntity(EntityId id, const EntityRec* rec) {
    std::string v;
    bool found = false;
    if (Status s = Get(kEntities, codec::U64Key(id), &v, &found); !s.ok()) return s;
    std::string encoded;
    if (rec != nullptr) {
      encoded = EncodeEntity(*rec);
      // Unchanged (Commit writes back every resolution candidate it read):
      // nothing to write, and its names rows are right already.
      if (found && encoded == v) return Status::Ok();
    }
    std::set<std::string> norms;
    if (found) {
      EntityRec old;
      if (!DecodeEntity(v, &old)) return Status::Corruption("entity record " + std::to_string(id));
      for (const auto& a : old.aliases) norms.insert(NormalizeName(a));
    }
    std::set<std::string> now;
    if (rec != nullptr && rec->live_articles > 0) {
      for (const auto& a : rec->aliases) now.insert(NormalizeName(a));
    }
    norms.insert(now.begin(), now.end());
    std::vector<NameHit> hits;
    for (const auto& norm : norms) {
      if (norm.empty()) continue;
      std::string row;
      bool has_row = false;
      if (Status s = Get(kNames, norm, &row, &has_row); !s.ok()) return s;
      hits.clear();
      if (has_row && !DecodeNameRow(row, &hits)) return Status::Corruption("names row");
      hits.erase(std::remove_if(hits.begin(), hits.end(), [&](const NameHit& h) { return h.id == id; }),
                 hits.end());
      if (now.count(norm) != 0) hits.push_back(NameHit{id, rec->live_mentions});
      if (hits.empty()) {
        if (has_row) Delete(kNames, norm);
      } else {
        Put(kNames, norm, EncodeNameRow(hits));
      }
    }
    if (rec != nullptr) {
      Put(kEntities, codec::U64Key(id), encoded);
    } else {
      Delete(kEntities, codec::U64Key(id));
    }
    return Status::Ok();
  }

  // The type and name PutFact copies into index rows for entity `id`: call
  // it before PutFact for an entity whose record is new or renamed in this
  // mutation and not yet Put.
  void NoteEntity(EntityId id, const EntityRec& rec) { ends_[id] = EndRec{rec.type, rec.name}; }
  Result<const EndRec*> End(EntityId id) {
    auto it = ends_.find(id);
    if (it != ends_.end()) return &it->second;
    std::string v;
    bool found = false;
    if (Status s = Get(kEntities, codec::U64Key(id), &v, &found); !s.ok()) return s;
    EntityRec rec;
    // A missing record leaves the name empty, which readers treat as "look
    // the entity up" (never left by a finished mutation).
    if (found && !DecodeEntity(v, &rec)) return Status::Corruption("entity record " + std::to_string(id));
    return &ends_.emplace(id, EndRec{rec.type, found ? rec.name : std::string()}).first->second;
  }

  // Every (key, value) starting with `prefix`, batch merged over the database.
  Status Scan(Cf c, const std::string& prefix,
              std::vector<std::pair<std::string, std::string>>* out) {
    return ScanRange(c, prefix, PrefixEnd(prefix), out);
  }
  // Every (key, value) in [start, end) (end empty: to the family's end),
  // batch merged over the database.
  Status ScanRange(Cf c, const std::string& start, const std::string& end,
                   std::vector<std::pair<std::string, std::string>>* out) {
    rocksdb::Slice upper(end);
    rocksdb::ReadOptions ro;
    if (!end.empty()) ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(
        batch_.NewIteratorWithBase(impl_.cf(c), impl_.db->NewIterator(ro, impl_.cf(c)), &ro));
    for (it->Seek(start); it->Valid(); it->Next()) {
      if (!end.empty() && it->key().compare(upper) >= 0) break;
      out->emplace_back(it->key().ToString(), it->value().ToString());
    }
    return FromRocks(it->status(), "scan of " + std::string(kCfNames[c]));
  }

  // The adj value (schema 5) of every subject whose spo rows this mutation
  // wrote or deleted, from those rows as they will stand (batch over
  // database): every spo write goes through Put/Delete, so every mutation
  // keeps adj equal to spo. A subject with 1 to kAdjMaxRows rows gets them
  // packed; one with none or a hub (more rows), no value. A hub has its
  // marker and its stpo rows in hubc chunks instead (schema 6): all of them
  // when it has just become a hub, else only the chunks the changed stpo
  // rows fall in.
  Status RebuildAdjacency() {
    if (adj_dirty_.empty()) return Status::Ok();
    rocksdb::ReadOptions ro;
    std::unique_ptr<rocksdb::Iterator> it(
        batch_.NewIteratorWithBase(impl_.cf(kSpo), impl_.db->NewIterator(ro, impl_.cf(kSpo)), &ro));
    std::string packed;
    for (EntityId subject : adj_dirty_) {
      const std::string prefix = codec::U64Key(subject);
      packed.clear();
      size_t rows = 0;
      for (it->Seek(prefix); it->Valid() && rows <= kAdjMaxRows; it->Next()) {
        const rocksdb::Slice k = it->key();
        if (!k.starts_with(prefix)) break;
        if (k.size() != 8 + kAdjSuffixSize) continue;
        AppendAdjRow(&packed, std::string_view(k.data(), k.size()),
                     std::string_view(it->value().data(), it->value().size()));
        ++rows;
      }
      if (Status s = FromRocks(it->status(), "scan of spo"); !s.ok()) return s;
      std::string old;
      bool had_adj = false, was_hub = false;
      if (Status s = Get(kAdj, prefix, &old, &had_adj); !s.ok()) return s;
      // Only a subject without an adj value can have been a hub (the marker
      // is one point read, usually answered by the bloom filter).
      if (!had_adj) {
        if (Status s = Get(kHubc, prefix, &old, &was_hub); !s.ok()) return s;
      }
      if (rows > 0 && rows <= kAdjMaxRows) {
        (void)batch_.Put(impl_.cf(kAdj), prefix, packed);
      } else if (had_adj) {
        (void)batch_.Delete(impl_.cf(kAdj), prefix);
      }
      Status s;
      if (rows > kAdjMaxRows) {
        if (was_hub) {
          s = UpdateHubChunks(subject);
        } else {
          (void)batch_.Put(impl_.cf(kHubc), prefix, std::string());
          s = RewriteHubChunks(prefix, PrefixEnd(prefix), /*old_chunk=*/nullptr);
        }
      } else if (was_hub) {
        s = DeleteHubChunks(prefix);
      }
      if (!s.ok()) return s;
    }
    adj_dirty_.clear();
    stpo_dirty_.clear();
    return Status::Ok();
  }

  // A hub stays a hub: rewrites the chunk each changed stpo row of `subject`
  // falls in (once however many rows of it changed).
  Status UpdateHubChunks(EntityId subject) {
    const std::string prefix = codec::U64Key(subject);
    std::string done_until;  // changed rows below this key are in a rewritten chunk
    for (auto k = stpo_dirty_.lower_bound(prefix); k != stpo_dirty_.end() && k->compare(0, 8, prefix) == 0; ++k) {
      if (*k < done_until) continue;
      const std::string group = k->substr(0, kStpoGroupSize);
      // The chunk the row falls in: the last chunk key at or before it in its
      // group, else the group's first chunk (which covers the group's start).
      rocksdb::ReadOptions ro;
      std::unique_ptr<rocksdb::Iterator> h(
          batch_.NewIteratorWithBase(impl_.cf(kHubc), impl_.db->NewIterator(ro, impl_.cf(kHubc)), &ro));
      std::string chunk, start = group;
      h->SeekForPrev(*k);
      if (h->Valid() && h->key().starts_with(group)) {
        chunk = h->key().ToString();
        h->Prev();
        if (h->Valid() && h->key().starts_with(group)) start = chunk;
        h->Seek(chunk);
        if (h->Valid()) h->Next();
      } else {
        h->Seek(group);
        if (h->Valid() && h->key().starts_with(group)) {
          chunk = h->key().ToString();
          h->Next();
        }
      }
      std::string end = PrefixEnd(group);
      if (h->Valid() && h->key().starts_with(group)) end = h->key().ToString();
      if (Status s = FromRocks(h->status(), "scan of hubc"); !s.ok()) return s;
      h.reset();
      if (Status s = RewriteHubChunks(start, end, chunk.empty() ? nullptr : &chunk); !s.ok()) return s;
      done_until = end;
    }
    return Status::Ok();
  }

  // Replaces the chunks of the stpo rows in [start, end) (deleting
  // `old_chunk`, the one that covered them, when there was one) with chunks
  // of those rows as they will stand; a range spanning several (s, type)
  // groups gets chunks per group.
  Status RewriteHubChunks(const std::string& start, const std::string& end, const std::string* old_chunk) {
    std::vector<std::pair<std::string, std::string>> rows;
    if (Status s = ScanRange(kStpo, start, end, &rows); !s.ok()) return s;
    rows.erase(std::remove_if(rows.begin(), rows.end(), [](const auto& r) { return r.first.size() != kStpoKeySize; }),
               rows.end());
    if (old_chunk != nullptr) (void)batch_.Delete(impl_.cf(kHubc), *old_chunk);
    PutHubChunks(rows, [&](const std::string& k, const std::string& v) { (void)batch_.Put(impl_.cf(kHubc), k, v); });
    return Status::Ok();
  }

  // Deletes the hub marker and every hubc chunk of the subject whose key is
  // `prefix`.
  Status DeleteHubChunks(const std::string& prefix) {
    std::vector<std::pair<std::string, std::string>> chunks;
    if (Status s = Scan(kHubc, prefix, &chunks); !s.ok()) return s;
    for (const auto& c : chunks) (void)batch_.Delete(impl_.cf(kHubc), c.first);
    return Status::Ok();
  }

  Status Write() {
    if (Status s = RebuildAdjacency(); !s.ok()) return s;
    rocksdb::WriteOptions wo;
    wo.sync = true;
    Status s = FromRocks(impl_.db->Write(wo, batch_.GetWriteBatch()), "write");
    // No reader will start at the old state again: let go of its files and
    // memtables now rather than at the next read (a long ingest may not read).
    impl_.DropIdleIterators();
    return s;
  }

  Result<EntityRec> Entity(EntityId id) {
    std::string v;
    bool found = false;
    if (Status s = Get(kEntities, codec::U64Key(id), &v, &found); !s.ok()) return s;
    EntityRec rec;
    if (!found) return Status::NotFound("entity " + std::to_string(id));
    if (!DecodeEntity(v, &rec)) return Status::Corruption("entity record " + std::to_string(id));
    return rec;
  }
  Result<FactRec> Fact(FactId id) {
    std::string v;
    bool found = false;
    if (Status s = Get(kFacts, codec::U64Key(id), &v, &found); !s.ok()) return s;
    FactRec rec;
    if (!found) return Status::NotFound("fact " + std::to_string(id));
    if (!DecodeFact(v, &rec)) return Status::Corruption("fact record " + std::to_string(id));
    return rec;
  }
  // Follows merge redirects (drop -> keep) to the live id.
  Result<EntityId> Canonical(EntityId id) {
    for (int hop = 0; hop < 64; ++hop) {
      std::string v;
      bool found = false;
      if (Status s = Get(kRedirects, codec::U64Key(id), &v, &found); !s.ok()) return s;
      if (!found || v.size() != 8) return id;
      id = codec::GetU64(v.data());
    }
    return Status::Corruption("redirect chain too long");
  }
  Status AddPredCount(PredId p, int64_t delta) {
    std::string v;
    bool found = false;
    if (Status s = Get(kTerms, TermCountKey(p), &v, &found); !s.ok()) return s;
    int64_t n = 0;
    if (found) {
      codec::Decoder d(v);
      n = static_cast<int64_t>(d.Varint());
    }
    n = std::max<int64_t>(0, n + delta);
    std::string out;
    codec::PutVarint(&out, static_cast<uint64_t>(n));
    Put(kTerms, TermCountKey(p), out);
    return Status::Ok();
  }
  // The retracted article seqs (latest view).
  Result<std::set<ArticleSeq>> Retracted() {
    std::vector<std::pair<std::string, std::string>> rows;
    if (Status s = Scan(kRetractions, "", &rows); !s.ok()) return s;
    std::set<ArticleSeq> out;
    for (const auto& [k, v] : rows) {
      if (k.size() == 8) out.insert(codec::GetU64(k.data()));
    }
    return out;
  }
  // Recomputes a fact's live aggregates from its evidence rows.
  Status RecomputeFact(FactId fid, const std::set<ArticleSeq>& retracted, FactRec* rec) {
    std::vector<std::pair<std::string, std::string>> rows;
    if (Status s = Scan(kEvidence, codec::U64Key(fid), &rows); !s.ok()) return s;
    Agg agg;
    for (const auto& [k, v] : rows) {
      if (k.size() != kEvidenceKeySize) continue;
      ArticleSeq seq = codec::GetU64(k.data() + 8);
      if (retracted.count(seq) != 0) continue;
      EvidenceRec ev;
      if (!DecodeEvidence(v, &ev)) return Status::Corruption("evidence record");
      agg.Add(seq, ev.confidence, ev.surface);
    }
    rec->live_first_seen = agg.first_seen;
    rec->live_support = agg.support;
    rec->live_confidence = agg.confidence;
    rec->live_surface = agg.surface;
    return Status::Ok();
  }

 private:
  std::unordered_map<EntityId, EndRec> ends_;  // see NoteEntity
  Store::Impl& impl_;
  rocksdb::WriteBatchWithIndex batch_;
  std::set<EntityId> adj_dirty_;     // subjects whose adj value Write rebuilds
  std::set<std::string> stpo_dirty_;  // stpo keys written or deleted (hub chunks to rewrite)

  void NoteIndexWrite(Cf c, const std::string& key) {
    if (c == kSpo && key.size() >= 8) adj_dirty_.insert(codec::GetU64(key.data()));
    if (c == kStpo && key.size() == kStpoKeySize) stpo_dirty_.insert(key);
  }
};

Status ValidateExtraction(std::string_view text, const Extraction& x) {
  const auto n_ent = static_cast<int64_t>(x.entities.size());
  const auto n_sent = x.sentences.size();
  for (size_t i = 0; i < x.sentences.size(); ++i) {
    const auto& s = x.sentences[i];
    if (s.begin > s.end || s.end > text.size()) {
      return Status::InvalidArgument("extraction: sentence " + std::to_string(i) +
                                     " has offsets outside the text");
    }
  }
  for (size_t i = 0; i < x.mentions.size(); ++i) {
    const auto& m = x.mentions[i];
    if (m.entity < 0 || m.entity >= n_ent) {
      return Status::InvalidArgument("extraction: mention " + std::to_string(i) +
                                     " refers to no entity");
    }
    if (m.begin > m.end || m.end > text.size() || m.end > UINT32_MAX) {
      return Status::InvalidArgument("extraction: mention " + std::to_string(i) +
                                     " has offsets outside the text");
    }
  }
  for (size_t i = 0; i < x.facts.size(); ++i) {
    const auto& f = x.facts[i];
    if (f.subject < 0 || f.subject >= n_ent || f.object < 0 || f.object >= n_ent) {
      return Status::InvalidArgument("extraction: fact " + std::to_string(i) +
                                     " refers to no entity");
    }
    if (f.predicate.empty()) {
      return Status::InvalidArgument("extraction: fact " + std::to_string(i) + " has no predicate");
    }
    if (f.sentence >= n_sent) {
      return Status::InvalidArgument("extraction: fact " + std::to_string(i) +
                                     " refers to no sentence");
    }
  }
  return Status::Ok();
}

// A name becomes a known name (graph/known_names.h) once this many live
// articles mention its entity: one article's tagging error is not enough.
constexpr uint64_t kKnownNameMinArticles = 2;

std::string LastWord(const std::string& norm) {
  auto pos = norm.rfind(' ');
  return pos == std::string::npos ? std::string() : norm.substr(pos + 1);
}

// What a writer changes when it writes anything: the WAL files grow (each
// commit is synced), a flush or compaction appends to the MANIFEST, a new
// MANIFEST moves CURRENT. Name, size and modification time of those files;
// "" when the directory cannot be read (then the caller always catches up).
std::string PrimaryFingerprint(const std::string& path) {
  std::vector<std::string> parts;
  std::error_code ec;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool wal = name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0;
    if (!(wal || name == "CURRENT" || name.rfind("MANIFEST-", 0) == 0)) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;  // deleted meanwhile: the listing differs anyway
    parts.push_back(name + ' ' + std::to_string(st.st_size) + ' ' + std::to_string(st.st_mtim.tv_sec) + '.' +
                    std::to_string(st.st_mtim.tv_nsec));
  }
  if (ec) return "";
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) out += p + '\n';
  return out;
}

// The table files (by number) live in the version the current MANIFEST
// (the one CURRENT names) ends with, read with RocksDB's MANIFEST reader
// (the 1M-fact graph's MANIFEST is 4 KiB).
Status ManifestTableFiles(const std::string& path, std::set<uint64_t>* files) {
  std::string current;
  {
    std::ifstream in(fs::path(path) / "CURRENT");
    if (!std::getline(in, current) || current.rfind("MANIFEST-", 0) != 0) {
      return Status::Corruption("database " + path + ": CURRENT does not name a MANIFEST");
    }
  }
  const std::string manifest = (fs::path(path) / current).string();
  std::error_code ec;
  const uint64_t size = fs::file_size(manifest, ec);
  if (ec) return Status::IoError("database " + path + ": " + manifest + ": " + ec.message());
  std::unique_ptr<rocksdb::FileChecksumList> list(rocksdb::NewFileChecksumList());
  if (Status s = FromRocks(rocksdb::GetFileChecksumsFromManifest(rocksdb::Env::Default(), manifest, size, list.get()),
                           "database " + path + ": read " + manifest);
      !s.ok()) {
    return s;
  }
  std::vector<uint64_t> numbers;
  std::vector<std::string> checksums;
  std::vector<std::string> functions;
  if (Status s = FromRocks(list->GetAllFileChecksums(&numbers, &checksums, &functions),
                           "database " + path + ": read " + manifest);
      !s.ok()) {
    return s;
  }
  files->clear();
  files->insert(numbers.begin(), numbers.end());
  return Status::Ok();
}

std::string TableFileName(const std::string& path, uint64_t number) {
  char name[32];
  std::snprintf(name, sizeof name, "%06llu.sst", static_cast<unsigned long long>(number));
  return (fs::path(path) / name).string();
}

// A secondary instance checks every table file of the MANIFEST it replays
// for existence and size, and one that fails (deleted, cut short) it leaves
// out of its version without an error: reads then silently miss that file's
// keys (a read-write open refuses such a database). `before`: the files the
// MANIFEST listed before the secondary opened. A file in `before` missing
// from the secondary's version was deleted by a writer since (a compaction),
// or dropped, or belongs to a dropped column family (the MANIFEST reader
// does not follow family drops; kg drops none, its tests do). One the
// MANIFEST still lists was live before and after the open, so the secondary
// should have it; a plain read-only open (DB::OpenForReadOnly, which opens
// every table file of every live family and fails on a missing or short
// one, a few tens of ms on the 1M-fact graph: only on this rare path) confirms.
// kCorruption naming the file (or from RocksDB: a damaged MANIFEST); kBusy
// when the files changed under the open (the caller retries it); Ok
// otherwise.
Status CheckSecondaryTableFiles(rocksdb::DB& db, const std::string& path, const std::set<uint64_t>& before) {
  std::vector<rocksdb::LiveFileMetaData> live;
  db.GetLiveFilesMetaData(&live);
  std::set<uint64_t> in_version;
  for (const auto& f : live) in_version.insert(f.file_number);
  std::vector<uint64_t> absent;
  for (uint64_t n : before) {
    if (in_version.count(n) == 0) absent.push_back(n);
  }
  if (absent.empty()) return Status::Ok();
  std::set<uint64_t> after;
  if (Status s = ManifestTableFiles(path, &after); !s.ok()) return Status::Busy(s.message());  // retried
  std::vector<uint64_t> suspects;
  for (uint64_t n : absent) {
    if (after.count(n) != 0) suspects.push_back(n);
  }
  if (suspects.empty()) return Status::Busy("database " + path + " changed while it was opened read-only");

  rocksdb::DBOptions o;
  o.max_open_files = -1;
  o.max_file_opening_threads = 1;
  o.info_log_level = rocksdb::InfoLogLevel::HEADER_LEVEL;
  std::vector<std::string> names;
  if (Status s = FromRocks(rocksdb::DB::ListColumnFamilies(o, path, &names), "database " + path); !s.ok()) {
    return s;
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status confirm = rocksdb::DB::OpenForReadOnly(o, path, descs, &handles, &raw);
  if (raw != nullptr) {
    for (auto* h : handles) (void)raw->DestroyColumnFamilyHandle(h);
    delete raw;  // NOLINT: RocksDB hands back a raw pointer; only opened to check
  }
  if (confirm.ok()) return Status::Ok();  // a dropped family's files
  // RocksDB names the file it could not open (as NNNNNN.sst or .ldb).
  const std::string said = confirm.ToString();
  for (uint64_t n : suspects) {
    const std::string file = TableFileName(path, n);
    if (said.find(fs::path(file).stem().string()) == std::string::npos) continue;
    std::error_code ec;
    const uintmax_t size = fs::file_size(file, ec);
    const std::string why = ec ? "is missing" : "fails RocksDB's size check (" + std::to_string(size) +
                                                    " bytes: cut short or overwritten)";
    return Status::Corruption("database " + path + " is damaged: table file " + file +
                              ", which its MANIFEST lists, " + why +
                              "; refusing to answer without its rows (restore the directory from a copy)");
  }
  return Status::Busy("database " + path + " changed while it was opened read-only (" + said + ")");
}

}  // namespace

void Store::Impl::DropIdleIterators() const {
  std::unique_ptr<ReaderScratch> dropped;  // destroyed outside the lock
  {
    std::lock_guard<std::mutex> lock(idle_iters_mu);
    std::swap(dropped, idle_scratch);
  }
}

Store::Impl::~Impl() {
  idle_scratch.reset();  // its iterators before their column families and DB
  for (auto& h : cfs) {
    if (h && db) (void)db->DestroyColumnFamilyHandle(h.release());
  }
  if (db) (void)db->Close();
  db.reset();
  if (mode == OpenMode::kReadWrite) {
    std::error_code ec;
    fs::remove(fs::path(path) / kPidFile, ec);
  }
  if (!secondary_dir.empty()) {
    std::error_code ec;
    fs::remove_all(secondary_dir, ec);
  }
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;
const std::string& Store::path() const { return impl_->path; }

namespace {

Status WriteVersion(Store::Impl& impl, rocksdb::WriteBatch* b, uint32_t version) {
  std::string ver;
  codec::PutU32(&ver, version);
  (void)b->Put(impl.cf(kMeta), std::string(kMetaSchema), ver);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(impl.db->Write(wo, b), "upgrade: write");
}

// Writes the upgrade's batch once it holds `limit` entries (unsynced: the
// version record, written last by WriteVersion, is what makes it count).
Status WriteIfFull(Store::Impl& impl, rocksdb::WriteBatch* b, uint32_t limit) {
  if (b->Count() < limit) return Status::Ok();
  Status s = FromRocks(impl.db->Write(rocksdb::WriteOptions(), b), "upgrade: write");
  b->Clear();
  return s;
}

// Schema 2 -> 3 in place: rewrites every fact's three index rows with the
// schema-3 value (record plus both ends' type and name), in batches, then
// the version record last, so an interrupted upgrade is simply run again.
Status UpgradeFrom2(Store::Impl& impl) {
  std::unordered_map<EntityId, EndRec> ends;
  rocksdb::ReadOptions ro;
  {
    std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator(ro, impl.cf(kEntities)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->key().size() != 8) continue;
      EntityRec rec;
      if (!DecodeEntity(std::string_view(it->value().data(), it->value().size()), &rec)) {
        return Status::Corruption("entity record " + std::to_string(codec::GetU64(it->key().data())));
      }
      ends.emplace(codec::GetU64(it->key().data()), EndRec{rec.type, std::move(rec.name)});
    }
    if (Status s = FromRocks(it->status(), "upgrade: scan of entities"); !s.ok()) return s;
  }
  const EndRec missing;
  auto end_of = [&](EntityId id) -> const EndRec& {
    auto e = ends.find(id);
    return e == ends.end() ? missing : e->second;
  };
  rocksdb::WriteBatch b;
  std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator(ro, impl.cf(kFacts)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().size() != 8) continue;
    const FactId fid = codec::GetU64(it->key().data());
    FactRec rec;
    if (!DecodeFact(std::string_view(it->value().data(), it->value().size()), &rec)) {
      return Status::Corruption("fact record " + std::to_string(fid));
    }
    const std::string iv = EncodeIndexValue(rec, end_of(rec.subject), end_of(rec.object));
    (void)b.Put(impl.cf(kSpo), SpoKey(rec.subject, rec.pred, rec.object, fid), iv);
    (void)b.Put(impl.cf(kPos), PosKey(rec.subject, rec.pred, rec.object, fid), iv);
    (void)b.Put(impl.cf(kOsp), OspKey(rec.subject, rec.pred, rec.object, fid), iv);
    if (Status s = WriteIfFull(impl, &b, 150'000); !s.ok()) return s;
  }
  if (Status s = FromRocks(it->status(), "upgrade: scan of facts"); !s.ok()) return s;
  // Every index row now exists twice (the old value below the new one):
  // the caller compacts them away (CompactAll), or every scan steps over the
  // stale copies.
  return WriteVersion(impl, &b, 3);
}

// Schema 3 -> 4 in place: adds the stpo row of every fact (the spo row's key
// and value, with the object's type from the value's ends), in batches, then
// the version record last, so an interrupted upgrade is simply run again
// (every row it writes is a Put of a value it computes from schema-3 rows).
Status UpgradeFrom3(Store::Impl& impl) {
  rocksdb::ReadOptions ro;
  rocksdb::WriteBatch b;
  std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator(ro, impl.cf(kSpo)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != 28) continue;
    const EntityId subject = codec::GetU64(k.data());
    const PredId pred = codec::GetU32(k.data() + 8);
    const EntityId object = codec::GetU64(k.data() + 12);
    const FactId fid = codec::GetU64(k.data() + 20);
    EndView s, o;
    EntityType object_type = EntityType::kMisc;
    if (DecodeIndexEnds(std::string_view(it->value().data(), it->value().size()), &s, &o)) {
      object_type = o.type;
    } else {  // a row without ends (never left by a finished mutation): the record decides
      std::string v;
      rocksdb::Status gs = impl.db->Get(ro, impl.cf(kEntities), codec::U64Key(object), &v);
      if (!gs.ok() && !gs.IsNotFound()) return FromRocks(gs, "upgrade: read of entity");
      if (gs.ok() && !v.empty() && static_cast<uint8_t>(v[0]) < kEntityTypeCount) {
        object_type = static_cast<EntityType>(v[0]);
      }
    }
    (void)b.Put(impl.cf(kStpo), StpoKey(subject, object_type, pred, object, fid), it->value());
    if (Status st = WriteIfFull(impl, &b, 100'000); !st.ok()) return st;
  }
  if (Status st = FromRocks(it->status(), "upgrade: scan of spo"); !st.ok()) return st;
  // The names rows, from the entity records (the live ones: latest view).
  std::map<std::string, std::vector<NameHit>> names;
  std::unique_ptr<rocksdb::Iterator> ei(impl.db->NewIterator(ro, impl.cf(kEntities)));
  for (ei->SeekToFirst(); ei->Valid(); ei->Next()) {
    if (ei->key().size() != 8) continue;
    const EntityId id = codec::GetU64(ei->key().data());
    EntityRec rec;
    if (!DecodeEntity(std::string_view(ei->value().data(), ei->value().size()), &rec)) {
      return Status::Corruption("entity record " + std::to_string(id));
    }
    if (rec.live_articles == 0) continue;
    std::set<std::string> norms;
    for (const auto& a : rec.aliases) norms.insert(NormalizeName(a));
    for (const auto& norm : norms) {
      if (!norm.empty()) names[norm].push_back(NameHit{id, rec.live_mentions});
    }
  }
  if (Status st = FromRocks(ei->status(), "upgrade: scan of entities"); !st.ok()) return st;
  for (auto& [norm, hits] : names) {
    (void)b.Put(impl.cf(kNames), norm, EncodeNameRow(std::move(hits)));
    if (Status st = WriteIfFull(impl, &b, 100'000); !st.ok()) return st;
  }
  return WriteVersion(impl, &b, 4);
}

// Schema 4 -> 5 in place: the adj value of every subject with at most
// kAdjMaxRows spo rows, from one pass over spo (rows come grouped by
// subject), after a range deletion of whatever adj held (an interrupted
// upgrade left some values; rerunning writes them all again), then the
// version record last.
Status UpgradeFrom4(Store::Impl& impl) {
  rocksdb::ReadOptions ro;
  rocksdb::WriteBatch b;
  (void)b.DeleteRange(impl.cf(kAdj), rocksdb::Slice(""), rocksdb::Slice(std::string(9, '\xff')));
  std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator(ro, impl.cf(kSpo)));
  std::string packed;
  std::optional<EntityId> subject;
  size_t rows = 0;
  auto flush = [&]() -> Status {
    if (subject && rows > 0 && rows <= kAdjMaxRows) (void)b.Put(impl.cf(kAdj), codec::U64Key(*subject), packed);
    packed.clear();
    rows = 0;
    return WriteIfFull(impl, &b, 50'000);
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != 8 + kAdjSuffixSize) continue;
    const EntityId s = codec::GetU64(k.data());
    if (subject != s) {
      if (Status st = flush(); !st.ok()) return st;
      subject = s;
    }
    if (++rows <= kAdjMaxRows) {
      AppendAdjRow(&packed, std::string_view(k.data(), k.size()),
                   std::string_view(it->value().data(), it->value().size()));
    }
  }
  if (Status st = FromRocks(it->status(), "upgrade: scan of spo"); !st.ok()) return st;
  if (Status st = flush(); !st.ok()) return st;
  return WriteVersion(impl, &b, 5);
}

// Schema 5 -> 6 in place: every hub (a subject with more than kAdjMaxRows
// rows) gets its marker and its stpo rows in hubc chunks, from one pass over stpo (rows come
// grouped by subject), after a range deletion of whatever hubc held (an
// interrupted upgrade left some; rerunning writes them all again), then the
// version record last.
Status UpgradeFrom5(Store::Impl& impl) {
  rocksdb::ReadOptions ro;
  rocksdb::WriteBatch b;
  (void)b.DeleteRange(impl.cf(kHubc), rocksdb::Slice(""), rocksdb::Slice(std::string(kStpoKeySize + 1, '\xff')));
  std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator(ro, impl.cf(kStpo)));
  std::vector<std::pair<std::string, std::string>> rows;  // one subject's
  auto flush = [&]() -> Status {
    if (rows.size() > kAdjMaxRows) {
      (void)b.Put(impl.cf(kHubc), rows.front().first.substr(0, 8), std::string());
      PutHubChunks(rows, [&](const std::string& k, const std::string& v) { (void)b.Put(impl.cf(kHubc), k, v); });
    }
    rows.clear();
    return WriteIfFull(impl, &b, 50'000);
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != kStpoKeySize) continue;
    if (!rows.empty() && std::memcmp(rows.front().first.data(), k.data(), 8) != 0) {
      if (Status st = flush(); !st.ok()) return st;
    }
    rows.emplace_back(k.ToString(), it->value().ToString());
  }
  if (Status st = FromRocks(it->status(), "upgrade: scan of stpo"); !st.ok()) return st;
  if (Status st = flush(); !st.ok()) return st;
  return WriteVersion(impl, &b, 6);
}

// Rewrites every family into one sorted run at the bottom level with the
// current options (MakeCfOptions: compression), so a scan or a Seek reads
// one file per family and no overwritten or deleted rows.
Status CompactAll(Store::Impl& impl) {
  for (int c = 0; c < kCfCount; ++c) {
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    if (Status s = FromRocks(impl.db->CompactRange(co, impl.cf(static_cast<Cf>(c)), nullptr, nullptr),
                             std::string("upgrade: compaction of ") + kCfNames[c]);
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, OpenMode mode, const OpenOptions& options) {
  return OpenImpl(path, mode, /*upgrade=*/false, options);
}

Status Store::Upgrade(const std::string& path) {
  auto opened = OpenImpl(path, OpenMode::kReadWrite, /*upgrade=*/true, OpenOptions());
  return opened.ok() ? Status::Ok() : opened.status();
}

Result<std::unique_ptr<Store>> Store::OpenImpl(const std::string& path, OpenMode mode, bool upgrade,
                                               const OpenOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->mode = mode;

  rocksdb::DBOptions dbo;
  // Table files are read through mmap (see MakeCfOptions): no system call
  // per block read. Files are immutable once written; RocksDB checks every
  // read against the file's size, and checksums as before.
  dbo.allow_mmap_reads = options.mmap_reads;
  impl->adjacency_reads = options.adjacency_reads;
  impl->hub_chunk_reads = options.hub_chunk_reads;
  std::vector<std::string> existing;
  const bool exists = rocksdb::DB::ListColumnFamilies(dbo, path, &existing).ok();
  if (!exists) {
    std::error_code ec;
    if (mode == OpenMode::kReadOnly) {
      return Status::NotFound("no kg database at " + path + " (create one with `kg ingest`)");
    }
    if (fs::exists(path, ec) && !fs::is_directory(path, ec)) {
      return Status::InvalidArgument(path + " exists and is not a database directory");
    }
    if (fs::is_directory(path, ec) && !fs::is_empty(path, ec)) {
      return Status::InvalidArgument(path + " is a non-empty directory but not a kg database");
    }
  } else if (std::find(existing.begin(), existing.end(), "meta") == existing.end()) {
    return Status::InvalidArgument(path + " is a RocksDB database but not a kg database");
  }

  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  dbo.keep_log_file_num = 3;
  dbo.max_log_file_size = 1 << 20;
  dbo.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // RocksDB opens table files on up to 16 new threads, started afresh for
  // every family and every version edit it replays: a read-only open of the
  // 1M-fact graph started 572 threads, most of a one-shot `kg query`'s time
  // (docs/query.md). Opening a file here reads a footer and a few blocks.
  dbo.max_file_opening_threads = 1;
  const bool lazy_metadata = mode == OpenMode::kReadOnly;
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  std::vector<int> desc_cf;  // the Cf of each descriptor; kCfCount for an unknown family
  for (int i = 0; i < kCfCount; ++i) {
    // A secondary instance cannot create families: one an older schema did
    // not have stays without a handle, and the version check below refuses
    // the database before anything reads it.
    if (mode == OpenMode::kReadOnly &&
        std::find(existing.begin(), existing.end(), kCfNames[i]) == existing.end()) {
      continue;
    }
    descs.emplace_back(kCfNames[i], MakeCfOptions(QueryReadFamily(static_cast<Cf>(i)), lazy_metadata));
    desc_cf.push_back(i);
  }
  for (const auto& name : existing) {  // keep unknown families of a newer kg openable
    bool known = false;
    for (const char* k : kCfNames) known = known || name == k;
    if (!known) {
      descs.emplace_back(name, MakeCfOptions(false, lazy_metadata));
      desc_cf.push_back(kCfCount);
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (mode == OpenMode::kReadWrite) {
    s = rocksdb::DB::Open(rocksdb::DBOptions(dbo), path, descs, &handles, &raw);
    if (!s.ok()) {
      const std::string m = s.ToString();
      if (s.IsIOError() && (m.find("lock") != std::string::npos || m.find("LOCK") != std::string::npos)) {
        return Status::Busy("database " + path + " is locked by another kg process (pid " +
                            ReadPidFile(path) + "); wait for it to finish");
      }
      return FromRocks(s, "cannot open database " + path);
    }
  } else {
    // A secondary instance (see DESIGN.md): it reads the primary's files and
    // replays its WAL, so it works while a writer runs, never takes the LOCK,
    // and keeps its own info log in a private directory.
    static std::atomic<int> counter{0};
    impl->secondary_dir = (fs::temp_directory_path() /
                           ("kg-ro-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                              .string();
    std::error_code ec;
    fs::create_directories(impl->secondary_dir, ec);
    dbo.max_open_files = -1;  // required by secondary instances
    Status checked = Status::Ok();
    for (int attempt = 0; attempt < 5; ++attempt) {
      handles.clear();
      impl->primary_fingerprint = PrimaryFingerprint(path);
      // Read before the secondary replays the MANIFEST (CheckSecondaryTableFiles).
      std::set<uint64_t> listed;
      checked = ManifestTableFiles(path, &listed);
      s = rocksdb::DB::OpenAsSecondary(dbo, path, impl->secondary_dir, descs, &handles, &raw);
      if (s.ok()) s = raw->TryCatchUpWithPrimary();
      bool damaged = false;
      if (s.ok() && checked.ok()) {
        checked = CheckSecondaryTableFiles(*raw, path, listed);
        damaged = checked.code() == Status::Code::kCorruption;
      }
      if (s.ok() && checked.ok()) break;
      if (raw != nullptr) {
        for (auto* h : handles) (void)raw->DestroyColumnFamilyHandle(h);
        delete raw;  // NOLINT: RocksDB hands back a raw pointer; not yet owned
        raw = nullptr;
      }
      // A damaged table file stays damaged: no retry.
      if (damaged) return checked;
      // The writer may have deleted a file we were about to read: retry.
      std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1)));
    }
    if (!s.ok()) return FromRocks(s, "cannot open database " + path + " read-only");
    if (!checked.ok()) return checked;
  }
  impl->db.reset(raw);
  impl->cfs.resize(kCfCount);
  for (size_t i = 0; i < handles.size(); ++i) {
    if (desc_cf[i] < kCfCount) {
      impl->cfs[static_cast<size_t>(desc_cf[i])].reset(handles[i]);
    } else {
      impl->cfs.emplace_back(handles[i]);
    }
  }
  if (mode == OpenMode::kReadWrite) RemoveEmptyOldWals(*impl->db, path);

  // Schema version.
  std::string v;
  s = impl->db->Get(rocksdb::ReadOptions(), impl->cf(kMeta), std::string(kMetaSchema), &v);
  if (s.IsNotFound()) {
    if (mode == OpenMode::kReadOnly || exists) {
      // A RW-created database writes its version in the same batch as its
      // counters; a kg database without one is damaged or foreign.
      if (mode == OpenMode::kReadOnly) {
        return Status::Corruption("database " + path + " has no schema version");
      }
    }
    rocksdb::WriteBatch b;
    std::string ver;
    codec::PutU32(&ver, kSchemaVersion);
    (void)b.Put(impl->cf(kMeta), std::string(kMetaSchema), ver);
    (void)b.Put(impl->cf(kMeta), std::string(kMetaCounters), EncodeCounters(Counters{}));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    if (Status st = FromRocks(impl->db->Write(wo, &b), "initialise " + path); !st.ok()) return st;
  } else if (!s.ok()) {
    return FromRocks(s, "read schema version of " + path);
  } else {
    if (v.size() != 4) {
      return Status::VersionMismatch("database " + path + " has an unknown schema version record");
    }
    uint32_t ver = codec::GetU32(v.data());
    if (ver > kSchemaVersion) {
      return Status::VersionMismatch("database " + path + " has schema version " +
                                     std::to_string(ver) + ", newer than this kg supports (" +
                                     std::to_string(kSchemaVersion) + "): upgrade kg");
    }
    if (ver == 2 && upgrade) {
      if (Status st = UpgradeFrom2(*impl); !st.ok()) return st;
      ver = 3;
    }
    if (ver == 3 && upgrade) {
      if (Status st = UpgradeFrom3(*impl); !st.ok()) return st;
      ver = 4;
    }
    if (ver == 4 && upgrade) {
      if (Status st = UpgradeFrom4(*impl); !st.ok()) return st;
      ver = 5;
    }
    if (ver == 5 && upgrade) {
      if (Status st = UpgradeFrom5(*impl); !st.ok()) return st;
      ver = 6;
    }
    if (ver == kSchemaVersion && upgrade) {
      if (Status st = CompactAll(*impl); !st.ok()) return st;
    }
    if (ver >= 2 && ver <= 5) {
      return Status::VersionMismatch(
          "database " + path + " has schema version " + std::to_string(ver) +
          ", older than this kg reads (" + std::to_string(kSchemaVersion) +
          "): run `kg upgrade` on it once (it adds or rewrites the fact index rows in place, " +
          "about a minute per million facts)");
    }
    if (ver >= 1 && ver < kSchemaVersion) {
      return Status::VersionMismatch(
          "database " + path + " has schema version " + std::to_string(ver) +
          ", older than this kg reads (" + std::to_string(kSchemaVersion) +
          "): re-ingest the articles into a new database with this kg");
    }
    if (ver != kSchemaVersion) {
      return Status::VersionMismatch("database " + path + " has unknown schema version " +
                                     std::to_string(ver) + " (this kg reads version " +
                                     std::to_string(kSchemaVersion) + ")");
    }
  }
  s = impl->db->Get(rocksdb::ReadOptions(), impl->cf(kMeta), std::string(kMetaCounters), &v);
  if (s.ok()) {
    if (!DecodeCounters(v, &impl->counters)) {
      return Status::Corruption("database " + path + ": counters record does not decode");
    }
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "read counters of " + path);
  }

  if (mode == OpenMode::kReadWrite) {
    std::ofstream pid(fs::path(path) / kPidFile, std::ios::trunc);
    pid << ::getpid() << "\n";
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Result<CommitResult> Store::Commit(const Article& article_in, std::string_view text,
                                   const Extraction& x_in) {
  if (impl_->mode != OpenMode::kReadWrite) {
    return Status::InvalidArgument("database " + impl_->path + " is open read-only");
  }
  if (Status s = ValidateExtraction(text, x_in); !s.ok()) return s;

  std::lock_guard<std::mutex> lock(impl_->write_mu);
  Article article = article_in;
  if (article.content_hash.empty()) article.content_hash = HexHash(text);
  article.bytes = text.size();

  Txn t(*impl_);
  CommitResult result;
  {
    std::string v;
    bool found = false;
    if (Status s = t.Get(kArticleIndex, ArticleHashKey(article.content_hash), &v, &found); !s.ok()) {
      return s;
    }
    if (found && v.size() == 8) {
      result.duplicate = true;
      result.seq = codec::GetU64(v.data());
      return result;
    }
  }

  // --- The graph as a gazetteer: capitalised words the extraction left
  // untagged that name a well-attested entity become mentions of it
  // (graph/known_names.h). Lookup failures only lose such mentions.
  Status lookup_status = Status::Ok();
  auto known_name = [&](std::string_view written) -> std::optional<EntityType> {
    const std::string norm = NormalizeName(written);
    if (norm.empty() || !lookup_status.ok()) return std::nullopt;
    const bool multi_word = norm.find(' ') != std::string::npos;
    std::vector<std::pair<std::string, std::string>> rows;
    if (Status s = t.Scan(kAliases, AliasPrefix(norm), &rows); !s.ok()) {
      lookup_status = s;
      return std::nullopt;
    }
    std::optional<EntityType> type;
    EntityId found = 0;
    for (const auto& [k, v] : rows) {
      if (k.size() != norm.size() + 9 || v != written) continue;  // same words, same case
      auto id = t.Canonical(codec::GetU64(k.data() + norm.size() + 1));
      if (!id.ok()) {
        lookup_status = id.status();
        return std::nullopt;
      }
      if (id.value() == found) continue;
      auto rec = t.Entity(id.value());
      if (!rec.ok()) {
        lookup_status = rec.status();
        return std::nullopt;
      }
      const EntityRec& r = rec.value();
      const bool typed = r.type == EntityType::kOrganization || r.type == EntityType::kPlace ||
                         (r.type == EntityType::kPerson && multi_word);  // a lone surname is ambiguous
      if (!typed || r.live_articles < kKnownNameMinArticles) continue;
      if (found != 0) return std::nullopt;  // two entities answer to it: leave it
      found = id.value();
      type = r.type;
    }
    return type;
  };
  Extraction augmented;
  const Extraction* xp = &x_in;
  {
    Extraction copy = x_in;
    if (AddKnownNameMentions(text, known_name, &copy) > 0 && lookup_status.ok()) {
      augmented = std::move(copy);
      xp = &augmented;
    }
  }
  if (!lookup_status.ok()) return lookup_status;
  const Extraction& x = *xp;

  Counters c = impl_->counters;
  const ArticleSeq seq = c.next_seq++;
  article.seq = seq;
  result.seq = seq;

  const size_t n = x.entities.size();
  std::vector<uint32_t> local_mentions(n, 0);
  std::vector<bool> used(n, false);
  for (const auto& m : x.mentions) {
    used[static_cast<size_t>(m.entity)] = true;
    ++local_mentions[static_cast<size_t>(m.entity)];
  }
  for (const auto& f : x.facts) {
    used[static_cast<size_t>(f.subject)] = true;
    used[static_cast<size_t>(f.object)] = true;
  }

  // --- Resolve local entities to graph entities.
  std::map<EntityId, EntityRec> entities;   // every entity this article touches
  std::set<EntityId> new_ids;
  std::vector<EntityId> gid(n, 0);
  auto load_entity = [&](EntityId id) -> Result<EntityRec*> {
    auto it = entities.find(id);
    if (it != entities.end()) return &it->second;
    auto rec = t.Entity(id);
    if (!rec.ok()) return rec.status();
    return &entities.emplace(id, std::move(rec).value()).first->second;
  };
  // Entity ids reached through the alias index for a normalised name.
  auto alias_hits = [&](const std::string& norm, std::vector<EntityId>* out) -> Status {
    std::vector<std::pair<std::string, std::string>> rows;
    if (Status s = t.Scan(kAliases, AliasPrefix(norm), &rows); !s.ok()) return s;
    for (const auto& [k, v] : rows) {
      if (k.size() != norm.size() + 9) continue;  // a longer name sharing the prefix
      auto id = t.Canonical(codec::GetU64(k.data() + norm.size() + 1));
      if (!id.ok()) return id.status();
      if (std::find(out->begin(), out->end(), id.value()) == out->end()) out->push_back(id.value());
    }
    return Status::Ok();
  };

  std::map<EntityId, std::vector<std::string>> names_used;  // normalised, per graph entity
  for (size_t i = 0; i < n; ++i) {
    if (!used[i]) continue;
    const LocalEntity& local = x.entities[i];
    std::vector<std::string> names;  // normalised, unique
    auto add_name = [&](const std::string& raw) {
      std::string norm = NormalizeName(raw);
      if (!norm.empty() && std::find(names.begin(), names.end(), norm) == names.end()) {
        names.push_back(norm);
      }
    };
    add_name(local.name);
    for (const auto& nm : local.names) add_name(nm);

    EntityId chosen = 0;
    if (local.type == EntityType::kConcept) {
      // Concepts join by exact normalised name only.
      if (!names.empty()) {
        std::vector<EntityId> hits;
        if (Status s = alias_hits(names[0], &hits); !s.ok()) return s;
        for (EntityId id : hits) {
          auto rec = load_entity(id);
          if (!rec.ok()) return rec.status();
          if (rec.value()->type == EntityType::kConcept) {
            chosen = id;
            break;
          }
        }
      }
    } else {
      std::vector<std::string> lookups = names;
      if (local.type == EntityType::kPerson && !names.empty()) {
        std::string last = LastWord(names[0]);
        if (!last.empty() && std::find(lookups.begin(), lookups.end(), last) == lookups.end()) {
          lookups.push_back(last);
        }
      }
      if (local.type != EntityType::kPerson && !names.empty()) {
        std::string core = NameCore(names[0]);
        if (!core.empty() && std::find(lookups.begin(), lookups.end(), core) == lookups.end()) {
          lookups.push_back(core);
        }
      }
      std::vector<ResolveCandidate> candidates;
      std::map<EntityId, size_t> index;
      for (const auto& norm : lookups) {
        std::vector<EntityId> hits;
        if (Status s = alias_hits(norm, &hits); !s.ok()) return s;
        for (EntityId id : hits) {
          auto rec = load_entity(id);
          if (!rec.ok()) return rec.status();
          const EntityRec& r = *rec.value();
          if (r.type == EntityType::kConcept) continue;
          auto [it, inserted] = index.emplace(id, candidates.size());
          if (inserted) {
            ResolveCandidate cand;
            cand.entity.id = id;
            cand.entity.name = r.name;
            cand.entity.type = r.type;
            cand.entity.aliases = r.aliases;
            cand.entity.mentions = r.live_mentions;
            cand.entity.first_seen = r.live_first_seen;
            candidates.push_back(std::move(cand));
          }
          candidates[it->second].hit_names.push_back(norm);
        }
      }
      int r = ResolveEntity(local, candidates);
      if (r >= 0 && static_cast<size_t>(r) < candidates.size()) chosen = candidates[r].entity.id;
    }

    if (chosen == 0) {
      chosen = c.next_entity++;
      EntityRec rec;
      rec.type = local.type;
      rec.name = local.name.empty() && !local.names.empty() ? local.names[0] : local.name;
      entities[chosen] = std::move(rec);
      new_ids.insert(chosen);
    }
    gid[i] = chosen;
    for (const auto& nm : names) {
      auto& used_names = names_used[chosen];
      if (std::find(used_names.begin(), used_names.end(), nm) == used_names.end()) {
        used_names.push_back(nm);
      }
    }
    // Record every name form as an alias of the chosen entity.
    auto rec = load_entity(chosen);
    if (!rec.ok()) return rec.status();
    EntityRec& er = *rec.value();
    std::vector<const std::string*> forms = {&local.name};
    for (const auto& nm : local.names) forms.push_back(&nm);
    for (const std::string* form : forms) {
      std::string norm = NormalizeName(*form);
      if (norm.empty()) continue;
      bool known = false;
      for (const auto& a : er.aliases) known = known || NormalizeName(a) == norm;
      if (known) continue;
      er.aliases.push_back(*form);
      t.Put(kAliases, AliasKey(norm, chosen), *form);
    }
  }

  // --- Mentions.
  std::map<EntityId, uint64_t> seen;  // entity -> mentions in this article
  for (size_t i = 0; i < n; ++i) {
    if (used[i]) seen[gid[i]] += 0;
  }
  uint32_t merged_mentions = 0;
  for (const auto& m : x.mentions) {
    EntityId e = gid[static_cast<size_t>(m.entity)];
    std::string v;
    codec::PutVarint(&v, m.end - m.begin);
    codec::PutVarint(&v, m.sentence);
    v.push_back(static_cast<char>(m.kind));
    t.Put(kMentions, MentionKey(e, seq, static_cast<uint32_t>(m.begin)), v);
    ++seen[e];
    if (new_ids.count(e) == 0) ++merged_mentions;
  }
  for (const auto& [e, count] : seen) {
    SeenRec sr;
    sr.mentions = count;
    sr.names = names_used[e];
    t.Put(kEntitySeen, SeenKey(e, seq), EncodeSeen(sr));
    t.Put(kContrib, ContribKey(seq, 'e', e), "");
    auto rec = load_entity(e);
    if (!rec.ok()) return rec.status();
    EntityRec& er = *rec.value();
    if (er.live_articles == 0) {
      er.live_first_seen = seq;
      ++c.live_entities;
    }
    ++er.live_articles;
    er.live_mentions += count;
  }

  // --- Facts and evidence.
  std::map<FactId, FactRec> facts;
  std::map<std::string, PredId> terms;
  std::map<std::pair<FactId, uint32_t>, uint16_t> ords;
  std::set<uint32_t> sentences_used;
  std::set<FactId> facts_in_article;
  for (const auto& f : x.facts) {
    PredId pid = 0;
    if (auto it = terms.find(f.predicate); it != terms.end()) {
      pid = it->second;
    } else {
      std::string v;
      bool found = false;
      if (Status s = t.Get(kTerms, TermNameKey(f.predicate), &v, &found); !s.ok()) return s;
      if (found && v.size() == 4) {
        pid = codec::GetU32(v.data());
      } else {
        pid = static_cast<PredId>(c.next_term++);
        std::string pv;
        codec::PutU32(&pv, pid);
        t.Put(kTerms, TermNameKey(f.predicate), pv);
        t.Put(kTerms, TermIdKey(pid), f.predicate);
      }
      terms[f.predicate] = pid;
    }
    const EntityId s_id = gid[static_cast<size_t>(f.subject)];
    const EntityId o_id = gid[static_cast<size_t>(f.object)];
    const std::string ident = FactIdentKey(s_id, pid, o_id, f.negated, f.modality);
    FactId fid = 0;
    {
      std::string v;
      bool found = false;
      if (Status s = t.Get(kFactIds, ident, &v, &found); !s.ok()) return s;
      if (found && v.size() == 8) fid = codec::GetU64(v.data());
    }
    if (fid == 0) {
      fid = c.next_fact++;
      FactRec rec;
      rec.subject = s_id;
      rec.pred = pid;
      rec.object = o_id;
      rec.negated = f.negated;
      rec.modality = f.modality;
      facts[fid] = rec;
      t.Put(kFactIds, ident, codec::U64Key(fid));
      t.Put(kSpo, SpoKey(s_id, pid, o_id, fid), "");
      t.Put(kPos, PosKey(s_id, pid, o_id, fid), "");
      t.Put(kOsp, OspKey(s_id, pid, o_id, fid), "");
    }
    const bool first_in_article = facts_in_article.insert(fid).second;
    if (facts.find(fid) == facts.end()) {
      auto rec = t.Fact(fid);
      if (!rec.ok()) return rec.status();
      facts[fid] = std::move(rec).value();
    }
    FactRec& rec = facts[fid];
    const uint16_t ord = ords[{fid, f.sentence}]++;
    EvidenceRec ev{f.surface, f.attribution, f.confidence};
    t.Put(kEvidence, EvidenceKey(fid, seq, f.sentence, ord), EncodeEvidence(ev));
    ++c.evidence;
    sentences_used.insert(f.sentence);
    if (first_in_article) {
      t.Put(kContrib, ContribKey(seq, 'f', fid), "");
      if (rec.live_support == 0) {
        ++result.new_facts;
        rec.live_first_seen = seq;
        rec.live_surface = f.surface;
        rec.live_confidence = 0.0f;
        ++c.live_facts;
        if (Status s = t.AddPredCount(pid, 1); !s.ok()) return s;
      } else {
        ++result.reinforced_facts;
      }
      ++rec.live_support;
    }
    rec.live_confidence = std::max(rec.live_confidence, f.confidence);
  }
  for (uint32_t si : sentences_used) {
    const SentenceSpan& sp = x.sentences[si];
    std::string v;
    codec::PutVarint(&v, sp.begin);
    codec::PutVarint(&v, sp.end);
    codec::PutString(&v, text.substr(sp.begin, sp.end - sp.begin));
    t.Put(kSentences, SentenceKey(seq, si), v);
  }

  for (const auto& [id, rec] : entities) {
    if (Status s = t.PutEntity(id, &rec); !s.ok()) return s;
    t.NoteEntity(id, rec);
  }
  for (const auto& [id, rec] : facts) {
    if (Status s = t.PutFact(id, rec); !s.ok()) return s;
  }

  // --- The article and its log entry.
  result.new_entities = static_cast<uint32_t>(new_ids.size());
  LogEntry entry;
  entry.seq = seq;
  entry.kind = LogEntry::Kind::kArticle;
  entry.article = article;
  entry.sentences = static_cast<uint32_t>(x.sentences.size());
  entry.new_entities = result.new_entities;
  entry.new_facts = result.new_facts;
  entry.reinforced_facts = result.reinforced_facts;
  entry.mentions = static_cast<uint32_t>(x.mentions.size());
  entry.merged_mentions = merged_mentions;
  t.Put(kLog, codec::U64Key(seq), EncodeLog(entry));
  if (!article.id.empty()) t.Put(kArticleIndex, ArticleIdKey(article.id), codec::U64Key(seq));
  t.Put(kArticleIndex, ArticleHashKey(article.content_hash), codec::U64Key(seq));
  ++c.live_articles;
  t.Put(kMeta, std::string(kMetaCounters), EncodeCounters(c));

  if (Status s = t.Write(); !s.ok()) return s;
  impl_->counters = c;
  return result;
}

Result<LogEntry> Store::Retract(ArticleSeq seq) {
  if (impl_->mode != OpenMode::kReadWrite) {
    return Status::InvalidArgument("database " + impl_->path + " is open read-only");
  }
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  Txn t(*impl_);
  LogEntry target;
  {
    std::string v;
    bool found = false;
    if (Status s = t.Get(kLog, codec::U64Key(seq), &v, &found); !s.ok()) return s;
    if (!found) return Status::NotFound("no article with sequence number " + std::to_string(seq));
    if (!DecodeLog(seq, v, &target)) return Status::Corruption("log entry " + std::to_string(seq));
    if (target.kind != LogEntry::Kind::kArticle) {
      return Status::InvalidArgument("log entry " + std::to_string(seq) +
                                     " is a retraction, not an article");
    }
    if (Status s = t.Get(kRetractions, codec::U64Key(seq), &v, &found); !s.ok()) return s;
    if (found) {
      return Status::InvalidArgument("article " + std::to_string(seq) + " is already retracted");
    }
  }
  Counters c = impl_->counters;
  const ArticleSeq rseq = c.next_seq++;
  t.Put(kRetractions, codec::U64Key(seq), codec::U64Key(rseq));
  auto retracted = t.Retracted();  // includes `seq`: the batch is read first
  if (!retracted.ok()) return retracted.status();

  std::vector<std::pair<std::string, std::string>> rows;
  if (Status s = t.Scan(kContrib, codec::U64Key(seq), &rows); !s.ok()) return s;
  for (const auto& [k, v] : rows) {
    if (k.size() != 17) continue;
    const char tag = k[8];
    const uint64_t id = codec::GetU64(k.data() + 9);
    if (tag == 'f') {
      auto rec = t.Fact(id);
      if (!rec.ok()) return rec.status();
      FactRec f = std::move(rec).value();
      const bool was_live = f.live_support > 0;
      if (Status s = t.RecomputeFact(id, retracted.value(), &f); !s.ok()) return s;
      if (was_live && f.live_support == 0) {
        --c.live_facts;
        if (Status s = t.AddPredCount(f.pred, -1); !s.ok()) return s;
      }
      if (Status s = t.PutFact(id, f); !s.ok()) return s;
    } else if (tag == 'e') {
      auto rec = t.Entity(id);
      if (!rec.ok()) {
        if (rec.status().code() == Status::Code::kNotFound) continue;  // merged away
        return rec.status();
      }
      EntityRec e = std::move(rec).value();
      std::vector<std::pair<std::string, std::string>> seen;
      if (Status s = t.Scan(kEntitySeen, codec::U64Key(id), &seen); !s.ok()) return s;
      uint64_t mentions = 0, articles = 0, first = 0;
      for (const auto& [sk, sv] : seen) {
        if (sk.size() != 16) continue;
        ArticleSeq as = codec::GetU64(sk.data() + 8);
        if (retracted.value().count(as) != 0) continue;
        codec::Decoder d(sv);
        mentions += d.Varint();
        ++articles;
        if (first == 0) first = as;
      }
      if (e.live_articles > 0 && articles == 0) --c.live_entities;
      e.live_mentions = mentions;
      e.live_articles = articles;
      e.live_first_seen = first;
      if (Status s = t.PutEntity(id, &e); !s.ok()) return s;
    }
  }
  // The same text may be ingested again after a retraction.
  t.Delete(kArticleIndex, ArticleHashKey(target.article.content_hash));
  LogEntry entry;
  entry.seq = rseq;
  entry.kind = LogEntry::Kind::kRetraction;
  entry.article = target.article;
  entry.retracts = seq;
  t.Put(kLog, codec::U64Key(rseq), EncodeLog(entry));
  if (c.live_articles > 0) --c.live_articles;
  t.Put(kMeta, std::string(kMetaCounters), EncodeCounters(c));
  if (Status s = t.Write(); !s.ok()) return s;
  impl_->counters = c;
  return entry;
}

Status Store::MergeEntities(EntityId keep_in, EntityId drop_in) {
  if (impl_->mode != OpenMode::kReadWrite) {
    return Status::InvalidArgument("database " + impl_->path + " is open read-only");
  }
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  Txn t(*impl_);
  auto keep_r = t.Canonical(keep_in);
  if (!keep_r.ok()) return keep_r.status();
  auto drop_r = t.Canonical(drop_in);
  if (!drop_r.ok()) return drop_r.status();
  const EntityId keep = keep_r.value();
  const EntityId drop = drop_r.value();
  if (keep == drop) {
    return Status::InvalidArgument("entities " + std::to_string(keep_in) + " and " +
                                   std::to_string(drop_in) + " are already one entity");
  }
  auto keep_rec = t.Entity(keep);
  if (!keep_rec.ok()) return Status::NotFound("no entity " + std::to_string(keep_in));
  auto drop_rec = t.Entity(drop);
  if (!drop_rec.ok()) return Status::NotFound("no entity " + std::to_string(drop_in));
  EntityRec k = std::move(keep_rec).value();
  const EntityRec d = std::move(drop_rec).value();
  Counters c = impl_->counters;
  auto retracted = t.Retracted();
  if (!retracted.ok()) return retracted.status();
  const bool keep_live = k.live_articles > 0, drop_live = d.live_articles > 0;

  // Aliases move to the kept entity.
  for (const auto& a : d.aliases) {
    const std::string norm = NormalizeName(a);
    t.Delete(kAliases, AliasKey(norm, drop));
    bool known = false;
    for (const auto& ka : k.aliases) known = known || NormalizeName(ka) == norm;
    if (!known) {
      k.aliases.push_back(a);
      t.Put(kAliases, AliasKey(norm, keep), a);
    }
  }
  // Mentions, per-article presence and contributions.
  std::vector<std::pair<std::string, std::string>> rows;
  if (Status s = t.Scan(kMentions, codec::U64Key(drop), &rows); !s.ok()) return s;
  for (const auto& [key, v] : rows) {
    t.Delete(kMentions, key);
    t.Put(kMentions, codec::U64Key(keep) + key.substr(8), v);
  }
  rows.clear();
  if (Status s = t.Scan(kEntitySeen, codec::U64Key(drop), &rows); !s.ok()) return s;
  for (const auto& [key, v] : rows) {
    if (key.size() != 16) continue;
    const ArticleSeq as = codec::GetU64(key.data() + 8);
    SeenRec sr = DecodeSeen(v);
    std::string kv;
    bool found = false;
    if (Status s = t.Get(kEntitySeen, SeenKey(keep, as), &kv, &found); !s.ok()) return s;
    if (found) {
      SeenRec kr = DecodeSeen(kv);
      sr.mentions += kr.mentions;
      for (auto& nm : kr.names) {
        if (std::find(sr.names.begin(), sr.names.end(), nm) == sr.names.end()) sr.names.push_back(nm);
      }
    }
    t.Delete(kEntitySeen, key);
    t.Put(kEntitySeen, SeenKey(keep, as), EncodeSeen(sr));
    t.Delete(kContrib, ContribKey(as, 'e', drop));
    t.Put(kContrib, ContribKey(as, 'e', keep), "");
  }
  // Recount the kept entity's live presence.
  rows.clear();
  if (Status s = t.Scan(kEntitySeen, codec::U64Key(keep), &rows); !s.ok()) return s;
  k.live_mentions = k.live_articles = k.live_first_seen = 0;
  for (const auto& [key, v] : rows) {
    if (key.size() != 16) continue;
    const ArticleSeq as = codec::GetU64(key.data() + 8);
    if (retracted.value().count(as) != 0) continue;
    codec::Decoder dv(v);
    k.live_mentions += dv.Varint();
    ++k.live_articles;
    if (k.live_first_seen == 0) k.live_first_seen = as;
  }
  const int live_before = (keep_live ? 1 : 0) + (drop_live ? 1 : 0);
  const int live_after = k.live_articles > 0 ? 1 : 0;
  c.live_entities = c.live_entities + live_after - live_before;

  // Facts that name the dropped entity get the kept one; a fact that becomes
  // identical to an existing fact is folded into it (evidence moved over).
  std::set<FactId> fids;
  for (Cf cf : {kSpo, kOsp}) {
    rows.clear();
    if (Status s = t.Scan(cf, codec::U64Key(drop), &rows); !s.ok()) return s;
    for (const auto& [key, v] : rows) {
      if (key.size() == 28) fids.insert(codec::GetU64(key.data() + 20));
    }
  }
  for (FactId fid : fids) {
    auto fr = t.Fact(fid);
    if (!fr.ok()) return fr.status();
    FactRec f = std::move(fr).value();
    if (Status s = t.DeleteIndexRows(fid, f); !s.ok()) return s;
    t.Delete(kFactIds, FactIdentKey(f.subject, f.pred, f.object, f.negated, f.modality));
    const bool was_live = f.live_support > 0;
    if (f.subject == drop) f.subject = keep;
    if (f.object == drop) f.object = keep;
    const std::string ident = FactIdentKey(f.subject, f.pred, f.object, f.negated, f.modality);
    std::string v;
    bool found = false;
    if (Status s = t.Get(kFactIds, ident, &v, &found); !s.ok()) return s;
    if (!found || v.size() != 8) {
      t.Put(kFactIds, ident, codec::U64Key(fid));
      t.Put(kSpo, SpoKey(f.subject, f.pred, f.object, fid), "");
      t.Put(kPos, PosKey(f.subject, f.pred, f.object, fid), "");
      t.Put(kOsp, OspKey(f.subject, f.pred, f.object, fid), "");
      if (Status s = t.PutFact(fid, f); !s.ok()) return s;
      continue;
    }
    const FactId into = codec::GetU64(v.data());
    auto gr = t.Fact(into);
    if (!gr.ok()) return gr.status();
    FactRec g = std::move(gr).value();
    const bool into_live = g.live_support > 0;
    rows.clear();
    if (Status s = t.Scan(kEvidence, codec::U64Key(fid), &rows); !s.ok()) return s;
    for (const auto& [key, ev] : rows) {
      if (key.size() != kEvidenceKeySize) continue;
      const ArticleSeq as = codec::GetU64(key.data() + 8);
      const uint32_t sent = codec::GetU32(key.data() + 16);
      uint16_t ord = codec::GetU16(key.data() + 20);
      std::string probe;
      bool taken = true;
      while (taken) {
        if (Status s = t.Get(kEvidence, EvidenceKey(into, as, sent, ord), &probe, &taken); !s.ok()) {
          return s;
        }
        if (taken) ++ord;
      }
      t.Delete(kEvidence, key);
      t.Put(kEvidence, EvidenceKey(into, as, sent, ord), ev);
      t.Delete(kContrib, ContribKey(as, 'f', fid));
      t.Put(kContrib, ContribKey(as, 'f', into), "");
    }
    t.Delete(kFacts, codec::U64Key(fid));
    if (Status s = t.RecomputeFact(into, retracted.value(), &g); !s.ok()) return s;
    if (Status s = t.PutFact(into, g); !s.ok()) return s;
    const int before = (was_live ? 1 : 0) + (into_live ? 1 : 0);
    const int after = g.live_support > 0 ? 1 : 0;
    c.live_facts = c.live_facts + after - before;
    if (after != before) {
      if (Status s = t.AddPredCount(f.pred, after - before); !s.ok()) return s;
    }
  }

  if (Status s = t.PutEntity(keep, &k); !s.ok()) return s;
  if (Status s = t.PutEntity(drop, nullptr); !s.ok()) return s;
  t.Put(kRedirects, codec::U64Key(drop), codec::U64Key(keep));
  t.Put(kMeta, std::string(kMetaCounters), EncodeCounters(c));
  if (Status s = t.Write(); !s.ok()) return s;
  impl_->counters = c;
  return Status::Ok();
}

Result<EntityId> Store::SplitEntity(EntityId entity, const std::vector<std::string>& names) {
  if (impl_->mode != OpenMode::kReadWrite) {
    return Status::InvalidArgument("database " + impl_->path + " is open read-only");
  }
  std::set<std::string> split;
  for (const auto& n : names) {
    std::string norm = NormalizeName(n);
    if (!norm.empty()) split.insert(norm);
  }
  if (split.empty()) return Status::InvalidArgument("give at least one name to split off");
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  Txn t(*impl_);
  auto id_r = t.Canonical(entity);
  if (!id_r.ok()) return id_r.status();
  const EntityId id = id_r.value();
  auto rec_r = t.Entity(id);
  if (!rec_r.ok()) return Status::NotFound("no entity " + std::to_string(entity));
  EntityRec old_rec = std::move(rec_r).value();
  EntityRec fresh;
  fresh.type = old_rec.type;
  std::vector<std::string> remaining;
  for (const auto& a : old_rec.aliases) {
    (split.count(NormalizeName(a)) != 0 ? fresh.aliases : remaining).push_back(a);
  }
  for (const auto& norm : split) {
    bool known = false;
    for (const auto& a : fresh.aliases) known = known || NormalizeName(a) == norm;
    if (!known) {
      return Status::InvalidArgument("\"" + norm + "\" is not a name of \"" + old_rec.name + "\"");
    }
  }
  if (remaining.empty()) {
    return Status::InvalidArgument("cannot split every name off \"" + old_rec.name + "\"");
  }
  Counters c = impl_->counters;
  const EntityId nid = c.next_entity++;
  fresh.name = fresh.aliases[0];
  old_rec.aliases = remaining;
  const bool renamed = split.count(NormalizeName(old_rec.name)) != 0;
  if (renamed) old_rec.name = remaining[0];
  // Index rows written below carry both entities' names (schema 3).
  t.NoteEntity(nid, fresh);
  t.NoteEntity(id, old_rec);
  for (const auto& a : fresh.aliases) {
    t.Delete(kAliases, AliasKey(NormalizeName(a), id));
    t.Put(kAliases, AliasKey(NormalizeName(a), nid), a);
  }
  auto retracted = t.Retracted();
  if (!retracted.ok()) return retracted.status();

  // Articles that named the entity only by the split-off names move over
  // with their mentions and the facts they evidence.
  std::map<FactId, std::pair<FactRec, bool>> touched;  // fid -> (record, was live)
  auto touch = [&](FactId fid) -> Result<FactRec*> {
    auto it = touched.find(fid);
    if (it != touched.end()) return &it->second.first;
    auto fr = t.Fact(fid);
    if (!fr.ok()) return fr.status();
    const bool live = fr->live_support > 0;
    return &touched.emplace(fid, std::make_pair(std::move(fr).value(), live)).first->second.first;
  };
  std::vector<std::pair<std::string, std::string>> seen_rows;
  if (Status s = t.Scan(kEntitySeen, codec::U64Key(id), &seen_rows); !s.ok()) return s;
  for (const auto& [key, v] : seen_rows) {
    if (key.size() != 16) continue;
    const ArticleSeq as = codec::GetU64(key.data() + 8);
    const SeenRec sr = DecodeSeen(v);
    bool moves = !sr.names.empty();
    for (const auto& nm : sr.names) moves = moves && split.count(nm) != 0;
    if (!moves) continue;
    t.Delete(kEntitySeen, key);
    t.Put(kEntitySeen, SeenKey(nid, as), v);
    t.Delete(kContrib, ContribKey(as, 'e', id));
    t.Put(kContrib, ContribKey(as, 'e', nid), "");
    std::string mprefix = codec::U64Key(id);
    codec::PutU64(&mprefix, as);
    std::vector<std::pair<std::string, std::string>> rows;
    if (Status s = t.Scan(kMentions, mprefix, &rows); !s.ok()) return s;
    for (const auto& [mk, mv] : rows) {
      t.Delete(kMentions, mk);
      t.Put(kMentions, codec::U64Key(nid) + mk.substr(8), mv);
    }
    rows.clear();
    if (Status s = t.Scan(kContrib, codec::U64Key(as) + "f", &rows); !s.ok()) return s;
    for (const auto& [ck, cv] : rows) {
      if (ck.size() != 17) continue;
      const FactId fid = codec::GetU64(ck.data() + 9);
      auto fr = touch(fid);
      if (!fr.ok()) return fr.status();
      const FactRec f = *fr.value();
      if (f.subject != id && f.object != id) continue;
      const EntityId ns = f.subject == id ? nid : f.subject;
      const EntityId no = f.object == id ? nid : f.object;
      const std::string ident = FactIdentKey(ns, f.pred, no, f.negated, f.modality);
      std::string fv;
      bool found = false;
      if (Status s = t.Get(kFactIds, ident, &fv, &found); !s.ok()) return s;
      FactId into = 0;
      if (found && fv.size() == 8) {
        into = codec::GetU64(fv.data());
        auto g = touch(into);
        if (!g.ok()) return g.status();
      } else {
        into = c.next_fact++;
        FactRec g = f;
        g.subject = ns;
        g.object = no;
        g.live_support = 0;
        touched.emplace(into, std::make_pair(g, false));
        t.Put(kFactIds, ident, codec::U64Key(into));
        t.Put(kSpo, SpoKey(ns, f.pred, no, into), "");
        t.Put(kPos, PosKey(ns, f.pred, no, into), "");
        t.Put(kOsp, OspKey(ns, f.pred, no, into), "");
      }
      std::string eprefix = codec::U64Key(fid);
      codec::PutU64(&eprefix, as);
      std::vector<std::pair<std::string, std::string>> evs;
      if (Status s = t.Scan(kEvidence, eprefix, &evs); !s.ok()) return s;
      for (const auto& [ek, ev] : evs) {
        if (ek.size() != kEvidenceKeySize) continue;
        t.Delete(kEvidence, ek);
        t.Put(kEvidence, EvidenceKey(into, as, codec::GetU32(ek.data() + 16), codec::GetU16(ek.data() + 20)), ev);
      }
      t.Delete(kContrib, ck);
      t.Put(kContrib, ContribKey(as, 'f', into), "");
    }
  }
  for (auto& [fid, entry] : touched) {
    FactRec& f = entry.first;
    if (Status s = t.RecomputeFact(fid, retracted.value(), &f); !s.ok()) return s;
    const int before = entry.second ? 1 : 0, after = f.live_support > 0 ? 1 : 0;
    c.live_facts = c.live_facts + after - before;
    if (after != before) {
      if (Status s = t.AddPredCount(f.pred, after - before); !s.ok()) return s;
    }
    if (Status s = t.PutFact(fid, f); !s.ok()) return s;
  }
  // A renamed entity's other facts keep their records but their index rows
  // carry its old name: rewrite them.
  if (renamed) {
    std::set<FactId> fids;
    for (Cf cf : {kSpo, kOsp}) {
      std::vector<std::pair<std::string, std::string>> rows;
      if (Status s = t.Scan(cf, codec::U64Key(id), &rows); !s.ok()) return s;
      for (const auto& [key, v] : rows) {
        if (key.size() == 28) fids.insert(codec::GetU64(key.data() + 20));
      }
    }
    for (FactId fid : fids) {
      if (touched.count(fid) != 0) continue;
      auto fr = t.Fact(fid);
      if (!fr.ok()) return fr.status();
      if (Status s = t.PutFact(fid, fr.value()); !s.ok()) return s;
    }
  }
  // Live presence of both entities, recounted from their presence rows.
  const bool old_live = old_rec.live_articles > 0;
  for (auto [eid, rec] : {std::make_pair(id, &old_rec), std::make_pair(nid, &fresh)}) {
    std::vector<std::pair<std::string, std::string>> rows;
    if (Status s = t.Scan(kEntitySeen, codec::U64Key(eid), &rows); !s.ok()) return s;
    rec->live_mentions = rec->live_articles = rec->live_first_seen = 0;
    for (const auto& [key, v] : rows) {
      if (key.size() != 16) continue;
      const ArticleSeq as = codec::GetU64(key.data() + 8);
      if (retracted.value().count(as) != 0) continue;
      rec->live_mentions += DecodeSeen(v).mentions;
      ++rec->live_articles;
      if (rec->live_first_seen == 0) rec->live_first_seen = as;
    }
    if (Status s = t.PutEntity(eid, rec); !s.ok()) return s;
  }
  c.live_entities = c.live_entities - (old_live ? 1 : 0) + (old_rec.live_articles > 0 ? 1 : 0) +
                    (fresh.live_articles > 0 ? 1 : 0);
  t.Put(kMeta, std::string(kMetaCounters), EncodeCounters(c));
  if (Status s = t.Write(); !s.ok()) return s;
  impl_->counters = c;
  return nid;
}

Status Store::AddAlias(EntityId entity, std::string_view name) {
  if (impl_->mode != OpenMode::kReadWrite) {
    return Status::InvalidArgument("database " + impl_->path + " is open read-only");
  }
  const std::string norm = NormalizeName(name);
  if (norm.empty()) return Status::InvalidArgument("an alias must not be empty");
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  Txn t(*impl_);
  auto id = t.Canonical(entity);
  if (!id.ok()) return id.status();
  auto rec = t.Entity(id.value());
  if (!rec.ok()) return Status::NotFound("no entity " + std::to_string(entity));
  EntityRec e = std::move(rec).value();
  for (const auto& a : e.aliases) {
    if (NormalizeName(a) == norm) return Status::Ok();
  }
  e.aliases.emplace_back(name);
  t.Put(kAliases, AliasKey(norm, id.value()), std::string(name));
  if (Status s = t.PutEntity(id.value(), &e); !s.ok()) return s;
  return t.Write();
}

std::unique_ptr<Reader> Store::NewReader(const View& view) const {
  if (impl_->mode == OpenMode::kReadOnly) {
    // A secondary instance has no snapshots: its state only moves when it
    // catches up with the writer. Catch up only when no reader is alive, so
    // that a living reader's state never moves under it, and only when the
    // writer's files changed since the last catch-up: TryCatchUpWithPrimary
    // re-reads the MANIFEST and WAL tails (~20 ms on a 1M-fact graph), which
    // `kg shell` would otherwise pay before every query. The fingerprint is
    // taken before catching up, so a write that lands during the catch-up
    // changes it again and is picked up by the next reader.
    std::lock_guard<std::mutex> lock(impl_->catch_up_mu);
    if (impl_->live_readers.load() == 0) {
      std::string fingerprint = PrimaryFingerprint(impl_->path);
      if (fingerprint.empty() || fingerprint != impl_->primary_fingerprint) {
        if (impl_->db->TryCatchUpWithPrimary().ok()) {
          impl_->primary_fingerprint = std::move(fingerprint);
        } else {
          impl_->primary_fingerprint.clear();  // try again next time
        }
        ++impl_->catch_ups;
      }
    }
    return MakeReader(*impl_, view);
  }
  return MakeReader(*impl_, view);
}

Result<StoreStats> Store::Stats() const {
  StoreStats st;
  {
    std::string v;
    rocksdb::Status s =
        impl_->db->Get(rocksdb::ReadOptions(), impl_->cf(kMeta), std::string(kMetaCounters), &v);
    Counters c;
    if (s.ok() && !DecodeCounters(v, &c)) return Status::Corruption("counters record");
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read counters");
    st.articles = c.live_articles;
    st.entities = c.live_entities;
    st.facts = c.live_facts;
    st.evidence = c.evidence;
  }
  {
    std::lock_guard<std::mutex> lock(impl_->catch_up_mu);
    st.catch_ups = impl_->catch_ups;
  }
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(impl_->path, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fe;
    if (it->is_regular_file(fe)) st.disk_bytes += it->file_size(fe);
  }
  return st;
}

}  // namespace kg::store
