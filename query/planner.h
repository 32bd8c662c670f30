// Stage 4: bound query -> plan. For each MATCH the planner orders the work:
// start from the most selective pattern element (a node already bound, then
// a node found by name through the alias index, then a typed relationship by
// a predicate scan, then a label scan, then a full scan), expand along the
// chain with prefix scans, and run each WHERE conjunct as soon as the
// variables it reads are bound.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "query/binder.h"

namespace kg::query {

struct Step {
  enum class Kind {
    kScanNode,   // bind `to` from its candidates, the label index... (a full entity scan)
    kScanRel,    // bind `rel` and both ends by a predicate scan
    kExpand,     // from `from` along `rel` to `to` (one hop or variable length)
    kShortest,   // shortestPath / allShortestPaths between two bound nodes
    kFilter,     // a WHERE conjunct
    kBuildPath,  // p = (...) once the chain is bound
  };
  Kind kind = Kind::kFilter;
  const BNode* from = nullptr;
  const BNode* to = nullptr;
  const BRel* rel = nullptr;
  const BPart* part = nullptr;
  const BExpr* filter = nullptr;
  // kExpand: the direction relative to travel (kOut: `from` is the subject),
  // and whether travel runs against the pattern's left-to-right order.
  ast::Direction direction = ast::Direction::kBoth;
  bool reversed = false;
  bool to_bound = false;   // `to` was bound before this step: check, don't bind
  bool all = false;        // kShortest: allShortestPaths
  // kExpand (fixed length, `to` not bound before): a WHERE conjunct
  // `to.type = 'const'` of this MATCH, checked on the type the scanned index
  // row carries before anything else is done with the row (the Filter step
  // still runs; this only rejects early). nullopt = no such conjunct.
  std::optional<std::vector<EntityType>> to_types;
};

struct MatchPlan {
  std::vector<Step> steps;
};

struct Plan {
  std::vector<MatchPlan> matches;  // one per clause (empty for non-MATCH clauses)
};

Plan MakePlan(const BoundQuery& query);

// What MakePlan reads from a bound query that query::Rebind can change: the
// number of candidates of each node named by a $parameter (the cost of
// starting there) and the text of each string constant from a $parameter
// (`c.type = $t` becomes a type checked in the scan). Everything else the
// planner reads is fixed when the query is bound. Two states of one bound
// query with equal keys get the same plan, so a rebound query whose key is
// unchanged can run its previous plan (query/engine.cpp).
struct PlanKey {
  std::vector<size_t> candidate_counts;  // per BoundQuery::param_nodes
  std::vector<std::string> strings;      // per BoundQuery::param_consts ("" when not a string)
  bool operator==(const PlanKey&) const = default;
};
PlanKey PlanKeyOf(const BoundQuery& query);

// One line per step, for EXPLAIN-style tests and debugging.
std::string DescribePlan(const BoundQuery& query, const Plan& plan);

}  // namespace kg::query
