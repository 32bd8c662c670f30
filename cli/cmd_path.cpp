// kg path A B: the shortest connection between two entities (a shortcut for
// MATCH p = shortestPath(...) RETURN p).
#include <iostream>

#include "cli/commands.h"
#include "cli/query_run.h"

namespace kg::cli {

void AddPathCommand(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("path", "Shortest path(s) between two entities");
  struct Opts {
    std::string a, b;
    int max_hops = 6;
    bool all = false;
    bool directed = false;
    QueryCliOptions q;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("from", o->a, "First entity (name or alias)")->required();
  cmd->add_option("to", o->b, "Second entity (name or alias)")->required();
  cmd->add_option("--max-hops", o->max_hops, "Longest path considered")->check(CLI::Range(1, 20))->capture_default_str();
  cmd->add_flag("--all", o->all, "Every shortest path, not just one");
  cmd->add_flag("--directed", o->directed, "Follow relationships only from subject to object");
  cmd->add_flag("--print-query", o->q.print_query, "Print the query this runs");
  AddQueryOptions(cmd, &o->q, false);
  cmd->callback([o, &g]() {
    query::QueryOptions options = MakeQueryOptions(o->q, "path");
    options.params.emplace_back("a", query::Value::String(o->a));
    options.params.emplace_back("b", query::Value::String(o->b));
    query::OutputFormat format = MakeFormat(o->q, "path");
    std::string text = std::string("MATCH p = ") + (o->all ? "allShortestPaths" : "shortestPath") +
                       "((a {name: $a})-[*.." + std::to_string(o->max_hops) + "]-" + (o->directed ? ">" : "") +
                       "(b {name: $b}))\nRETURN p AS path, length(p) AS hops";
    if (o->q.print_query) std::cout << text << "\n";
    auto store = OpenStore(g, "path", store::OpenMode::kReadOnly);
    RunQueryAndPrint(*store, text, options, format, "path");
  });
}

}  // namespace kg::cli
