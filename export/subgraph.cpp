#include "export/subgraph.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "graph/algorithms.h"

namespace kg::exports {

std::string_view MarkName(Mark m) {
  switch (m) {
    case Mark::kNone: return "";
    case Mark::kNewest: return "newest";
    case Mark::kAdded: return "added";
    case Mark::kReinforced: return "reinforced";
    case Mark::kRetracted: return "retracted";
  }
  return "";
}

const SubEntity* Subgraph::FindEntity(EntityId id) const {
  auto it = std::lower_bound(entities.begin(), entities.end(), id,
                             [](const SubEntity& e, EntityId v) { return e.entity.id < v; });
  return it != entities.end() && it->entity.id == id ? &*it : nullptr;
}

const Article* Subgraph::FindArticle(ArticleSeq seq) const {
  auto it = std::lower_bound(articles.begin(), articles.end(), seq,
                             [](const Article& a, ArticleSeq v) { return a.seq < v; });
  return it != articles.end() && it->seq == seq ? &*it : nullptr;
}

void Subgraph::Sort() {
  std::sort(entities.begin(), entities.end(),
            [](const SubEntity& a, const SubEntity& b) { return a.entity.id < b.entity.id; });
  std::sort(facts.begin(), facts.end(), [](const SubFact& a, const SubFact& b) {
    const Fact& x = a.fact;
    const Fact& y = b.fact;
    return std::tie(x.subject, x.predicate, x.object, x.id) < std::tie(y.subject, y.predicate, y.object, y.id);
  });
  std::sort(articles.begin(), articles.end(), [](const Article& a, const Article& b) { return a.seq < b.seq; });
}

Status ParseTypeList(const std::string& list, std::vector<EntityType>* out) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string word = list.substr(start, end - start);
    while (!word.empty() && word.front() == ' ') word.erase(word.begin());
    while (!word.empty() && word.back() == ' ') word.pop_back();
    if (!word.empty()) {
      EntityType t;
      if (!ParseEntityType(word, &t)) {
        return Status::InvalidArgument("unknown entity type '" + word +
                                       "' (expected person, organization, place, group, misc, concept)");
      }
      out->push_back(t);
    }
    start = end + 1;
  }
  return Status::Ok();
}

namespace {

bool IsDate(const std::string& s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-';
}

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The newest article visible in the reader (skipping retraction entries and
// withdrawn articles), for highlighting. Walks back a bounded number of entries.
ArticleSeq NewestArticle(store::Reader& r) {
  ArticleSeq seq = r.LastSeq();
  for (int steps = 0; seq > 0 && steps < 1000; ++steps, --seq) {
    auto e = r.GetLogEntry(seq);
    if (e && e->kind == store::LogEntry::Kind::kArticle && !e->retracted) return seq;
  }
  return 0;
}

}  // namespace

Result<Subgraph> Select(store::Reader& reader, const SelectOptions& opt) {
  Subgraph g;
  g.newest = opt.highlight_newest ? NewestArticle(reader) : 0;

  // --since: an article seq or a date.
  ArticleSeq since_seq = 0;
  std::string since_date;
  if (opt.since) {
    if (AllDigits(*opt.since)) {
      since_seq = std::stoull(*opt.since);
    } else if (IsDate(*opt.since)) {
      since_date = *opt.since;
    } else {
      return Status::InvalidArgument("--since '" + *opt.since + "': expected a date YYYY-MM-DD or an article seq");
    }
  }
  std::unordered_map<ArticleSeq, std::optional<Article>> article_cache;
  auto article = [&](ArticleSeq seq) -> const std::optional<Article>& {
    auto it = article_cache.find(seq);
    if (it != article_cache.end()) return it->second;
    std::optional<Article> a;
    if (auto e = reader.GetLogEntry(seq)) {
      a = e->article;
      a->seq = seq;
    }
    return article_cache.emplace(seq, std::move(a)).first->second;
  };

  std::unordered_map<EntityId, std::optional<Entity>> entity_cache;
  auto entity = [&](EntityId id) -> const std::optional<Entity>& {
    auto it = entity_cache.find(id);
    if (it != entity_cache.end()) return it->second;
    return entity_cache.emplace(id, reader.GetEntity(id)).first->second;
  };
  const std::set<EntityType> types(opt.types.begin(), opt.types.end());
  std::optional<EntityId> center;
  auto type_ok = [&](EntityId id) {
    if (types.empty() || (center && id == *center)) return true;
    const auto& e = entity(id);
    return e && types.count(e->type) > 0;
  };

  std::vector<SubFact> facts;
  std::unordered_set<FactId> seen_facts;
  Status scan_status;
  auto consider = [&](const Fact& f) {
    if (f.support < opt.min_support) return;
    if (!type_ok(f.subject) || !type_ok(f.object)) return;
    if (!seen_facts.insert(f.id).second) return;
    facts.push_back(SubFact{f, {}, Mark::kNone});
  };

  std::set<EntityId> keep_entities;
  if (opt.center) {
    std::vector<EntityId> ids = reader.FindByName(*opt.center);
    if (ids.empty()) return Status::NotFound("no entity named '" + *opt.center + "'");
    center = ids.front();
    keep_entities.insert(*center);
    std::set<EntityId> frontier = {*center};
    for (uint32_t hop = 0; hop < opt.depth && !frontier.empty(); ++hop) {
      std::set<EntityId> next;
      for (EntityId x : frontier) {
        for (int side = 0; side < 2; ++side) {
          store::TriplePattern p;
          (side == 0 ? p.subject : p.object) = x;
          Status s = reader.ScanFacts(p, [&](const Fact& f) {
            size_t before = facts.size();
            consider(f);
            if (facts.size() > before) {
              for (EntityId y : {f.subject, f.object}) {
                if (keep_entities.insert(y).second) next.insert(y);
              }
            }
            return true;
          });
          if (!s.ok()) return s;
        }
      }
      frontier = std::move(next);
    }
    // Facts among the entities reached at the last hop (an ego network holds
    // them too): their subject is in the last frontier, so scan by subject.
    for (EntityId x : frontier) {
      store::TriplePattern p;
      p.subject = x;
      Status s = reader.ScanFacts(p, [&](const Fact& f) {
        if (keep_entities.count(f.object)) consider(f);
        return true;
      });
      if (!s.ok()) return s;
    }
    // Keep only facts whose two ends were both reached.
    std::vector<SubFact> kept;
    for (SubFact& sf : facts) {
      if (keep_entities.count(sf.fact.subject) && keep_entities.count(sf.fact.object)) kept.push_back(std::move(sf));
    }
    facts = std::move(kept);
  } else {
    Status s = reader.ScanFacts(store::TriplePattern{}, [&](const Fact& f) {
      consider(f);
      return true;
    });
    if (!s.ok()) return s;
  }

  // Evidence (needed for --since and for highlighting as well as for output).
  if (opt.with_evidence || opt.since || g.newest != 0) {
    std::vector<SubFact> kept;
    for (SubFact& sf : facts) {
      Status s = reader.ScanEvidence(sf.fact.id, [&](const Evidence& ev) {
        sf.evidence.push_back(ev);
        return true;
      });
      if (!s.ok()) return s;
      bool since_ok = !opt.since;
      for (const Evidence& ev : sf.evidence) {
        if (g.newest != 0 && ev.article_seq == g.newest) sf.mark = Mark::kNewest;
        if (since_seq != 0 && ev.article_seq >= since_seq) since_ok = true;
        if (!since_date.empty()) {
          const auto& a = article(ev.article_seq);
          if (a && a->date >= since_date) since_ok = true;
        }
      }
      if (!since_ok) continue;
      if (!opt.with_evidence) sf.evidence.clear();
      kept.push_back(std::move(sf));
    }
    facts = std::move(kept);
  }

  // Entities: the facts' ends, the center, and (whole graph) isolated ones.
  std::map<EntityId, double> degree;
  for (const SubFact& sf : facts) {
    degree[sf.fact.subject] += sf.fact.support;
    degree[sf.fact.object] += sf.fact.support;
  }
  std::set<EntityId> ids;
  for (const auto& [id, d] : degree) ids.insert(id);
  if (center) ids.insert(*center);
  if (!opt.center && opt.include_isolated && !opt.since && opt.min_support <= 1) {
    Status s = reader.ScanEntities([&](const Entity& e) {
      if (types.empty() || types.count(e.type)) {
        ids.insert(e.id);
        entity_cache.emplace(e.id, e);
      }
      return true;
    });
    if (!s.ok()) return s;
  }

  // --max-nodes: keep the most connected (sum of support, then mentions).
  if (opt.max_nodes > 0 && ids.size() > opt.max_nodes) {
    std::vector<std::pair<double, EntityId>> scored;
    for (EntityId id : ids) {
      const auto& e = entity(id);
      double score = degree.count(id) ? degree[id] * 1e6 : 0.0;
      score += e ? static_cast<double>(e->mentions) : 0.0;
      if (center && id == *center) score = 1e300;
      scored.emplace_back(-score, id);
    }
    std::sort(scored.begin(), scored.end());
    ids.clear();
    for (size_t i = 0; i < opt.max_nodes; ++i) ids.insert(scored[i].second);
    std::vector<SubFact> kept;
    for (SubFact& sf : facts) {
      if (ids.count(sf.fact.subject) && ids.count(sf.fact.object)) kept.push_back(std::move(sf));
    }
    facts = std::move(kept);
    if (!opt.include_isolated) {
      // Entities kept for their score whose every fact went with a dropped
      // neighbour would float alone in a drawing.
      std::set<EntityId> connected;
      for (const SubFact& sf : facts) {
        connected.insert(sf.fact.subject);
        connected.insert(sf.fact.object);
      }
      std::erase_if(ids, [&](EntityId id) { return !connected.count(id) && !(center && id == *center); });
    }
  }

  std::set<ArticleSeq> article_seqs;
  for (EntityId id : ids) {
    const auto& e = entity(id);
    if (!e) continue;  // a fact end not visible in this view: skip it
    SubEntity se;
    se.entity = *e;
    if (opt.with_mentions) {
      Status s = reader.ScanMentions(id, [&](const store::StoredMention& m) {
        if (m.article_seq <= reader.view().as_of) se.mentions.push_back(m);
        return true;
      });
      if (!s.ok()) return s;
      for (const auto& m : se.mentions) article_seqs.insert(m.article_seq);
    }
    g.entities.push_back(std::move(se));
  }
  g.Sort();
  for (SubFact& sf : facts) {
    if (g.FindEntity(sf.fact.subject) == nullptr || g.FindEntity(sf.fact.object) == nullptr) continue;
    for (const Evidence& ev : sf.evidence) article_seqs.insert(ev.article_seq);
    g.facts.push_back(std::move(sf));
  }
  for (ArticleSeq seq : article_seqs) {
    if (const auto& a = article(seq)) g.articles.push_back(*a);
  }
  g.Sort();

  if (opt.centrality) {
    std::vector<GraphEdge> edges;
    std::unordered_map<EntityId, uint32_t> index;
    for (uint32_t i = 0; i < g.entities.size(); ++i) index[g.entities[i].entity.id] = i;
    for (const SubFact& sf : g.facts) edges.push_back({index[sf.fact.subject], index[sf.fact.object]});
    std::vector<double> pr = PageRank(g.entities.size(), edges);
    for (size_t i = 0; i < pr.size(); ++i) g.entities[i].centrality = pr[i];
  }
  return g;
}

}  // namespace kg::exports
