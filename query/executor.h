// Stage 5: run a plan against one Reader (one snapshot). Rows stream through
// one operator per clause (match, unwind, with/return); ORDER BY and
// aggregation buffer, everything else streams, and LIMIT stops the scans
// early.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "graph/status.h"
#include "query/binder.h"
#include "query/planner.h"
#include "store/store.h"

namespace kg::query {

struct ExecOptions {
  // Facts and entities one query may read before it stops with an error.
  uint64_t max_expansions = 10'000'000;
  // Wall-clock deadline; nullopt = none.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // allShortestPaths returns at most this many paths per pair of nodes.
  uint64_t max_paths = 1000;
};

// Receives each result row (values in RETURN order, nodes loaded); return
// false to stop the query early.
using RowFn = std::function<bool(std::vector<Value>& row)>;

// Runs the query. `text` is the query source, for error messages. Returns a
// kTimeout status when the deadline or the expansion cap is hit.
Status Execute(const BoundQuery& query, const Plan& plan, store::Reader& reader, const ExecOptions& options,
               std::string_view text, const RowFn& emit);

}  // namespace kg::query
