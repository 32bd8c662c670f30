// kg neighbors NAME [--depth K]: the entities around one entity. A shortcut
// that compiles to the query language (--print-query shows the query).
#include <iostream>

#include "cli/commands.h"
#include "cli/query_run.h"

namespace kg::cli {

// The query `kg neighbors` runs.
std::string NeighborsQuery(int depth, bool dot) {
  if (dot) {
    return "MATCH p = (a {name: $name})-[*1.." + std::to_string(depth) + "]-(b) RETURN p";
  }
  if (depth == 1) {
    return "MATCH (a {name: $name})-[r]-(b)\n"
           "RETURN b.name AS neighbor, b.type AS type, startNode(r).name AS subject, type(r) AS relation,\n"
           "       endNode(r).name AS object, r.polarity AS polarity, r.support AS support\n"
           "ORDER BY support DESC, neighbor, relation";
  }
  return "MATCH p = (a {name: $name})-[*1.." + std::to_string(depth) +
         "]-(b) WHERE b <> a\n"
         "RETURN b.name AS neighbor, b.type AS type, min(length(p)) AS hops, count(p) AS paths\n"
         "ORDER BY hops, paths DESC, neighbor";
}

void AddNeighborsCommand(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("neighbors", "Entities connected to NAME (up to --depth hops)");
  struct Opts {
    std::string name;
    int depth = 1;
    QueryCliOptions q;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("name", o->name, "Entity name or alias")->required();
  cmd->add_option("--depth", o->depth, "Hops (1-5)")->check(CLI::Range(1, 5))->capture_default_str();
  cmd->add_flag("--print-query", o->q.print_query, "Print the query this runs");
  AddQueryOptions(cmd, &o->q, false);
  cmd->callback([o, &g]() {
    query::QueryOptions options = MakeQueryOptions(o->q, "neighbors");
    options.params.emplace_back("name", query::Value::String(o->name));
    query::OutputFormat format = MakeFormat(o->q, "neighbors");
    std::string text = NeighborsQuery(o->depth, format == query::OutputFormat::kDot);
    if (o->q.print_query) std::cout << text << "\n";
    auto store = OpenStore(g, "neighbors", store::OpenMode::kReadOnly);
    RunQueryAndPrint(*store, text, options, format, "neighbors");
  });
}

}  // namespace kg::cli
