// Internal to store/: column families, key builders and record codecs.
// Layout: store/DESIGN.md. Nothing here is part of the public API.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graph/model.h"
#include "store/codec.h"
#include "store/store.h"

namespace kg::store::internal {

// Column families, in the order of their handles (index 0 is RocksDB's
// "default", which kg leaves empty).
enum Cf : int {
  kDefault = 0,
  kMeta,
  kTerms,
  kEntities,
  kAliases,
  kRedirects,
  kFactIds,
  kFacts,
  kSpo,
  kPos,
  kOsp,
  kEvidence,
  kSentences,
  kLog,
  kArticleIndex,
  kRetractions,
  kContrib,
  kMentions,
  kEntitySeen,
  kStpo,
  kNames,
  kAdj,
  kHubc,
  kCfCount
};
inline constexpr const char* kCfNames[kCfCount] = {
    "default", "meta", "terms", "entities", "aliases", "redirects", "fact_ids",
    "facts", "spo", "pos", "osp", "evidence", "sentences", "log", "article_index",
    "retractions", "contrib", "mentions", "entity_seen", "stpo", "names", "adj", "hubc"};

using PredId = uint32_t;

// meta keys
inline constexpr std::string_view kMetaSchema = "schema_version";
inline constexpr std::string_view kMetaCounters = "counters";

// Writer counters, persisted in every batch under meta "counters".
struct Counters {
  uint64_t next_seq = 1;
  uint64_t next_entity = 1;
  uint64_t next_fact = 1;
  uint64_t next_term = 1;
  uint64_t live_articles = 0;
  uint64_t live_entities = 0;
  uint64_t live_facts = 0;
  uint64_t evidence = 0;
};
inline std::string EncodeCounters(const Counters& c) {
  std::string s;
  for (uint64_t v : {c.next_seq, c.next_entity, c.next_fact, c.next_term, c.live_articles,
                     c.live_entities, c.live_facts, c.evidence}) {
    codec::PutVarint(&s, v);
  }
  return s;
}
inline bool DecodeCounters(std::string_view in, Counters* c) {
  codec::Decoder d(in);
  for (uint64_t* v : {&c->next_seq, &c->next_entity, &c->next_fact, &c->next_term,
                      &c->live_articles, &c->live_entities, &c->live_facts, &c->evidence}) {
    *v = d.Varint();
  }
  return d.ok();
}

// entities: eid(8) -> EntityRec. The live_* fields describe the latest view.
struct EntityRec {
  EntityType type = EntityType::kMisc;
  std::string name;
  std::vector<std::string> aliases;
  uint64_t live_mentions = 0;
  uint64_t live_articles = 0;   // articles (not retracted) that mention it; 0 = invisible
  uint64_t live_first_seen = 0;
};
inline std::string EncodeEntity(const EntityRec& e) {
  std::string s;
  s.push_back(static_cast<char>(e.type));
  codec::PutString(&s, e.name);
  codec::PutVarint(&s, e.aliases.size());
  for (const auto& a : e.aliases) codec::PutString(&s, a);
  codec::PutVarint(&s, e.live_mentions);
  codec::PutVarint(&s, e.live_articles);
  codec::PutVarint(&s, e.live_first_seen);
  return s;
}
inline bool DecodeEntity(std::string_view in, EntityRec* e) {
  codec::Decoder d(in);
  uint8_t t = d.Byte();
  e->type = t < kEntityTypeCount ? static_cast<EntityType>(t) : EntityType::kMisc;
  e->name = d.String();
  uint64_t n = d.Varint();
  e->aliases.clear();
  for (uint64_t i = 0; i < n && d.ok(); ++i) e->aliases.push_back(d.String());
  e->live_mentions = d.Varint();
  e->live_articles = d.Varint();
  e->live_first_seen = d.Varint();
  return d.ok();
}

// facts: fid(8) -> FactRec. The live_* fields describe the latest view.
struct FactRec {
  EntityId subject = 0;
  PredId pred = 0;
  EntityId object = 0;
  bool negated = false;
  Modality modality = Modality::kAsserted;
  uint64_t live_first_seen = 0;
  uint64_t live_support = 0;    // distinct visible articles; 0 = invisible
  float live_confidence = 0.0f;
  std::string live_surface;
};
inline std::string EncodeFact(const FactRec& f) {
  std::string s;
  codec::PutVarint(&s, f.subject);
  codec::PutVarint(&s, f.pred);
  codec::PutVarint(&s, f.object);
  s.push_back(static_cast<char>((f.negated ? 1 : 0) | (static_cast<int>(f.modality) << 1)));
  codec::PutVarint(&s, f.live_first_seen);
  codec::PutVarint(&s, f.live_support);
  codec::PutFloat(&s, f.live_confidence);
  codec::PutString(&s, f.live_surface);
  return s;
}
// A fact record decoded in place: the surface is a view into the input
// (valid as long as the input). Scans decode index rows into one of these,
// so a row costs no string copy until a Fact is filled from it.
struct FactRecView {
  EntityId subject = 0;
  PredId pred = 0;
  EntityId object = 0;
  bool negated = false;
  Modality modality = Modality::kAsserted;
  uint64_t live_first_seen = 0;
  uint64_t live_support = 0;
  float live_confidence = 0.0f;
  std::string_view live_surface;
};
inline void DecodeFactFields(codec::Decoder& d, FactRecView* f) {
  f->subject = d.Varint();
  f->pred = static_cast<PredId>(d.Varint());
  f->object = d.Varint();
  uint8_t flags = d.Byte();
  f->negated = (flags & 1) != 0;
  f->modality = static_cast<Modality>((flags >> 1) & 0x7);
  f->live_first_seen = d.Varint();
  f->live_support = d.Varint();
  f->live_confidence = d.Float();
  f->live_surface = d.StringView();
}
inline bool DecodeFactView(std::string_view in, FactRecView* f) {
  codec::Decoder d(in);
  DecodeFactFields(d, f);
  return d.ok();
}
inline bool DecodeFact(std::string_view in, FactRec* f) {
  FactRecView v;
  if (!DecodeFactView(in, &v)) return false;
  f->subject = v.subject;
  f->pred = v.pred;
  f->object = v.object;
  f->negated = v.negated;
  f->modality = v.modality;
  f->live_first_seen = v.live_first_seen;
  f->live_support = v.live_support;
  f->live_confidence = v.live_confidence;
  f->live_surface.assign(v.live_surface);  // into the record's buffer: no allocation when it fits
  return true;
}

// The value of a fact's index rows (spo/pos/osp, schema 3; stpo, schema 4): the fact
// record, then both ends' type (1 byte) and canonical name, so an expansion
// reads its neighbours' names and types from the row it scans (no entity
// point lookup). Every mutation that changes an entity's name rewrites the
// index rows of its facts in the same batch (store.cpp, DESIGN.md).
struct EndRec {
  EntityType type = EntityType::kMisc;
  std::string name;
};
inline std::string EncodeIndexValue(const FactRec& f, const EndRec& subject, const EndRec& object) {
  std::string s = EncodeFact(f);
  s.push_back(static_cast<char>(subject.type));
  codec::PutString(&s, subject.name);
  s.push_back(static_cast<char>(object.type));
  codec::PutString(&s, object.name);
  return s;
}
// The ends of an index value, as views into `in`; false when the value has
// none (a row of an older schema) or does not decode.
struct EndView {
  EntityType type = EntityType::kMisc;
  std::string_view name;
};
// One pass over an index value: the fact record (as views) and, when the
// row has them, its ends. Returns false when the record does not decode;
// *has_ends tells whether the ends were there and decoded.
inline bool DecodeIndexRow(std::string_view in, FactRecView* f, EndView* subject, EndView* object,
                           bool* has_ends) {
  codec::Decoder d(in);
  DecodeFactFields(d, f);
  *has_ends = false;
  if (!d.ok()) return false;
  if (d.done()) return true;
  for (EndView* e : {subject, object}) {
    const uint8_t t = d.Byte();
    e->type = t < kEntityTypeCount ? static_cast<EntityType>(t) : EntityType::kMisc;
    e->name = d.StringView();
  }
  *has_ends = d.ok();
  return true;
}
inline bool DecodeIndexEnds(std::string_view in, EndView* subject, EndView* object) {
  codec::Decoder d(in);
  (void)d.Varint();  // subject, predicate, object
  (void)d.Varint();
  (void)d.Varint();
  (void)d.Byte();    // flags
  (void)d.Varint();  // first seen, support
  (void)d.Varint();
  (void)d.Float();
  (void)d.StringView();  // surface
  if (!d.ok() || d.done()) return false;
  for (EndView* e : {subject, object}) {
    const uint8_t t = d.Byte();
    e->type = t < kEntityTypeCount ? static_cast<EntityType>(t) : EntityType::kMisc;
    e->name = d.StringView();
  }
  return d.ok();
}

// fact_ids: s(8) p(4) o(8) flags(1) -> fid(8). flags = negated | modality << 1.
inline std::string FactIdentKey(EntityId s, PredId p, EntityId o, bool negated, Modality m) {
  std::string k;
  codec::PutU64(&k, s);
  codec::PutU32(&k, p);
  codec::PutU64(&k, o);
  k.push_back(static_cast<char>((negated ? 1 : 0) | (static_cast<int>(m) << 1)));
  return k;
}
// spo: s p o fid ; pos: p o s fid ; osp: o s p fid (values: EncodeIndexValue).
inline std::string SpoKey(EntityId s, PredId p, EntityId o, FactId f) {
  std::string k;
  codec::PutU64(&k, s);
  codec::PutU32(&k, p);
  codec::PutU64(&k, o);
  codec::PutU64(&k, f);
  return k;
}
inline std::string PosKey(EntityId s, PredId p, EntityId o, FactId f) {
  std::string k;
  codec::PutU32(&k, p);
  codec::PutU64(&k, o);
  codec::PutU64(&k, s);
  codec::PutU64(&k, f);
  return k;
}
inline std::string OspKey(EntityId s, PredId p, EntityId o, FactId f) {
  std::string k;
  codec::PutU64(&k, o);
  codec::PutU64(&k, s);
  codec::PutU32(&k, p);
  codec::PutU64(&k, f);
  return k;
}

// stpo (schema 4): s(8) object type(1) p(4) o(8) fid(8), value as the spo
// row's. A subject's facts grouped by the other end's type, so a step with
// a type filter on its far end (`(b)-[r]->(c) WHERE c.type = 'place'`)
// scans only the rows of that type. An entity's type never changes once
// written, so only a fact rewritten with another object (merge, split)
// moves its row.
inline std::string StpoPrefix(EntityId s, EntityType object_type) {
  std::string k;
  codec::PutU64(&k, s);
  k.push_back(static_cast<char>(object_type));
  return k;
}
inline std::string StpoKey(EntityId s, EntityType object_type, PredId p, EntityId o, FactId f) {
  std::string k = StpoPrefix(s, object_type);
  codec::PutU32(&k, p);
  codec::PutU64(&k, o);
  codec::PutU64(&k, f);
  return k;
}
inline constexpr size_t kStpoKeySize = 29;

// adj (schema 5): s(8) -> every spo row of s, in key order, packed into one
// value: per row the spo key without its subject (p(4) o(8) fid(8)) and the
// row's value (varint length, bytes). A subject's out-facts are then one
// point read instead of a Seek and a Next per row through RocksDB's
// iterator stack (DESIGN.md "Adjacency values"). Only subjects with at most
// kAdjMaxRows rows have one: a commit that touches a subject rewrites its
// whole value, so the cap bounds that cost; a hub is read from spo, or by
// object type from its hubc chunks (below).
inline constexpr size_t kAdjMaxRows = 64;
inline constexpr size_t kAdjSuffixSize = 20;  // spo key minus the subject
inline void AppendPackedRow(std::string* out, std::string_view suffix, std::string_view value) {
  out->append(suffix);
  codec::PutString(out, value);
}
inline void AppendAdjRow(std::string* out, std::string_view spo_key, std::string_view value) {
  AppendPackedRow(out, spo_key.substr(8), value);
}

// hubc (schema 6): a hub's stpo rows in chunks, so that a typed scan of a
// hub (the far step of `(b)-[r]->(c) WHERE c.type = 'place'`) reads a few
// packed values instead of a Next per row. A chunk's key is the stpo key of
// its first row, s(8) type(1) p(4) o(8) fid(8); its value holds the stpo rows
// from there to the next chunk's key, packed as in adj (the suffix p o fid
// and the value). The first chunk of an (s, type) group also covers the
// group's rows before its key, so a commit finds the chunk a changed row
// falls in with one SeekForPrev. A chunk holds 1 to kHubChunkMaxRows rows; a
// commit rewrites only the chunks its rows fall in, and splits one that
// outgrows the cap into pieces of about kHubChunkFillRows (DESIGN.md "Hub
// chunks"). A hub is a subject with more than kAdjMaxRows spo rows (so it has
// no adj value); its marker, the key s(8) with an empty value, tells readers
// and writers that its chunks are there.
inline constexpr size_t kHubChunkMaxRows = 64;
inline constexpr size_t kHubChunkFillRows = 48;
inline constexpr size_t kStpoGroupSize = 9;  // s(8) type(1)
// How many chunks n rows of one group go into: one up to the cap, else
// pieces of about kHubChunkFillRows.
inline size_t HubChunkCount(size_t n) {
  return n <= kHubChunkMaxRows ? 1 : (n + kHubChunkFillRows - 1) / kHubChunkFillRows;
}
// Packs `rows` (stpo keys and values, in key order) into chunks, per (s,
// type) group HubChunkCount pieces of about equal size, and hands each to
// put(chunk key, packed value).
template <typename PutFn>
void PutHubChunks(const std::vector<std::pair<std::string, std::string>>& rows, PutFn&& put) {
  std::string packed;
  for (size_t g = 0; g < rows.size();) {
    size_t e = g;
    while (e < rows.size() && rows[e].first.compare(0, kStpoGroupSize, rows[g].first, 0, kStpoGroupSize) == 0) ++e;
    const size_t n = e - g, k = HubChunkCount(n);
    for (size_t i = 0; i < k; ++i) {
      const size_t from = g + n * i / k, to = g + n * (i + 1) / k;
      packed.clear();
      for (size_t r = from; r < to; ++r) {
        AppendPackedRow(&packed, std::string_view(rows[r].first).substr(kStpoGroupSize), rows[r].second);
      }
      put(rows[from].first, packed);
    }
    g = e;
  }
}
// Calls fn(suffix, value) for each row until fn returns false; false when
// the value is malformed (rows before the damage were visited).
template <typename Fn>
bool ForEachAdjRow(std::string_view packed, Fn&& fn) {
  codec::Decoder d(packed);
  while (!d.done()) {
    const std::string_view suffix = d.Bytes(kAdjSuffixSize);
    const std::string_view value = d.StringView();
    if (!d.ok()) return false;
    if (!fn(suffix, value)) return true;
  }
  return true;
}

// evidence: fid(8) seq(8) sentence(4) ord(2) -> EvidenceRec
inline std::string EvidenceKey(FactId f, ArticleSeq seq, uint32_t sentence, uint16_t ord) {
  std::string k;
  codec::PutU64(&k, f);
  codec::PutU64(&k, seq);
  codec::PutU32(&k, sentence);
  codec::PutU16(&k, ord);
  return k;
}
inline constexpr size_t kEvidenceKeySize = 22;
struct EvidenceRec {
  std::string surface;
  std::string attribution;
  float confidence = 0.0f;
};
inline std::string EncodeEvidence(const EvidenceRec& e) {
  std::string s;
  codec::PutString(&s, e.surface);
  codec::PutString(&s, e.attribution);
  codec::PutFloat(&s, e.confidence);
  return s;
}
inline bool DecodeEvidence(std::string_view in, EvidenceRec* e) {
  codec::Decoder d(in);
  e->surface = d.String();
  e->attribution = d.String();
  e->confidence = d.Float();
  return d.ok();
}

// sentences: seq(8) sentence(4) -> begin, end (varints), text
inline std::string SentenceKey(ArticleSeq seq, uint32_t sentence) {
  std::string k;
  codec::PutU64(&k, seq);
  codec::PutU32(&k, sentence);
  return k;
}

// log: seq(8) -> LogEntry (without `retracted`, which depends on the view)
inline std::string EncodeLog(const LogEntry& e) {
  std::string s;
  s.push_back(static_cast<char>(e.kind));
  const Article& a = e.article;
  for (const std::string* f : {&a.id, &a.title, &a.date, &a.source, &a.url, &a.content_hash}) {
    codec::PutString(&s, *f);
  }
  codec::PutVarint(&s, a.bytes);
  codec::PutVarint(&s, a.seq);
  codec::PutVarint(&s, e.retracts);
  for (uint32_t v : {e.sentences, e.new_entities, e.new_facts, e.reinforced_facts, e.mentions,
                     e.merged_mentions}) {
    codec::PutVarint(&s, v);
  }
  return s;
}
inline bool DecodeLog(ArticleSeq seq, std::string_view in, LogEntry* e) {
  codec::Decoder d(in);
  e->seq = seq;
  e->kind = d.Byte() == 1 ? LogEntry::Kind::kRetraction : LogEntry::Kind::kArticle;
  Article& a = e->article;
  for (std::string* f : {&a.id, &a.title, &a.date, &a.source, &a.url, &a.content_hash}) {
    *f = d.String();
  }
  a.bytes = d.Varint();
  a.seq = d.Varint();
  e->retracts = d.Varint();
  for (uint32_t* v : {&e->sentences, &e->new_entities, &e->new_facts, &e->reinforced_facts,
                      &e->mentions, &e->merged_mentions}) {
    *v = static_cast<uint32_t>(d.Varint());
  }
  return d.ok();
}

// article_index: 'i' + article id -> seq(8) ; 'h' + content hash -> seq(8)
inline std::string ArticleIdKey(std::string_view id) { return "i" + std::string(id); }
inline std::string ArticleHashKey(std::string_view h) { return "h" + std::string(h); }

// contrib: seq(8) 'f' fid(8) and seq(8) 'e' eid(8) -> "" (what an article touched)
inline std::string ContribKey(ArticleSeq seq, char tag, uint64_t id) {
  std::string k;
  codec::PutU64(&k, seq);
  k.push_back(tag);
  codec::PutU64(&k, id);
  return k;
}

// mentions: eid(8) seq(8) begin(4) -> length, sentence (varints), kind(1)
inline std::string MentionKey(EntityId e, ArticleSeq seq, uint32_t begin) {
  std::string k;
  codec::PutU64(&k, e);
  codec::PutU64(&k, seq);
  codec::PutU32(&k, begin);
  return k;
}
// entity_seen: eid(8) seq(8) -> mention count (varint), then the normalised
// names the article used for the entity (varint n, strings; used by split).
inline std::string SeenKey(EntityId e, ArticleSeq seq) {
  std::string k;
  codec::PutU64(&k, e);
  codec::PutU64(&k, seq);
  return k;
}
struct SeenRec {
  uint64_t mentions = 0;
  std::vector<std::string> names;
};
inline std::string EncodeSeen(const SeenRec& r) {
  std::string s;
  codec::PutVarint(&s, r.mentions);
  codec::PutVarint(&s, r.names.size());
  for (const auto& n : r.names) codec::PutString(&s, n);
  return s;
}
inline SeenRec DecodeSeen(std::string_view in) {
  codec::Decoder d(in);
  SeenRec r;
  r.mentions = d.Varint();
  if (d.done()) return r;
  const uint64_t n = d.Varint();
  for (uint64_t i = 0; i < n && d.ok(); ++i) r.names.push_back(d.String());
  return r;
}

// aliases: NormalizeName(name) 0x00 eid(8) -> name as written
inline std::string AliasPrefix(std::string_view norm) {
  std::string k(norm);
  k.push_back('\0');
  return k;
}
inline std::string AliasKey(std::string_view norm, EntityId e) {
  std::string k = AliasPrefix(norm);
  codec::PutU64(&k, e);
  return k;
}

// names (schema 4): NormalizeName(alias) -> the live entities (latest view)
// that have it among their aliases, each with its live mentions: varint n,
// then n (varint eid, varint mentions), most mentions first, then by id.
// Reader::FindByName reads one row with a point Get (whole-key Bloom filter)
// instead of an alias prefix scan plus each entity's record. Kept by
// Txn::PutEntity / DeleteEntity, through which every entity write goes.
struct NameHit {
  EntityId id = 0;
  uint64_t mentions = 0;
};
inline void SortNameHits(std::vector<NameHit>* hits) {
  std::sort(hits->begin(), hits->end(), [](const NameHit& a, const NameHit& b) {
    return a.mentions != b.mentions ? a.mentions > b.mentions : a.id < b.id;
  });
}
inline std::string EncodeNameRow(std::vector<NameHit> hits) {
  SortNameHits(&hits);
  std::string s;
  codec::PutVarint(&s, hits.size());
  for (const auto& h : hits) {
    codec::PutVarint(&s, h.id);
    codec::PutVarint(&s, h.mentions);
  }
  return s;
}
inline bool DecodeNameRow(std::string_view in, std::vector<NameHit>* out) {
  codec::Decoder d(in);
  const uint64_t n = d.Varint();
  out->clear();
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    NameHit h;
    h.id = d.Varint();
    h.mentions = d.Varint();
    out->push_back(h);
  }
  return d.ok();
}

// terms: 'n' label -> pid(4) ; 'i' pid(4) -> label ; 'c' pid(4) -> live fact count (varint)
inline std::string TermNameKey(std::string_view label) { return "n" + std::string(label); }
inline std::string TermIdKey(PredId p) {
  std::string k = "i";
  codec::PutU32(&k, p);
  return k;
}
inline std::string TermCountKey(PredId p) {
  std::string k = "c";
  codec::PutU32(&k, p);
  return k;
}

// The smallest key greater than every key starting with `prefix` ("" = none).
inline std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    auto c = static_cast<unsigned char>(prefix.back());
    if (c != 0xff) {
      prefix.back() = static_cast<char>(c + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

// Aggregates of one fact over a set of evidence rows.
struct Agg {
  ArticleSeq first_seen = 0;
  uint32_t support = 0;
  float confidence = 0.0f;
  std::string surface;
  ArticleSeq last_seq = 0;  // for counting distinct articles in seq order
  void Add(ArticleSeq seq, float conf, const std::string& surf) {
    if (support == 0 || seq < first_seen) {
      first_seen = seq;
      surface = surf;
    }
    if (support == 0 || seq != last_seq) ++support;
    last_seq = seq;
    if (conf > confidence) confidence = conf;
  }
};

}  // namespace kg::store::internal
