// The persistent graph: one RocksDB database directory.
//
// Layout and key encoding: store/DESIGN.md.
//
// Threading: a Store may be shared by threads. Commit/Retract/merge calls are
// serialised internally (one writer). Readers are cheap, immutable views bound
// to one RocksDB snapshot; a Reader may be used by one thread at a time and
// must not outlive its Store.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/extraction.h"
#include "graph/model.h"
#include "graph/status.h"

namespace kg::store {

// 2: index rows (spo/pos/osp) carry a copy of the fact record as their value.
// 3: ... and both ends' type and canonical name.
// 4: a fourth index, stpo (subject, object type, predicate, object), and a
//    per-name row of the live entities with their mentions (Store::Upgrade
//    converts 2 and 3).
// 5: an adjacency value per subject (adj: its spo rows packed into one
//    value; subjects with at most 64 facts). Store::Upgrade converts 2-4.
// 6: a hub's stpo rows again in chunks of at most 64 (hubc), with a marker
//    per hub. Store::Upgrade converts 2-5.
inline constexpr uint32_t kSchemaVersion = 6;

enum class OpenMode {
  kReadWrite,   // creates the database if missing; one writer process at a time (kBusy otherwise)
  kReadOnly,    // never writes; works while a writer runs in another process; kCorruption
                // when a table file the MANIFEST lists is missing or cut short (store/DESIGN.md)
};

// What a reader sees. The default is the latest state of the whole graph.
struct View {
  ArticleSeq as_of = UINT64_MAX;     // AS OF ARTICLE n: only log entries with seq <= n count
  std::optional<ArticleSeq> only_article;  // FROM ARTICLE: only evidence of that article
};

// A triple pattern; unset positions are wildcards. With at least one position
// bound the scan is a prefix scan of the SPO, POS or OSP index; a subject with
// object types (and no object) scans the STPO index, one prefix per type, so
// rows of other object types are never read (schema 4).
struct TriplePattern {
  std::optional<EntityId> subject;
  std::optional<std::string> predicate;
  std::optional<EntityId> object;
  // Only facts whose subject / object entity has one of these types (empty =
  // any). Checked on the type the index row carries, before the rest of the
  // row is decoded; rows without it read the entity.
  std::vector<EntityType> subject_types;
  std::vector<EntityType> object_types;
  // Fill Fact::surface. A caller that never reads the surface words passes
  // false: the facts handed to it then have an empty surface, which spares a
  // string copy per fact scanned. Default true.
  bool surface = true;
};

// The two ends of a fact as its index row carries them (schema 3): the
// canonical name and type of its subject and object entities. Names and types
// do not depend on the view. An empty name means "not known here": read the
// entity (rows reached other than through an index, e.g. FROM ARTICLE views).
struct FactEnds {
  std::string_view subject_name;
  std::string_view object_name;
  EntityType subject_type = EntityType::kMisc;
  EntityType object_type = EntityType::kMisc;
};

// One entry of the log: an ingested article or a retraction.
struct LogEntry {
  ArticleSeq seq = 0;
  enum class Kind : uint8_t { kArticle = 0, kRetraction = 1 } kind = Kind::kArticle;
  Article article;                  // for kRetraction: the retracted article
  ArticleSeq retracts = 0;          // for kRetraction: seq of the retracted article
  bool retracted = false;           // for kArticle: withdrawn by a later entry (latest view)
  uint32_t sentences = 0;
  uint32_t new_entities = 0;
  uint32_t new_facts = 0;
  uint32_t reinforced_facts = 0;
  uint32_t mentions = 0;
  uint32_t merged_mentions = 0;     // mentions that attached to entities known before
};

// The result of committing one article.
struct CommitResult {
  bool duplicate = false;           // same content hash already stored: nothing written
  ArticleSeq seq = 0;               // the new seq (or the existing one when duplicate)
  uint32_t new_entities = 0;
  uint32_t new_facts = 0;
  uint32_t reinforced_facts = 0;
};

// One stored mention of an entity.
struct StoredMention {
  ArticleSeq article_seq = 0;
  uint64_t begin = 0;               // byte offsets into that article's text
  uint64_t end = 0;
  uint32_t sentence = 0;
  Mention::Kind kind = Mention::Kind::kName;
};

struct StoreStats {
  uint64_t articles = 0;
  uint64_t entities = 0;
  uint64_t facts = 0;
  uint64_t evidence = 0;
  uint64_t disk_bytes = 0;          // size of the database directory
  // kReadOnly stores: how many times NewReader caught up with the writer
  // (it does only when the writer's files changed since). 0 for kReadWrite.
  uint64_t catch_ups = 0;
};

class Reader;

struct OpenOptions {
  // Read table files through mmap (the default; store/DESIGN.md "Table
  // options"), or with pread into the block cache: for comparisons, and for
  // file systems where mapping files is a problem.
  bool mmap_reads = true;
  // Read a subject's out-facts from its adj value (schema 5; the default) or,
  // off, from its spo rows as schema 4 did: for comparisons (kg-query-ab).
  bool adjacency_reads = true;
  // Read a hub's typed out-facts from its hubc chunks (schema 6; the
  // default) or, off, from its stpo rows as schema 5 did: for comparisons.
  bool hub_chunk_reads = true;
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::string& path, OpenMode mode,
                                             const OpenOptions& options = OpenOptions());
  // Converts a schema-2 database in place to the current schema (Open
  // refuses version 2 and says to run this), then compacts every column
  // family into one bottom-level run with this kg's table options (also a
  // current database: its contents do not change, its files are rewritten;
  // about a minute per million facts). Opens the database read-write, so no
  // other process may hold it.
  static Status Upgrade(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Resolves the article's local entities against the graph (alias index,
  // name structure, type), then writes the article, entities, facts, indexes
  // and evidence in ONE WriteBatch. The article gets the next seq.
  // `text` is the article text the extraction's offsets point into.
  Result<CommitResult> Commit(const Article& article, std::string_view text,
                              const Extraction& extraction);

  // Withdraws an article: appends a retraction entry to the log. Facts whose
  // only evidence came from it disappear from views at or after that entry.
  Result<LogEntry> Retract(ArticleSeq seq);

  // User corrections, persisted and applied to later articles.
  Status MergeEntities(EntityId keep, EntityId drop);
  Status AddAlias(EntityId entity, std::string_view name);
  // The opposite of a merge: `names` (aliases of `entity`) become a new
  // entity of the same type. Articles that named `entity` only by those names
  // move to the new entity with their mentions and the facts they evidence;
  // later articles using those names resolve to it. Returns the new id.
  // kInvalidArgument if a name is not an alias or no alias would remain.
  Result<EntityId> SplitEntity(EntityId entity, const std::vector<std::string>& names);

  std::unique_ptr<Reader> NewReader(const View& view = View()) const;
  Result<StoreStats> Stats() const;
  const std::string& path() const;

  class Impl;
 private:
  static Result<std::unique_ptr<Store>> OpenImpl(const std::string& path, OpenMode mode, bool upgrade,
                                                 const OpenOptions& options);
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Names what a Reader reads, for caches of things derived from the store:
// two readers have equal tokens only when they read the same Store object
// (this process) at the same RocksDB sequence number, i.e. nothing was
// written (commit, retraction, merge, alias, upgrade...) between them. The
// View is not part of it.
struct StateToken {
  uint64_t store = 0;     // unique per Store object opened in this process
  uint64_t sequence = 0;  // RocksDB's last sequence number the reader sees
  bool operator==(const StateToken&) const = default;
};

// A consistent, read-only view of the graph at one snapshot and one View.
// All callbacks return true to continue, false to stop the scan early.
class Reader {
 public:
  virtual ~Reader() = default;
  virtual const View& view() const = 0;

  // Entities (visible: first seen at or before view().as_of).
  virtual std::optional<Entity> GetEntity(EntityId id) = 0;
  // Exact lookup through the alias index (NormalizeName), most mentioned
  // first, visible entities only. The latest view reads the name's row of
  // the names index (one point read, no entity record); other views scan the
  // alias index and read each candidate.
  virtual std::vector<EntityId> FindByName(std::string_view name) = 0;
  virtual Status ScanEntities(const std::function<bool(const Entity&)>& fn) = 0;

  // Facts visible in the view, matching the pattern, in index order.
  virtual Status ScanFacts(const TriplePattern& pattern,
                           const std::function<bool(const Fact&)>& fn) = 0;
  // The same scan, also passing each fact's ends without reading the
  // entities (the views in FactEnds are valid during the call only).
  virtual Status ScanFactsWithEnds(const TriplePattern& pattern,
                                   const std::function<bool(const Fact&, const FactEnds&)>& fn) = 0;
  virtual std::optional<Fact> GetFact(FactId id) = 0;
  // Evidence of one fact visible in the view, in article seq order.
  virtual Status ScanEvidence(FactId id, const std::function<bool(const Evidence&)>& fn) = 0;
  // Mentions of one entity, in article seq order.
  virtual Status ScanMentions(EntityId id, const std::function<bool(const StoredMention&)>& fn) = 0;
  // What one article contributed: each fact it evidences, with that evidence,
  // and whether the fact was first seen in this article (else reinforced).
  virtual Status ScanArticleFacts(
      ArticleSeq seq,
      const std::function<bool(const Fact&, const Evidence&, bool first_seen_here)>& fn) = 0;
  // Every predicate label in use, with its fact count.
  virtual std::vector<std::pair<std::string, uint64_t>> Predicates() = 0;

  // The log, in seq order, up to view().as_of.
  virtual Status ScanLog(const std::function<bool(const LogEntry&)>& fn) = 0;
  virtual std::optional<LogEntry> GetLogEntry(ArticleSeq seq) = 0;
  // By article id (the input id) or content hash.
  virtual std::optional<ArticleSeq> FindArticle(std::string_view id) = 0;
  // The latest seq visible.
  virtual ArticleSeq LastSeq() = 0;
  // Names the state this reader reads (see StateToken).
  virtual StateToken state() const = 0;
};

}  // namespace kg::store
