// A selected part of the graph, held in memory, that every exporter writes.
//
// Select() reads it through a store::Reader (so AS OF / FROM ARTICLE views
// apply unchanged); the writers in export/writers.h turn it into DOT, JSON,
// GraphML, N-Quads or neo4j CSV without touching the store again, which is
// what lets the tests build a Subgraph by hand and compare exact output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"
#include "graph/status.h"
#include "store/store.h"

namespace kg::exports {

// How a fact is drawn: the newest article's facts, or a diff's added /
// reinforced / retracted facts, get their own colour.
enum class Mark : uint8_t { kNone = 0, kNewest = 1, kAdded = 2, kReinforced = 3, kRetracted = 4 };
std::string_view MarkName(Mark m);  // "", "newest", "added", "reinforced", "retracted"

struct SubEntity {
  Entity entity;
  std::vector<store::StoredMention> mentions;  // filled when SelectOptions::with_mentions
  Mark mark = Mark::kNone;                     // kAdded: first seen in the highlighted range
  double centrality = 0.0;                     // PageRank within the subgraph (0 if not computed)
};

struct SubFact {
  Fact fact;
  std::vector<Evidence> evidence;              // in article seq order
  Mark mark = Mark::kNone;
};

// Entities sorted by id, facts by (subject, predicate, object, id), articles
// by seq: every writer iterates in this order, so output is deterministic.
struct Subgraph {
  std::vector<SubEntity> entities;
  std::vector<SubFact> facts;
  std::vector<Article> articles;               // every article the evidence/mentions point at
  ArticleSeq newest = 0;                       // the highlighted article (0: none)
  std::string title;                           // e.g. "kg" or "kg diff 3..7"

  const SubEntity* FindEntity(EntityId id) const;  // binary search; nullptr if absent
  const Article* FindArticle(ArticleSeq seq) const;
  void Sort();                                 // restores the canonical order above
};

struct SelectOptions {
  std::optional<std::string> center;           // --center NAME (alias index lookup)
  uint32_t depth = 1;                          // --depth K: hops from the center
  std::optional<std::string> since;            // --since DATE (YYYY-MM-DD) or article seq:
                                               //   only facts with evidence from then on
  std::vector<EntityType> types;               // --type: only entities of these types (empty: all)
  uint32_t min_support = 1;                    // --min-support N: facts seen in >= N articles
  size_t max_nodes = 0;                        // --max-nodes N: keep the N most connected (0: all)
  bool include_isolated = true;                // entities without any selected fact
  bool with_mentions = false;                  // fill SubEntity::mentions (JSON)
  bool with_evidence = true;                   // fill SubFact::evidence
  bool highlight_newest = true;                // mark facts evidenced by the newest article
  bool centrality = false;                     // compute SubEntity::centrality (PageRank)
};

// Reads the selection through `reader` (its View decides AS OF). Fails with
// kNotFound when --center names no entity, kInvalidArgument for a bad --since.
Result<Subgraph> Select(store::Reader& reader, const SelectOptions& options);

// Parses "--type person,place" into types; kInvalidArgument names the bad word.
Status ParseTypeList(const std::string& list, std::vector<EntityType>* out);

}  // namespace kg::exports
