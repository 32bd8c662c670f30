// History of the graph across articles: the log with what each article
// brought, diffs between two points, the timeline of one entity, blame for
// one fact, growth per article and the most central entities.
//
// The article is the transaction (as in Datomic or Dolt): nothing is
// overwritten, and every past state is a store::View{as_of = n}. Costs: the
// log, diff and timeline functions read only the log entries and articles
// they report (GetLogEntry / ScanArticleFacts / prefix scans), never the whole
// graph; Growth reads every log entry once; Central scans every visible fact.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "export/subgraph.h"
#include "graph/model.h"
#include "graph/status.h"
#include "store/store.h"

namespace kg::exports {

// A fact with the names of its two ends, for printing.
struct NamedFact {
  Fact fact;
  std::string subject;
  std::string object;
  std::string Text() const;  // "Rubio -[may not disagree with]-> Zelensky"
};

// ---- kg log
struct LogOptions {
  std::optional<std::string> since_date;   // only articles dated on/after (YYYY-MM-DD)
  bool by_date = false;                    // order by article date (stable), else by seq
  size_t top_facts = 3;                    // new facts listed per article (most confident first)
  size_t last = 0;                         // only the last N entries (0: all); reads just those
};
struct LogItem {
  store::LogEntry entry;
  std::vector<NamedFact> top_new_facts;
};
Result<std::vector<LogItem>> ReadLog(store::Reader& reader, const LogOptions& options);

// ---- points in history
// An article by input id or by seq ("7"); kNotFound names what was asked.
Result<ArticleSeq> ResolveArticle(store::Reader& reader, std::string_view spec);
// A point in history: an article id or seq (that entry), or a date
// YYYY-MM-DD: the end of the longest prefix of the log with no article dated
// after it (0 when the first article is later). "0" is the empty graph.
Result<ArticleSeq> ResolvePoint(store::Reader& reader, std::string_view spec);

// ---- kg show ARTICLE
struct ArticleFact {
  NamedFact fact;
  Evidence evidence;
  bool first_seen_here = false;            // new (else reinforced)
};
struct ArticleReport {
  store::LogEntry entry;
  std::vector<ArticleFact> facts;          // in the order the store gives (sentence order not guaranteed)
};
Result<ArticleReport> ShowArticle(store::Reader& reader, ArticleSeq seq);

// ---- kg diff A B
struct DiffFact {
  NamedFact fact;
  std::vector<Evidence> evidence;          // the evidence that arrived in (from, to] (added/reinforced)
};
struct Diff {
  ArticleSeq from = 0;                     // state after log entry `from`
  ArticleSeq to = 0;
  std::vector<store::LogEntry> entries;    // the log entries in (from, to]
  std::vector<Entity> added_entities;      // ends of added facts first seen in (from, to]
  uint64_t new_entities = 0;               // sum of the entries' new_entities (includes entities without facts)
  std::vector<DiffFact> added;             // visible at `to`, not at `from`
  std::vector<DiffFact> reinforced;        // visible at both, with new evidence in (from, to]
  std::vector<DiffFact> retracted;         // visible at `from`, gone at `to` through a retraction
};
// Requires from <= to. Cost: the articles in (from, to] and their facts.
Result<Diff> ComputeDiff(const store::Store& store, ArticleSeq from, ArticleSeq to);
// The diff as a drawable Subgraph: added facts marked kAdded, reinforced
// kReinforced, retracted kRetracted; new entities kAdded.
Subgraph DiffSubgraph(const store::Store& store, const Diff& diff);

// ---- kg history NAME / kg blame S P O
struct TimelineItem {
  NamedFact fact;
  std::vector<Evidence> evidence;          // in seq order
  std::vector<Article> articles;           // distinct articles of the evidence by date (undated
                                           // last, ties by seq): front() first said it
  std::string first_date;                  // date of articles.front() ("" if unknown)
};
struct EntityTimeline {
  Entity entity;
  std::vector<EntityId> other_matches;     // other entities with the same name
  std::vector<TimelineItem> items;         // by first date, then first seq, then fact id
};
Result<EntityTimeline> History(store::Reader& reader, std::string_view name);
// Facts matching SUBJECT PREDICATE OBJECT by name (predicate label or words:
// "disagree with" finds disagree_with). kNotFound when nothing matches.
Result<std::vector<TimelineItem>> Blame(store::Reader& reader, std::string_view subject,
                                        std::string_view predicate, std::string_view object);

// ---- kg stats --growth
struct GrowthRow {
  ArticleSeq seq = 0;
  bool retraction = false;
  std::string article_id;
  std::string date;
  uint64_t entities = 0;                   // visible after this entry (running sum of new
                                           // entities: a later kg merge is not subtracted)
  uint64_t facts = 0;
  uint64_t new_entities = 0;
  uint64_t new_facts = 0;
  uint64_t reinforced_facts = 0;
  uint64_t lost_facts = 0;                 // retraction: facts whose last evidence went
  uint64_t mentions = 0;
  uint64_t merged_mentions = 0;            // mentions that attached to entities known before
};
Result<std::vector<GrowthRow>> Growth(const store::Store& store, ArticleSeq as_of = UINT64_MAX);

// ---- most central entities
struct RankedEntity {
  Entity entity;
  double score = 0.0;
  uint32_t rank = 0;                       // 1 = most central
  std::optional<uint32_t> previous_rank;   // rank at `before` (nullopt: not in the graph then)
};
enum class Centrality { kPageRank, kBetweenness };
// The `top` most central entities at view `now`, with their rank at
// `before` (another as_of). Full scans of the visible facts of both views.
Result<std::vector<RankedEntity>> Central(const store::Store& store, ArticleSeq now, ArticleSeq before,
                                          size_t top, Centrality measure);

}  // namespace kg::exports
