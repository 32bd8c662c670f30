// Reader: one snapshot, one View. The latest view of the whole graph reads the
// live aggregates kept in the entity and fact records (no evidence scan);
// historical and single-article views recompute them from the evidence and
// presence rows they can see.
#include <algorithm>
#include <cstring>
#include <map>
#include <unordered_map>

#include "store/store_impl.h"

namespace kg::store {

using namespace internal;  // NOLINT: internal key/record helpers of this module

namespace {

class ReaderImpl final : public Reader {
 public:
  ReaderImpl(const Store::Impl& impl, const View& view) : impl_(impl), view_(view) {
    ++impl_.live_readers;
    if (impl_.mode == OpenMode::kReadWrite) {  // see NewReader for read-only stores
      snap_ = impl_.db->GetSnapshot();
      ro_.snapshot = snap_;
    }
    const uint64_t rocks_seq =
        snap_ != nullptr ? snap_->GetSequenceNumber() : impl_.db->GetLatestSequenceNumber();
    {
      std::lock_guard<std::mutex> lock(impl_.reader_state_mu);
      if (impl_.reader_state && impl_.reader_state->rocks_seq == rocks_seq) state_ = impl_.reader_state;
    }
    if (!state_) {
      auto st = std::make_shared<ReaderState>();
      st->rocks_seq = rocks_seq;
      std::string v;
      Counters c;
      if (impl_.db->Get(ro_, impl_.cf(kMeta), std::string(kMetaCounters), &v).ok()) {
        (void)DecodeCounters(v, &c);
      }
      st->last_seq = c.next_seq - 1;
      // Most graphs have no merges: one probe here spares a redirect lookup
      // per entity read.
      bool any = false;
      Status s = Scan(kRedirects, "", [&](const rocksdb::Slice&, const rocksdb::Slice&) {
        any = true;
        return false;
      });
      st->no_redirects = !any && s.ok();
      (void)Scan(kRetractions, "", [&](const rocksdb::Slice& k, const rocksdb::Slice& val) {
        if (k.size() == 8 && val.size() == 8) {
          st->retractions[codec::GetU64(k.data())] = codec::GetU64(val.data());
        }
        return true;
      });
      state_ = st;
      std::lock_guard<std::mutex> lock(impl_.reader_state_mu);
      impl_.reader_state = state_;
    }
    rocks_seq_ = rocks_seq;
    {
      std::lock_guard<std::mutex> lock(impl_.idle_iters_mu);
      std::swap(scratch_, impl_.idle_scratch);
    }
    if (!scratch_) {
      scratch_ = std::make_unique<ReaderScratch>();
      scratch_->iters_seq = rocks_seq;
    } else if (scratch_->iters_seq != rocks_seq) {
      // Iterators of another state (the labels hold in every state).
      for (auto& pool : scratch_->iters) pool.clear();
      scratch_->iters_seq = rocks_seq;
    }
    last_seq_ = state_->last_seq;
    no_redirects_ = state_->no_redirects;
    as_of_ = std::min(view_.as_of, last_seq_);
    latest_ = !view_.only_article.has_value() && view_.as_of >= last_seq_;
  }
  ~ReaderImpl() override {
    // Hand the iterators and labels to the next reader (see ReaderScratch),
    // unless one at least as new is there already; whatever loses is
    // destroyed outside the lock.
    for (auto& pool : scratch_->iters) {
      if (pool.size() > kMaxIdleIters) pool.resize(kMaxIdleIters);
    }
    {
      std::lock_guard<std::mutex> lock(impl_.idle_iters_mu);
      if (!impl_.idle_scratch || impl_.idle_scratch->iters_seq < rocks_seq_) std::swap(scratch_, impl_.idle_scratch);
    }
    scratch_.reset();
    if (snap_ != nullptr) impl_.db->ReleaseSnapshot(snap_);
    --impl_.live_readers;
  }

  const View& view() const override { return view_; }

  std::optional<Entity> GetEntity(EntityId id) override {
    id = Canonical(id);
    // An entity the last FindByName decoded: a query that looked a node up
    // by name and then reads its properties reads its record once. Handed
    // over (moved), since the caller keeps what it needs.
    for (auto& e : named_) {
      if (e.id == id && e.id != 0) {
        std::optional<Entity> out(std::move(e));
        e.id = 0;
        return out;
      }
    }
    rocksdb::PinnableSlice v;
    if (!impl_.db->Get(ro_, impl_.cf(kEntities), codec::U64Key(id), &v).ok()) return std::nullopt;
    EntityRec rec;
    if (!DecodeEntity(std::string_view(v.data(), v.size()), &rec)) return std::nullopt;
    return MakeEntity(id, rec);
  }

  std::vector<EntityId> FindByName(std::string_view name) override {
    const std::string norm = NormalizeName(name);
    std::vector<std::pair<uint64_t, EntityId>> found;  // (mentions, id)
    if (norm.empty()) return {};
    if (latest_) {
      // The names row (schema 4): the live entities with this name, ordered
      // by mentions, in one point read. No entity record is read, so none
      // is kept for GetEntity.
      named_.clear();
      rocksdb::PinnableSlice v;
      if (!impl_.db->Get(ro_, impl_.cf(kNames), norm, &v).ok()) return {};
      std::vector<EntityId> out;
      codec::Decoder d(std::string_view(v.data(), v.size()));
      const uint64_t n = d.Varint();
      for (uint64_t i = 0; i < n && d.ok(); ++i) {
        const EntityId id = d.Varint();
        (void)d.Varint();  // mentions: the row is in order already
        if (d.ok()) out.push_back(id);
      }
      return out;
    }
    std::vector<EntityId> ids;
    (void)Scan(kAliases, AliasPrefix(norm), [&](const rocksdb::Slice& k, const rocksdb::Slice&) {
      if (k.size() == norm.size() + 9) ids.push_back(codec::GetU64(k.data() + norm.size() + 1));
      return true;
    });
    named_.clear();
    for (EntityId id : ids) {
      auto e = GetEntity(id);
      if (!e) continue;
      bool dup = false;
      for (const auto& f : found) dup = dup || f.second == e->id;
      if (dup) continue;
      found.emplace_back(e->mentions, e->id);
      if (named_.size() < kMaxNamed) named_.push_back(std::move(*e));
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<EntityId> out;
    for (const auto& f : found) out.push_back(f.second);
    return out;
  }

  Status ScanEntities(const std::function<bool(const Entity&)>& fn) override {
    Status inner;
    Status s = Scan(kEntities, "", [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
      if (k.size() != 8) return true;
      EntityRec rec;
      if (!DecodeEntity(std::string_view(v.data(), v.size()), &rec)) {
        inner = Status::Corruption("entity record " + std::to_string(codec::GetU64(k.data())));
        return false;
      }
      auto e = MakeEntity(codec::GetU64(k.data()), rec);
      return !e || fn(*e);
    });
    return inner.ok() ? s : inner;
  }

  Status ScanFacts(const TriplePattern& p, const std::function<bool(const Fact&)>& fn) override {
    return ScanFactsImpl(p, [&](const Fact& f, const FactEnds&) { return fn(f); }, /*want_ends=*/false);
  }
  Status ScanFactsWithEnds(const TriplePattern& p,
                           const std::function<bool(const Fact&, const FactEnds&)>& fn) override {
    return ScanFactsImpl(p, fn, /*want_ends=*/true);
  }

  // want_ends: decode the ends of index rows for `fn` (a type filter in the
  // pattern decodes them anyway).
  template <typename Fn>
  Status ScanFactsImpl(const TriplePattern& p, Fn&& fn, bool want_ends) {
    std::optional<EntityId> subj, obj;
    if (p.subject) subj = Canonical(*p.subject);
    if (p.object) obj = Canonical(*p.object);
    PredId pid = 0;
    if (p.predicate) {
      auto id = PredIdOf(*p.predicate);
      if (!id) return Status::Ok();  // a label never seen matches nothing
      pid = *id;
    }
    Status inner;
    const bool typed = !p.subject_types.empty() || !p.object_types.empty();
    // Reused: its strings keep their buffers between facts, so a scan
    // allocates nothing per fact (the record is decoded as views into the
    // row, and the predicate label is assigned only when it changes).
    Fact fact;
    PredId fact_pred = kNoPred;
    FactEnds ends;
    const FactEnds no_ends;
    auto visit_rec = [&](FactId fid, const FactRecView& rec, const FactEnds& e) {
      if ((subj && rec.subject != *subj) || (obj && rec.object != *obj) ||
          (p.predicate && rec.pred != pid)) {
        return true;
      }
      if (latest_ && rec.live_support == 0) return true;  // retracted everywhere
      if (typed && e.subject_name.empty() &&
          (!TypeIn(p.subject_types, rec.subject) || !TypeIn(p.object_types, rec.object))) {
        return true;  // no ends in the row: the entity records decide
      }
      return !FillFact(fid, rec, &fact, &fact_pred, p.surface) || fn(fact, e);
    };
    auto visit_value = [&](FactId fid, std::string_view v, const FactEnds& e) {
      FactRecView rec;
      if (!DecodeFactView(v, &rec)) {
        inner = Status::Corruption("fact record " + std::to_string(fid));
        return false;
      }
      return visit_rec(fid, rec, e);
    };
    auto type_ok = [&](const std::vector<EntityType>& want, EntityType t) {
      return want.empty() || std::find(want.begin(), want.end(), t) != want.end();
    };
    rocksdb::PinnableSlice pinned;
    auto visit = [&](FactId fid, const FactEnds& e) {
      pinned.Reset();
      if (!impl_.db->Get(ro_, impl_.cf(kFacts), codec::U64Key(fid), &pinned).ok()) return true;
      return visit_value(fid, std::string_view(pinned.data(), pinned.size()), e);
    };
    // Index rows carry a copy of the fact record and its ends' names and
    // types (schema 3). The record is exact for the latest view; other views
    // read the record and recompute from evidence anyway, but names and types
    // hold in every view. An empty value (a row written before its record)
    // falls back.
    auto by_key = [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
      if (k.size() < 8) return true;
      const FactId fid = codec::GetU64(k.data() + k.size() - 8);
      const std::string_view value(v.data(), v.size());
      if (value.empty()) return visit(fid, no_ends);
      // One pass over the row: the record as views, then the ends.
      FactRecView rec;
      EndView s, o;
      bool has_ends = false;
      const bool rec_ok = DecodeIndexRow(value, &rec, &s, &o, &has_ends);
      has_ends = has_ends && (want_ends || typed);
      if (has_ends) {
        if (!s.name.empty() && !o.name.empty() &&
            (!type_ok(p.subject_types, s.type) || !type_ok(p.object_types, o.type))) {
          return true;  // the pushed-down type filter: nothing else decoded
        }
        ends = FactEnds{s.name, o.name, s.type, o.type};
      }
      if (latest_) {
        if (!rec_ok) {
          inner = Status::Corruption("fact record " + std::to_string(fid));
          return false;
        }
        return visit_rec(fid, rec, has_ends ? ends : no_ends);
      }
      return visit(fid, has_ends ? ends : no_ends);
    };

    Status s;
    // The subject's adj value (schema 5): its spo rows in key order in one
    // point read. A hub (more than kAdjMaxRows rows) has none; a scan of it
    // with one object type and no predicate reads its chunks of that type
    // from hubc (schema 6), when its marker is there. The rest read spo or
    // stpo below. With one wanted object type, the rows of other types are
    // skipped on the type in their ends (a short list); with several,
    // stpo's order (by type) is kept.
    bool done = false;
    bool stopped = false;  // a callback (or the predicate's end) ended the scan
    // Walks packed rows (adj or a hub chunk) through by_key; `key` holds the
    // row's key up to its last kAdjSuffixSize bytes. False when malformed.
    auto walk_packed = [&](std::string_view packed, char* key, size_t key_size) {
      return ForEachAdjRow(packed, [&](std::string_view suffix, std::string_view v) {
        if (p.predicate) {  // rows come in predicate order
          const PredId q = codec::GetU32(suffix.data());
          if (q != pid) return q < pid || (stopped = true, false);
        }
        std::memcpy(key + key_size - kAdjSuffixSize, suffix.data(), kAdjSuffixSize);
        return !(stopped = !by_key(rocksdb::Slice(key, key_size), rocksdb::Slice(v.data(), v.size())));
      });
    };
    if (!view_.only_article && subj && !obj && impl_.adjacency_reads && p.object_types.size() <= 1) {
      const std::string subject_key = codec::U64Key(*subj);
      rocksdb::PinnableSlice packed;
      rocksdb::Status gs = impl_.db->Get(ro_, impl_.cf(kAdj), subject_key, &packed);
      if (gs.ok()) {
        char key[8 + kAdjSuffixSize];
        std::memcpy(key, subject_key.data(), 8);
        if (!walk_packed(std::string_view(packed.data(), packed.size()), key, sizeof key) && inner.ok()) {
          inner = Status::Corruption("adjacency value of entity " + std::to_string(*subj));
        }
        done = true;
      } else if (gs.IsNotFound() && p.object_types.size() == 1 && !p.predicate && impl_.hub_chunk_reads) {
        // Perhaps a hub: its marker (usually the bloom filter's "no"), then
        // its chunks of the one type, in key order.
        packed.Reset();
        gs = impl_.db->Get(ro_, impl_.cf(kHubc), subject_key, &packed);
        if (gs.ok()) {
          const std::string group = StpoPrefix(*subj, p.object_types[0]);
          char key[kStpoKeySize];
          std::memcpy(key, group.data(), kStpoGroupSize);
          bool any = false;
          s = Scan(kHubc, group, [&](const rocksdb::Slice&, const rocksdb::Slice& v) {
            any = true;
            if (!walk_packed(std::string_view(v.data(), v.size()), key, sizeof key)) {
              if (inner.ok()) inner = Status::Corruption("hub chunk of entity " + std::to_string(*subj));
              return false;
            }
            return !stopped;
          });
          // No chunk: the hub has no out-fact of that type, or its chunks
          // are missing; stpo answers both (one Seek).
          done = any || !s.ok();
        }
      }
      if (!done && !gs.ok() && !gs.IsNotFound()) {
        s = FromRocks(gs, "point read of adj or hubc");
        done = true;
      }
    }
    if (done) {
      // answered from the adj value above
    } else if (view_.only_article) {
      // Only that article's facts can be visible: walk its contributions.
      std::string prefix = codec::U64Key(*view_.only_article) + "f";
      s = Scan(kContrib, prefix, [&](const rocksdb::Slice& k, const rocksdb::Slice&) {
        return k.size() != 17 || visit(codec::GetU64(k.data() + 9), no_ends);
      });
    } else if (subj && !obj && !p.object_types.empty()) {
      // The stpo index (schema 4): only the rows whose object has one of the
      // wanted types, instead of every row of the subject (a hub has
      // thousands). One prefix per type; a callback's stop ends them all.
      auto until_stop = [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
        return !(stopped = !by_key(k, v));
      };
      std::vector<EntityType> types = p.object_types;
      std::sort(types.begin(), types.end());
      types.erase(std::unique(types.begin(), types.end()), types.end());
      for (EntityType t : types) {
        std::string prefix = StpoPrefix(*subj, t);
        if (p.predicate) codec::PutU32(&prefix, pid);
        s = Scan(kStpo, prefix, until_stop);
        if (!s.ok() || stopped) break;
      }
    } else if (subj) {
      std::string prefix;
      if (p.predicate) {
        codec::PutU64(&prefix, *subj);
        codec::PutU32(&prefix, pid);
        if (obj) codec::PutU64(&prefix, *obj);
        s = Scan(kSpo, prefix, by_key);
      } else if (obj) {
        codec::PutU64(&prefix, *obj);
        codec::PutU64(&prefix, *subj);
        s = Scan(kOsp, prefix, by_key);
      } else {
        codec::PutU64(&prefix, *subj);
        s = Scan(kSpo, prefix, by_key);
      }
    } else if (p.predicate) {
      std::string prefix;
      codec::PutU32(&prefix, pid);
      if (obj) codec::PutU64(&prefix, *obj);
      s = Scan(kPos, prefix, by_key);
    } else if (obj) {
      s = Scan(kOsp, codec::U64Key(*obj), by_key);
    } else {
      s = Scan(kFacts, "", [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
        return k.size() != 8 ||
               visit_value(codec::GetU64(k.data()), std::string_view(v.data(), v.size()), no_ends);
      });
    }
    return inner.ok() ? s : inner;
  }

  std::optional<Fact> GetFact(FactId id) override {
    rocksdb::PinnableSlice v;
    if (!impl_.db->Get(ro_, impl_.cf(kFacts), codec::U64Key(id), &v).ok()) return std::nullopt;
    FactRecView rec;
    if (!DecodeFactView(std::string_view(v.data(), v.size()), &rec)) return std::nullopt;
    return MakeFact(id, rec);
  }

  Status ScanEvidence(FactId id, const std::function<bool(const Evidence&)>& fn) override {
    std::string prefix = codec::U64Key(id);
    if (view_.only_article) codec::PutU64(&prefix, *view_.only_article);
    Status inner;
    Status s = Scan(kEvidence, prefix, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
      if (k.size() != kEvidenceKeySize) return true;
      const ArticleSeq seq = codec::GetU64(k.data() + 8);
      if (!Visible(seq)) return true;
      Evidence ev;
      inner = EvidenceFromRow(id, k, v, &ev);
      if (!inner.ok()) return false;
      return fn(ev);
    });
    return inner.ok() ? s : inner;
  }

  // One row of the evidence column family (key: fact id, article seq,
  // sentence index) as an Evidence with its article and sentence filled in.
  Status EvidenceFromRow(FactId id, const rocksdb::Slice& k, const rocksdb::Slice& v,
                         Evidence* ev) {
    EvidenceRec rec;
    if (!DecodeEvidence(std::string_view(v.data(), v.size()), &rec)) {
      return Status::Corruption("evidence record of fact " + std::to_string(id));
    }
    ev->article_seq = codec::GetU64(k.data() + 8);
    ev->sentence_index = codec::GetU32(k.data() + 16);
    ev->surface = std::move(rec.surface);
    ev->attribution = std::move(rec.attribution);
    ev->confidence = rec.confidence;
    FillArticleAndSentence(ev);
    return Status::Ok();
  }

  Status ScanMentions(EntityId id, const std::function<bool(const StoredMention&)>& fn) override {
    std::string prefix = codec::U64Key(Canonical(id));
    if (view_.only_article) codec::PutU64(&prefix, *view_.only_article);
    return Scan(kMentions, prefix, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
      if (k.size() != 20) return true;
      StoredMention m;
      m.article_seq = codec::GetU64(k.data() + 8);
      if (!Visible(m.article_seq)) return true;
      m.begin = codec::GetU32(k.data() + 16);
      codec::Decoder d(std::string_view(v.data(), v.size()));
      m.end = m.begin + d.Varint();
      m.sentence = static_cast<uint32_t>(d.Varint());
      m.kind = static_cast<Mention::Kind>(d.Byte());
      return fn(m);
    });
  }

  Status ScanArticleFacts(
      ArticleSeq seq,
      const std::function<bool(const Fact&, const Evidence&, bool)>& fn) override {
    if (!Visible(seq)) return Status::Ok();
    std::vector<FactId> fids;
    Status s = Scan(kContrib, codec::U64Key(seq) + "f",
                    [&](const rocksdb::Slice& k, const rocksdb::Slice&) {
                      if (k.size() == 17) fids.push_back(codec::GetU64(k.data() + 9));
                      return true;
                    });
    if (!s.ok()) return s;
    for (FactId fid : fids) {
      auto fact = GetFact(fid);
      if (!fact) continue;
      bool go_on = true;
      std::string prefix = codec::U64Key(fid);
      codec::PutU64(&prefix, seq);
      Status inner;
      s = Scan(kEvidence, prefix, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
        if (k.size() != kEvidenceKeySize) return true;
        Evidence ev;
        inner = EvidenceFromRow(fid, k, v, &ev);
        if (!inner.ok()) return false;
        go_on = fn(*fact, ev, fact->first_seen == seq);
        return go_on;
      });
      if (!inner.ok()) return inner;
      if (!s.ok()) return s;
      if (!go_on) break;
    }
    return Status::Ok();
  }

  std::vector<std::pair<std::string, uint64_t>> Predicates() override {
    std::vector<std::pair<std::string, uint64_t>> out;
    std::vector<PredId> pids;
    (void)Scan(kTerms, "i", [&](const rocksdb::Slice& k, const rocksdb::Slice&) {
      if (k.size() == 5) pids.push_back(codec::GetU32(k.data() + 1));
      return true;
    });
    for (PredId pid : pids) {
      uint64_t count = 0;
      if (latest_) {
        std::string v;
        if (Get(kTerms, TermCountKey(pid), &v)) {
          codec::Decoder d(v);
          count = d.Varint();
        }
      } else {
        TriplePattern p;
        p.predicate = PredName(pid);
        (void)ScanFacts(p, [&](const Fact&) {
          ++count;
          return true;
        });
      }
      if (count > 0) out.emplace_back(PredName(pid), count);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return out;
  }

  Status ScanLog(const std::function<bool(const LogEntry&)>& fn) override {
    Status inner;
    Status s = Scan(kLog, "", [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
      if (k.size() != 8) return true;
      const ArticleSeq seq = codec::GetU64(k.data());
      if (seq > as_of_) return false;
      LogEntry e;
      if (!DecodeLog(seq, std::string_view(v.data(), v.size()), &e)) {
        inner = Status::Corruption("log entry " + std::to_string(seq));
        return false;
      }
      e.retracted = e.kind == LogEntry::Kind::kArticle && RetractedInView(seq);
      return fn(e);
    });
    return inner.ok() ? s : inner;
  }

  std::optional<LogEntry> GetLogEntry(ArticleSeq seq) override {
    if (seq == 0 || seq > as_of_) return std::nullopt;
    std::string v;
    if (!Get(kLog, codec::U64Key(seq), &v)) return std::nullopt;
    LogEntry e;
    if (!DecodeLog(seq, v, &e)) return std::nullopt;
    e.retracted = e.kind == LogEntry::Kind::kArticle && RetractedInView(seq);
    return e;
  }

  std::optional<ArticleSeq> FindArticle(std::string_view id) override {
    for (const std::string& key : {ArticleIdKey(id), ArticleHashKey(id)}) {
      std::string v;
      if (Get(kArticleIndex, key, &v) && v.size() == 8) {
        ArticleSeq seq = codec::GetU64(v.data());
        if (seq <= as_of_) return seq;
      }
    }
    return std::nullopt;
  }

  ArticleSeq LastSeq() override { return as_of_; }

  StateToken state() const override { return StateToken{impl_.instance, rocks_seq_}; }

 private:
  bool RetractedInView(ArticleSeq seq) const {
    auto it = state_->retractions.find(seq);
    return it != state_->retractions.end() && it->second <= as_of_;
  }
  // Does evidence / presence from article `seq` count in this view?
  bool Visible(ArticleSeq seq) const {
    if (seq == 0 || seq > as_of_) return false;
    if (view_.only_article && seq != *view_.only_article) return false;
    return !RetractedInView(seq);
  }

  bool Get(Cf c, const std::string& key, std::string* value) {
    return impl_.db->Get(ro_, impl_.cf(c), key, value).ok();
  }

  // Prefix scans reuse this reader's iterators (one pool per column family;
  // a scan started inside another scan's callback takes a second one):
  // creating a RocksDB iterator builds a merging iterator over the memtables
  // and every level, which cost more than the scan itself for short prefixes
  // (a 1-hop, each step of a 2-hop). Each carries a movable upper bound (see
  // BoundedIter), set to the first key past the prefix; the loop checks the
  // prefix too. A scan of a whole family (empty prefix) uses an unbounded
  // iterator of its own.
  template <typename Fn>
  Status Scan(Cf c, const std::string& prefix, Fn&& fn) {
    std::string bound = PrefixEnd(prefix);
    if (bound.empty()) {
      std::unique_ptr<rocksdb::Iterator> it(impl_.db->NewIterator(ro_, impl_.cf(c)));
      return Loop(c, it.get(), prefix, fn);
    }
    auto& pool = scratch_->iters[c];
    std::unique_ptr<BoundedIter> b;
    if (pool.empty()) {
      b = std::make_unique<BoundedIter>();
      rocksdb::ReadOptions ro = ro_;
      ro.iterate_upper_bound = &b->bound;
      b->it.reset(impl_.db->NewIterator(ro, impl_.cf(c)));
    } else {
      b = std::move(pool.back());
      pool.pop_back();
    }
    b->bound_key = std::move(bound);
    b->bound = rocksdb::Slice(b->bound_key);
    Status s = Loop(c, b->it.get(), prefix, fn);
    if (s.ok()) pool.push_back(std::move(b));
    return s;
  }

  template <typename Fn>
  Status Loop(Cf c, rocksdb::Iterator* it, const std::string& prefix, Fn&& fn) {
    if (prefix.empty()) {
      it->SeekToFirst();
    } else {
      it->Seek(prefix);
    }
    const rocksdb::Slice pre(prefix);
    for (; it->Valid(); it->Next()) {
      const rocksdb::Slice k = it->key();
      if (!k.starts_with(pre)) break;
      if (!fn(k, it->value())) break;
    }
    return FromRocks(it->status(), std::string("scan of ") + kCfNames[c]);
  }

  // Does entity `id` have one of `want` (empty = any)? Reads the record.
  bool TypeIn(const std::vector<EntityType>& want, EntityId id) {
    if (want.empty()) return true;
    rocksdb::PinnableSlice v;
    if (!impl_.db->Get(ro_, impl_.cf(kEntities), codec::U64Key(Canonical(id)), &v).ok() || v.size() == 0) {
      return false;
    }
    const auto t = static_cast<uint8_t>(v.data()[0]);  // EncodeEntity: the type comes first
    return std::find(want.begin(), want.end(), t < kEntityTypeCount ? static_cast<EntityType>(t) : EntityType::kMisc) !=
           want.end();
  }

  EntityId Canonical(EntityId id) {
    if (no_redirects_) return id;
    for (int hop = 0; hop < 64; ++hop) {
      rocksdb::PinnableSlice v;
      if (!impl_.db->Get(ro_, impl_.cf(kRedirects), codec::U64Key(id), &v).ok() || v.size() != 8) {
        return id;
      }
      id = codec::GetU64(v.data());
    }
    return id;
  }

  // Takes the record's strings (the caller's record is spent).
  std::optional<Entity> MakeEntity(EntityId id, EntityRec& rec) {
    if (latest_ && rec.live_articles == 0) return std::nullopt;
    Entity e;
    e.id = id;
    e.name = std::move(rec.name);
    e.type = rec.type;
    e.aliases = std::move(rec.aliases);
    if (latest_) {
      e.mentions = rec.live_mentions;
      e.first_seen = rec.live_first_seen;
      return e;
    }
    bool any = false;
    std::string prefix = codec::U64Key(id);
    if (view_.only_article) codec::PutU64(&prefix, *view_.only_article);
    (void)Scan(kEntitySeen, prefix, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
      if (k.size() != 16) return true;
      const ArticleSeq seq = codec::GetU64(k.data() + 8);
      if (!Visible(seq)) return true;
      codec::Decoder d(std::string_view(v.data(), v.size()));
      e.mentions += d.Varint();
      if (!any) e.first_seen = seq;
      any = true;
      return true;
    });
    if (!any) return std::nullopt;
    return e;
  }

  std::optional<Fact> MakeFact(FactId fid, const FactRecView& rec) {
    Fact f;
    if (!FillFact(fid, rec, &f)) return std::nullopt;
    return f;
  }

  // Overwrites every field of *f (which may hold a previous fact); false when
  // the fact is not visible in this view. `filled_pred`, when given, is the
  // predicate id whose label *out holds (kNoPred: none): the label is
  // assigned only when it changes. `surface`: false leaves f.surface empty
  // (TriplePattern::surface).
  static constexpr PredId kNoPred = UINT32_MAX;
  bool FillFact(FactId fid, const FactRecView& rec, Fact* out, PredId* filled_pred = nullptr,
                bool surface = true) {
    Fact& f = *out;
    f.id = fid;
    f.subject = rec.subject;
    f.object = rec.object;
    f.negated = rec.negated;
    f.modality = rec.modality;
    if (latest_) {
      if (rec.live_support == 0) return false;
      f.first_seen = rec.live_first_seen;
      f.support = static_cast<uint32_t>(rec.live_support);
      f.confidence = rec.live_confidence;
      if (surface) {
        f.surface.assign(rec.live_surface);
      } else {
        f.surface.clear();
      }
    } else {
      Agg agg;
      std::string prefix = codec::U64Key(fid);
      if (view_.only_article) codec::PutU64(&prefix, *view_.only_article);
      (void)Scan(kEvidence, prefix, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
        if (k.size() != kEvidenceKeySize) return true;
        const ArticleSeq seq = codec::GetU64(k.data() + 8);
        if (seq > as_of_) return false;  // rows are in seq order
        if (!Visible(seq)) return true;
        EvidenceRec ev;
        if (DecodeEvidence(std::string_view(v.data(), v.size()), &ev)) {
          agg.Add(seq, ev.confidence, ev.surface);
        }
        return true;
      });
      if (agg.support == 0) return false;
      f.first_seen = agg.first_seen;
      f.support = agg.support;
      f.confidence = agg.confidence;
      if (surface) {
        f.surface = std::move(agg.surface);
      } else {
        f.surface.clear();
      }
    }
    if (filled_pred == nullptr || *filled_pred != rec.pred) {
      f.predicate = PredName(rec.pred);
      if (filled_pred != nullptr) *filled_pred = rec.pred;
    }
    return true;
  }

  // Term id <-> label pairs never change once written, so they are cached in
  // the Store for every reader (misses are not cached: a read-only store may
  // see the term later). The Store's map only grows and its nodes do not
  // move, so a reader keeps pointers to its labels: a flat index by id
  // (labels are few and their ids small; scans ask once per row), then a
  // map for large ids. The flat index passes from reader to reader
  // (ReaderScratch), so a query seldom takes the lock.
  const std::string& PredName(PredId pid) {
    std::vector<const std::string*>& pred_by_id = scratch_->pred_by_id;
    if (pid < pred_by_id.size() && pred_by_id[pid] != nullptr) return *pred_by_id[pid];
    auto it = pred_names_.find(pid);
    if (it != pred_names_.end()) return *it->second;
    const std::string* name = nullptr;
    {
      std::lock_guard<std::mutex> lock(impl_.terms_mu);
      auto shared = impl_.pred_names.find(pid);
      if (shared != impl_.pred_names.end()) name = &shared->second;
    }
    if (name == nullptr) {
      std::string v;
      if (Get(kTerms, TermIdKey(pid), &v)) {
        std::lock_guard<std::mutex> lock(impl_.terms_mu);
        name = &impl_.pred_names.emplace(pid, std::move(v)).first->second;
      } else {
        static const std::string kUnknown = "?";
        return kUnknown;  // not kept: a read-only store may see the label later
      }
    }
    if (pid < kMaxFlatPred) {
      if (pred_by_id.size() <= pid) pred_by_id.resize(std::max<size_t>(pid + 1, kFlatPredStart), nullptr);
      pred_by_id[pid] = name;
    } else {
      pred_names_.emplace(pid, name);
    }
    return *name;
  }
  std::optional<PredId> PredIdOf(const std::string& label) {
    {
      std::lock_guard<std::mutex> lock(impl_.terms_mu);
      auto it = impl_.pred_ids.find(label);
      if (it != impl_.pred_ids.end()) return it->second;
    }
    std::string v;
    if (!Get(kTerms, TermNameKey(label), &v) || v.size() != 4) return std::nullopt;
    const PredId pid = codec::GetU32(v.data());
    std::lock_guard<std::mutex> lock(impl_.terms_mu);
    impl_.pred_ids.emplace(label, pid);
    return pid;
  }

  void FillArticleAndSentence(Evidence* ev) {
    auto it = article_ids_.find(ev->article_seq);
    if (it == article_ids_.end()) {
      std::string id;
      std::string v;
      LogEntry e;
      if (Get(kLog, codec::U64Key(ev->article_seq), &v) && DecodeLog(ev->article_seq, v, &e)) {
        id = e.article.id;
      }
      it = article_ids_.emplace(ev->article_seq, id).first;
    }
    ev->article_id = it->second;
    std::string v;
    if (Get(kSentences, SentenceKey(ev->article_seq, ev->sentence_index), &v)) {
      codec::Decoder d(v);
      ev->sentence_begin = d.Varint();
      ev->sentence_end = d.Varint();
      ev->sentence = d.String();
    }
  }

  const Store::Impl& impl_;
  const View view_;
  const rocksdb::Snapshot* snap_ = nullptr;
  rocksdb::ReadOptions ro_;
  ArticleSeq last_seq_ = 0;
  ArticleSeq as_of_ = 0;
  bool latest_ = true;
  bool no_redirects_ = false;  // the snapshot has no redirects rows
  std::shared_ptr<const ReaderState> state_;  // shared by readers of the same state
  // Labels for large predicate ids, pointing into the Store's cache (see
  // PredName; small ids are in scratch_).
  std::unordered_map<PredId, const std::string*> pred_names_;  // ids >= kMaxFlatPred
  static constexpr PredId kMaxFlatPred = 1 << 16;
  static constexpr size_t kFlatPredStart = 64;
  std::map<ArticleSeq, std::string> article_ids_;
  // Iterators free for the next scan (see Scan) and the labels index, taken
  // from the last reader that ended; never null.
  std::unique_ptr<ReaderScratch> scratch_;
  uint64_t rocks_seq_ = 0;  // the RocksDB sequence number this reader reads at
  // The entities the last FindByName read (see GetEntity); id 0 once taken.
  std::vector<Entity> named_;
  static constexpr size_t kMaxNamed = 4;
  // Idle iterators kept per column family for the next reader (nested scans
  // need two or three; more would only pin memory).
  static constexpr size_t kMaxIdleIters = 4;
};

}  // namespace

std::unique_ptr<Reader> MakeReader(const Store::Impl& impl, const View& view) {
  return std::make_unique<ReaderImpl>(impl, view);
}

}  // namespace kg::store
