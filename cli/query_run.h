// Shared by the query commands (kg query, kg shell, kg neighbors, kg path,
// kg facts): the common options and "run this query and print it".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "query/engine.h"
#include "query/format.h"

namespace kg::cli {

struct QueryCliOptions {
  std::string format = "table";
  double timeout = 30;              // seconds; 0 = none
  std::string as_of;                // article seq or YYYY-MM-DD
  std::vector<std::string> params;  // name=value
  uint64_t max_expansions = 10'000'000;
  bool print_query = false;         // shortcuts: show the query they run
};

// Adds --format, --timeout, --as-of, --max-expansions (and --param when
// `with_params`) to `cmd`.
void AddQueryOptions(CLI::App* cmd, QueryCliOptions* o, bool with_params);

// Builds QueryOptions from the CLI options, or throws Fail(cmd, ...).
query::QueryOptions MakeQueryOptions(const QueryCliOptions& o, const std::string& cmd);
query::OutputFormat MakeFormat(const QueryCliOptions& o, const std::string& cmd);

// Runs `text` on the store and prints the result to stdout; on error prints
// "kg <cmd>: <message>" and throws Fail with the matching exit code.
void RunQueryAndPrint(const store::Store& store, const std::string& text, const query::QueryOptions& options,
                      query::OutputFormat format, const std::string& cmd);

}  // namespace kg::cli
