// The query language's entry point: text in, rows out. This is the API the
// CLI (kg query, kg shell, kg neighbors/path/facts) and the benchmark use.
//
//   query::QueryOptions opt;
//   opt.params = {{"name", query::Value::String("Rubio")}};
//   auto rs = query::RunQuery(store, "MATCH (a {name: $name})-[r]->(b) RETURN b.name", opt);
//
// Each call parses, binds, plans and executes against ONE Reader, i.e. one
// RocksDB snapshot. Thread-safety: concurrent calls on one Store are fine.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "graph/status.h"
#include "query/binder.h"
#include "query/value.h"
#include "store/store.h"

namespace kg::query {

struct QueryOptions {
  Params params;                    // $name -> value
  double timeout_seconds = 0;       // 0: no timeout
  uint64_t max_expansions = 10'000'000;  // facts/entities read before giving up
  int default_max_hops = 5;         // -[*]-> with no upper bound
  int max_hops_limit = 20;          // larger explicit hop counts are refused
  uint64_t max_paths = 1000;        // allShortestPaths paths per pair
  store::View view;                 // the view when the query has no AS OF / FROM ARTICLE
  std::string as_of_date;           // "YYYY-MM-DD": like AS OF DATE, unless the query has AS OF
};

struct ResultSet {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  // The entities at both ends of every relationship in the rows (so the dot
  // format can name ends that are not themselves returned).
  std::map<EntityId, std::shared_ptr<const Entity>> endpoints;
};

// Streaming form: `on_columns` is called once before any row; `on_row` per
// row (return false to stop early).
Status RunQuery(const store::Store& store, std::string_view text, const QueryOptions& options,
                const std::function<void(const std::vector<std::string>&)>& on_columns,
                const std::function<bool(std::vector<Value>&)>& on_row);

// Collects every row.
Result<ResultSet> RunQuery(const store::Store& store, std::string_view text, const QueryOptions& options);

// The plan as text (one step per line), for tests and `kg query --explain`.
Result<std::string> ExplainQuery(const store::Store& store, std::string_view text, const QueryOptions& options);

// How many runs in this process reused the bound form of an earlier run of
// the same text instead of binding (see the query cache in engine.cpp). For
// tests and benchmarks.
uint64_t BoundQueryReuses();
// How many of those runs also kept the plan of the earlier run (the
// parameters changed nothing the planner reads: query::PlanKeyOf).
uint64_t PlanReuses();

// "name=value" from the command line. The value is read as a literal when it
// is one (42, 2.5, true, null, "quoted", [1, 2], {k: 1}); otherwise it is the
// raw string (so --param name=Marco Rubio works unquoted).
Status ParseParam(std::string_view arg, std::pair<std::string, Value>* out);

}  // namespace kg::query
