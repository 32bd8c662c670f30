#include "export/history.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "export/text_util.h"
#include "graph/algorithms.h"

namespace kg::exports {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

std::unique_ptr<store::Reader> ReaderAt(const store::Store& st, ArticleSeq as_of) {
  store::View v;
  v.as_of = as_of;
  return st.NewReader(v);
}

// Entity names, looked up once per reader.
class Names {
 public:
  explicit Names(store::Reader& r) : r_(r) {}
  const std::string& Of(EntityId id) {
    auto it = cache_.find(id);
    if (it != cache_.end()) return it->second;
    auto e = r_.GetEntity(id);
    return cache_.emplace(id, e ? e->name : "#" + std::to_string(id)).first->second;
  }
  NamedFact Named(const Fact& f) { return NamedFact{f, Of(f.subject), Of(f.object)}; }

 private:
  store::Reader& r_;
  std::unordered_map<EntityId, std::string> cache_;
};

Article ArticleOf(store::Reader& r, ArticleSeq seq) {
  Article a;
  if (auto e = r.GetLogEntry(seq)) a = e->article;
  a.seq = seq;
  return a;
}

// "First said" is by article date (ingestion may be out of date order);
// undated articles go last, ties by seq.
void SortByDate(TimelineItem* item) {
  std::stable_sort(item->articles.begin(), item->articles.end(), [](const Article& a, const Article& b) {
    return std::make_tuple(a.date.empty(), a.date, a.seq) < std::make_tuple(b.date.empty(), b.date, b.seq);
  });
  item->first_date = item->articles.empty() ? std::string() : item->articles.front().date;
}

}  // namespace

std::string NamedFact::Text() const {
  return subject + " -[" + internal::FactLabel(fact.predicate, fact.negated, static_cast<uint8_t>(fact.modality)) +
         "]-> " + object;
}

Result<std::vector<LogItem>> ReadLog(store::Reader& reader, const LogOptions& options) {
  std::vector<LogItem> items;
  auto keep = [&](const store::LogEntry& e) {
    return !options.since_date || e.article.date >= *options.since_date;
  };
  if (options.last > 0) {
    // Point reads from the end: cost proportional to N, not to the log.
    for (ArticleSeq seq = reader.LastSeq(); seq > 0 && items.size() < options.last; --seq) {
      auto e = reader.GetLogEntry(seq);
      if (e && keep(*e)) items.push_back(LogItem{*e, {}});
    }
    std::reverse(items.begin(), items.end());
  } else {
    Status s = reader.ScanLog([&](const store::LogEntry& e) {
      if (keep(e)) items.push_back(LogItem{e, {}});
      return true;
    });
    if (!s.ok()) return s;
  }
  if (options.top_facts > 0) {
    Names names(reader);
    for (LogItem& item : items) {
      if (item.entry.kind != store::LogEntry::Kind::kArticle) continue;
      std::vector<Fact> fresh;
      Status st = reader.ScanArticleFacts(item.entry.seq, [&](const Fact& f, const Evidence&, bool first) {
        if (first && (fresh.empty() || fresh.back().id != f.id)) fresh.push_back(f);
        return true;
      });
      if (!st.ok()) return st;
      std::stable_sort(fresh.begin(), fresh.end(), [](const Fact& a, const Fact& b) {
        if (a.confidence != b.confidence) return a.confidence > b.confidence;
        return a.id < b.id;
      });
      // The same fact may come once per sentence: keep distinct ids.
      std::unordered_set<FactId> seen;
      for (const Fact& f : fresh) {
        if (item.top_new_facts.size() >= options.top_facts) break;
        if (seen.insert(f.id).second) item.top_new_facts.push_back(names.Named(f));
      }
    }
  }
  if (options.by_date) {
    std::stable_sort(items.begin(), items.end(),
                     [](const LogItem& a, const LogItem& b) { return a.entry.article.date < b.entry.article.date; });
  }
  return items;
}

Result<ArticleSeq> ResolveArticle(store::Reader& reader, std::string_view spec) {
  if (auto seq = reader.FindArticle(spec)) return *seq;
  if (AllDigits(spec)) {
    const ArticleSeq seq = std::stoull(std::string(spec));
    auto e = reader.GetLogEntry(seq);
    if (e && e->kind == store::LogEntry::Kind::kArticle) return seq;
    if (e) return Status::InvalidArgument("log entry " + std::string(spec) + " is a retraction, not an article");
  }
  return Status::NotFound("no article '" + std::string(spec) + "' (give an article id or a seq; see kg log)");
}

Result<ArticleSeq> ResolvePoint(store::Reader& reader, std::string_view spec) {
  if (spec == "0") return ArticleSeq{0};
  if (auto seq = reader.FindArticle(spec)) return *seq;
  if (AllDigits(spec)) {
    const ArticleSeq seq = std::stoull(std::string(spec));
    if (seq > reader.LastSeq()) {
      return Status::NotFound("log entry " + std::string(spec) + " does not exist (last is " +
                              std::to_string(reader.LastSeq()) + ")");
    }
    return seq;
  }
  if (IsDate(spec)) {
    // A view is a prefix of the log. The point for a date is the longest
    // prefix holding no article dated after it, so nothing "from the future"
    // is ever included even if articles arrived out of date order (undated
    // articles and retraction entries never end the prefix).
    ArticleSeq point = 0;
    Status s = reader.ScanLog([&](const store::LogEntry& e) {
      // Only the day counts: "2019-10-03T14:00" is on 2019-10-03.
      if (e.kind == store::LogEntry::Kind::kArticle && !e.article.date.empty() &&
          e.article.date.compare(0, 10, spec) > 0) {
        return false;
      }
      point = e.seq;
      return true;
    });
    if (!s.ok()) return s;
    return point;
  }
  return Status::NotFound("no article or date '" + std::string(spec) +
                          "' (give an article id, a seq or a date YYYY-MM-DD)");
}

Result<ArticleReport> ShowArticle(store::Reader& reader, ArticleSeq seq) {
  auto e = reader.GetLogEntry(seq);
  if (!e) return Status::NotFound("no log entry " + std::to_string(seq));
  ArticleReport report{*e, {}};
  Names names(reader);
  Status s = reader.ScanArticleFacts(seq, [&](const Fact& f, const Evidence& ev, bool first) {
    report.facts.push_back(ArticleFact{names.Named(f), ev, first});
    return true;
  });
  if (!s.ok()) return s;
  std::stable_sort(report.facts.begin(), report.facts.end(), [](const ArticleFact& a, const ArticleFact& b) {
    return std::tie(a.evidence.sentence_index, a.fact.fact.id) < std::tie(b.evidence.sentence_index, b.fact.fact.id);
  });
  return report;
}

Result<Diff> ComputeDiff(const store::Store& st, ArticleSeq from, ArticleSeq to) {
  if (from > to) return Status::InvalidArgument("diff: the first point must not be after the second");
  Diff d;
  d.from = from;
  d.to = to;
  auto rb = ReaderAt(st, to);
  auto ra = ReaderAt(st, from);
  Names names(*rb);
  std::map<FactId, DiffFact> added, reinforced, retracted;
  std::set<EntityId> new_entity_ids;
  for (ArticleSeq seq = from + 1; seq <= to; ++seq) {
    auto e = rb->GetLogEntry(seq);
    if (!e) continue;
    d.entries.push_back(*e);
    if (e->kind == store::LogEntry::Kind::kArticle) {
      d.new_entities += e->new_entities;
      Status s = rb->ScanArticleFacts(seq, [&](const Fact& f, const Evidence& ev, bool) {
        // Visible at `to`? (An article withdrawn inside the range leaves nothing.)
        auto now = rb->GetFact(f.id);
        if (!now) return true;
        const bool existed = now->first_seen <= from && ra->GetFact(f.id).has_value();
        auto& bucket = existed ? reinforced : added;
        auto it = bucket.find(f.id);
        if (it == bucket.end()) it = bucket.emplace(f.id, DiffFact{names.Named(*now), {}}).first;
        it->second.evidence.push_back(ev);
        if (!existed) {
          for (EntityId id : {f.subject, f.object}) {
            auto ent = rb->GetEntity(id);
            if (ent && ent->first_seen > from) new_entity_ids.insert(id);
          }
        }
        return true;
      });
      if (!s.ok()) return s;
    } else {
      // A retraction: the withdrawn article's facts just before it, gone after `to`.
      auto before = ReaderAt(st, seq - 1);
      Names old_names(*before);
      Status s = before->ScanArticleFacts(e->retracts, [&](const Fact& f, const Evidence& ev, bool) {
        if (rb->GetFact(f.id) || !ra->GetFact(f.id)) return true;
        auto it = retracted.find(f.id);
        if (it == retracted.end()) it = retracted.emplace(f.id, DiffFact{old_names.Named(f), {}}).first;
        it->second.evidence.push_back(ev);
        return true;
      });
      if (!s.ok()) return s;
    }
  }
  for (auto& [id, df] : added) d.added.push_back(std::move(df));
  for (auto& [id, df] : reinforced) {
    if (!added.count(id)) d.reinforced.push_back(std::move(df));
  }
  for (auto& [id, df] : retracted) d.retracted.push_back(std::move(df));
  for (EntityId id : new_entity_ids) {
    if (auto ent = rb->GetEntity(id)) d.added_entities.push_back(*ent);
  }
  return d;
}

Subgraph DiffSubgraph(const store::Store& st, const Diff& d) {
  Subgraph g;
  g.title = "kg diff " + std::to_string(d.from) + ".." + std::to_string(d.to);
  auto rb = ReaderAt(st, d.to);
  auto ra = ReaderAt(st, d.from);
  std::set<EntityId> ids;
  std::set<ArticleSeq> seqs;
  auto add = [&](const std::vector<DiffFact>& v, Mark m) {
    for (const DiffFact& df : v) {
      g.facts.push_back(SubFact{df.fact.fact, df.evidence, m});
      ids.insert(df.fact.fact.subject);
      ids.insert(df.fact.fact.object);
      for (const Evidence& ev : df.evidence) seqs.insert(ev.article_seq);
    }
  };
  add(d.added, Mark::kAdded);
  add(d.reinforced, Mark::kReinforced);
  add(d.retracted, Mark::kRetracted);
  std::set<EntityId> fresh;
  for (const Entity& e : d.added_entities) fresh.insert(e.id);
  for (EntityId id : ids) {
    auto e = rb->GetEntity(id);
    if (!e) e = ra->GetEntity(id);
    if (!e) continue;
    g.entities.push_back(SubEntity{*e, {}, fresh.count(id) ? Mark::kAdded : Mark::kNone, 0.0});
  }
  for (ArticleSeq seq : seqs) g.articles.push_back(ArticleOf(*rb, seq));
  g.Sort();
  return g;
}

Result<EntityTimeline> History(store::Reader& reader, std::string_view name) {
  std::vector<EntityId> ids = reader.FindByName(name);
  if (ids.empty()) return Status::NotFound("no entity named '" + std::string(name) + "'");
  auto ent = reader.GetEntity(ids.front());
  if (!ent) return Status::NotFound("no entity named '" + std::string(name) + "' in this view");
  EntityTimeline t;
  t.entity = *ent;
  t.other_matches.assign(ids.begin() + 1, ids.end());
  Names names(reader);
  std::unordered_map<ArticleSeq, Article> articles;
  std::unordered_set<FactId> seen;
  for (int side = 0; side < 2; ++side) {
    store::TriplePattern p;
    (side == 0 ? p.subject : p.object) = t.entity.id;
    std::vector<Fact> facts;
    Status s = reader.ScanFacts(p, [&](const Fact& f) {
      if (seen.insert(f.id).second) facts.push_back(f);
      return true;
    });
    if (!s.ok()) return s;
    for (const Fact& f : facts) {
      TimelineItem item{names.Named(f), {}, {}, ""};
      Status se = reader.ScanEvidence(f.id, [&](const Evidence& ev) {
        item.evidence.push_back(ev);
        return true;
      });
      if (!se.ok()) return se;
      for (const Evidence& ev : item.evidence) {
        if (!item.articles.empty() && item.articles.back().seq == ev.article_seq) continue;
        auto it = articles.find(ev.article_seq);
        if (it == articles.end()) it = articles.emplace(ev.article_seq, ArticleOf(reader, ev.article_seq)).first;
        item.articles.push_back(it->second);
      }
      SortByDate(&item);
      t.items.push_back(std::move(item));
    }
  }
  std::sort(t.items.begin(), t.items.end(), [](const TimelineItem& a, const TimelineItem& b) {
    const ArticleSeq sa = a.articles.empty() ? 0 : a.articles.front().seq;
    const ArticleSeq sb = b.articles.empty() ? 0 : b.articles.front().seq;
    return std::tie(a.first_date, sa, a.fact.fact.id) < std::tie(b.first_date, sb, b.fact.fact.id);
  });
  return t;
}

Result<std::vector<TimelineItem>> Blame(store::Reader& reader, std::string_view subject,
                                        std::string_view predicate, std::string_view object) {
  std::vector<EntityId> subjects = reader.FindByName(subject);
  if (subjects.empty()) return Status::NotFound("no entity named '" + std::string(subject) + "'");
  std::vector<EntityId> objects = reader.FindByName(object);
  if (objects.empty()) return Status::NotFound("no entity named '" + std::string(object) + "'");
  std::string label(predicate);
  for (char& c : label) {
    if (c == ' ') c = '_';
  }
  Names names(reader);
  std::vector<TimelineItem> items;
  for (EntityId s_id : subjects) {
    for (EntityId o_id : objects) {
      store::TriplePattern p;
      p.subject = s_id;
      p.object = o_id;
      std::vector<Fact> facts;
      Status s = reader.ScanFacts(p, [&](const Fact& f) {
        if (f.predicate == label || f.predicate == predicate) facts.push_back(f);
        return true;
      });
      if (!s.ok()) return s;
      for (const Fact& f : facts) {
        TimelineItem item{names.Named(f), {}, {}, ""};
        Status se = reader.ScanEvidence(f.id, [&](const Evidence& ev) {
          item.evidence.push_back(ev);
          if (item.articles.empty() || item.articles.back().seq != ev.article_seq) {
            item.articles.push_back(ArticleOf(reader, ev.article_seq));
          }
          return true;
        });
        if (!se.ok()) return se;
        SortByDate(&item);
        items.push_back(std::move(item));
      }
    }
  }
  if (items.empty()) {
    return Status::NotFound("no fact '" + std::string(subject) + " " + std::string(predicate) + " " +
                            std::string(object) + "'");
  }
  return items;
}

Result<std::vector<GrowthRow>> Growth(const store::Store& st, ArticleSeq as_of) {
  auto r = ReaderAt(st, as_of);
  std::vector<store::LogEntry> entries;
  Status s = r->ScanLog([&](const store::LogEntry& e) {
    entries.push_back(e);
    return true;
  });
  if (!s.ok()) return s;
  std::vector<GrowthRow> rows;
  uint64_t entities = 0, facts = 0;
  for (const store::LogEntry& e : entries) {
    GrowthRow row;
    row.seq = e.seq;
    row.article_id = e.article.id;
    row.date = e.article.date;
    if (e.kind == store::LogEntry::Kind::kRetraction) {
      row.retraction = true;
      // Facts of the withdrawn article just before, no longer visible just after.
      auto before = ReaderAt(st, e.seq - 1);
      auto after = ReaderAt(st, e.seq);
      std::unordered_set<FactId> lost;
      Status sf = before->ScanArticleFacts(e.retracts, [&](const Fact& f, const Evidence&, bool) {
        if (!after->GetFact(f.id)) lost.insert(f.id);
        return true;
      });
      if (!sf.ok()) return sf;
      row.lost_facts = lost.size();
      facts -= std::min<uint64_t>(facts, lost.size());
    } else {
      row.new_entities = e.new_entities;
      row.new_facts = e.new_facts;
      row.reinforced_facts = e.reinforced_facts;
      row.mentions = e.mentions;
      row.merged_mentions = e.merged_mentions;
      entities += e.new_entities;
      facts += e.new_facts;
    }
    row.entities = entities;
    row.facts = facts;
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

struct Ranking {
  std::vector<EntityId> ids;      // by index
  std::vector<double> scores;
  std::vector<uint32_t> order;    // indices, most central first
};

Result<Ranking> Rank(const store::Store& st, ArticleSeq as_of, Centrality measure) {
  auto r = ReaderAt(st, as_of);
  Ranking rk;
  std::unordered_map<EntityId, uint32_t> index;
  std::vector<GraphEdge> edges;
  auto idx = [&](EntityId id) {
    auto [it, fresh] = index.emplace(id, static_cast<uint32_t>(rk.ids.size()));
    if (fresh) rk.ids.push_back(id);
    return it->second;
  };
  Status s = r->ScanFacts(store::TriplePattern{}, [&](const Fact& f) {
    edges.push_back({idx(f.subject), idx(f.object)});
    return true;
  });
  if (!s.ok()) return s;
  rk.scores = measure == Centrality::kPageRank ? PageRank(rk.ids.size(), edges)
                                               : Betweenness(rk.ids.size(), edges);
  rk.order = RankOrder(rk.scores);
  return rk;
}

}  // namespace

Result<std::vector<RankedEntity>> Central(const store::Store& st, ArticleSeq now, ArticleSeq before,
                                          size_t top, Centrality measure) {
  auto cur = Rank(st, now, measure);
  if (!cur.ok()) return cur.status();
  auto prev = Rank(st, before, measure);
  if (!prev.ok()) return prev.status();
  std::unordered_map<EntityId, uint32_t> prev_rank;
  for (uint32_t i = 0; i < prev->order.size(); ++i) prev_rank[prev->ids[prev->order[i]]] = i + 1;
  auto r = ReaderAt(st, now);
  std::vector<RankedEntity> out;
  for (uint32_t i = 0; i < cur->order.size() && out.size() < top; ++i) {
    const uint32_t k = cur->order[i];
    auto e = r->GetEntity(cur->ids[k]);
    if (!e) continue;
    RankedEntity re;
    re.entity = *e;
    re.score = cur->scores[k];
    re.rank = i + 1;
    auto it = prev_rank.find(cur->ids[k]);
    if (it != prev_rank.end()) re.previous_rank = it->second;
    out.push_back(std::move(re));
  }
  return out;
}

}  // namespace kg::exports
