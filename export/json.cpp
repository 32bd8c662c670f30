// JSON export; the schema is documented in docs/exports.md.
#include <cmath>

#include <nlohmann/json.hpp>

#include "export/writers.h"

namespace kg::exports {
namespace {

// Floats are stored as float; print them rounded so 0.8f is 0.8, not 0.800000011920929.
double Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

std::string_view MentionKindName(Mention::Kind k) {
  switch (k) {
    case Mention::Kind::kName: return "name";
    case Mention::Kind::kPronoun: return "pronoun";
    case Mention::Kind::kNominal: return "nominal";
  }
  return "name";
}

}  // namespace

std::string WriteJson(const Subgraph& g) {
  using nlohmann::ordered_json;
  ordered_json root;
  root["format"] = "kg-export";
  root["version"] = 1;
  root["title"] = g.title;
  root["newest_article"] = g.newest;

  ordered_json articles = ordered_json::array();
  for (const Article& a : g.articles) {
    articles.push_back({{"seq", a.seq}, {"id", a.id}, {"title", a.title}, {"date", a.date},
                        {"source", a.source}, {"url", a.url}, {"content_hash", a.content_hash},
                        {"bytes", a.bytes}});
  }
  root["articles"] = std::move(articles);

  auto article_id = [&](ArticleSeq seq) -> std::string {
    const Article* a = g.FindArticle(seq);
    return a != nullptr ? a->id : std::string();
  };

  ordered_json entities = ordered_json::array();
  for (const SubEntity& se : g.entities) {
    const Entity& e = se.entity;
    ordered_json mentions = ordered_json::array();
    for (const store::StoredMention& m : se.mentions) {
      mentions.push_back({{"article", article_id(m.article_seq)}, {"article_seq", m.article_seq},
                          {"begin", m.begin}, {"end", m.end}, {"sentence", m.sentence},
                          {"kind", MentionKindName(m.kind)}});
    }
    ordered_json je = {{"id", e.id},
                       {"name", e.name},
                       {"type", EntityTypeName(e.type)},
                       {"aliases", e.aliases},
                       {"mention_count", e.mentions},
                       {"first_seen", e.first_seen}};
    if (se.centrality > 0) je["pagerank"] = std::round(se.centrality * 1e5) / 1e5;
    if (se.mark != Mark::kNone) je["mark"] = MarkName(se.mark);
    je["mentions"] = std::move(mentions);
    entities.push_back(std::move(je));
  }
  root["entities"] = std::move(entities);

  ordered_json facts = ordered_json::array();
  for (const SubFact& sf : g.facts) {
    const Fact& f = sf.fact;
    const SubEntity* s = g.FindEntity(f.subject);
    const SubEntity* o = g.FindEntity(f.object);
    ordered_json evidence = ordered_json::array();
    for (const Evidence& ev : sf.evidence) {
      evidence.push_back({{"article", ev.article_id.empty() ? article_id(ev.article_seq) : ev.article_id},
                          {"article_seq", ev.article_seq},
                          {"sentence_index", ev.sentence_index},
                          {"sentence_begin", ev.sentence_begin},
                          {"sentence_end", ev.sentence_end},
                          {"sentence", ev.sentence},
                          {"surface", ev.surface},
                          {"attribution", ev.attribution},
                          {"confidence", Round3(ev.confidence)}});
    }
    ordered_json jf = {{"id", f.id},
                       {"subject", f.subject},
                       {"subject_name", s != nullptr ? s->entity.name : std::string()},
                       {"predicate", f.predicate},
                       {"object", f.object},
                       {"object_name", o != nullptr ? o->entity.name : std::string()},
                       {"polarity", f.negated ? "negative" : "positive"},
                       {"modality", ModalityName(f.modality)},
                       {"surface", f.surface},
                       {"support", f.support},
                       {"confidence", Round3(f.confidence)},
                       {"first_seen", f.first_seen}};
    if (sf.mark != Mark::kNone) jf["mark"] = MarkName(sf.mark);
    jf["evidence"] = std::move(evidence);
    facts.push_back(std::move(jf));
  }
  root["facts"] = std::move(facts);
  // replace: a stray invalid byte becomes U+FFFD instead of an exception.
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace kg::exports
