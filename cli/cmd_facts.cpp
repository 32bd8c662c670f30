// kg facts NAME: every fact about an entity with the sentence it was read
// from (a shortcut for MATCH ... UNWIND evidence(r) ...).
#include <iostream>

#include "cli/commands.h"
#include "cli/query_run.h"

namespace kg::cli {

void AddFactsCommand(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("facts", "Every fact about NAME, with its evidence sentences");
  struct Opts {
    std::string name;
    QueryCliOptions q;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("name", o->name, "Entity name or alias")->required();
  cmd->add_flag("--print-query", o->q.print_query, "Print the query this runs");
  AddQueryOptions(cmd, &o->q, false);
  cmd->callback([o, &g]() {
    query::QueryOptions options = MakeQueryOptions(o->q, "facts");
    options.params.emplace_back("name", query::Value::String(o->name));
    query::OutputFormat format = MakeFormat(o->q, "facts");
    std::string text =
        format == query::OutputFormat::kDot
            ? "MATCH (a {name: $name})-[r]-(b) RETURN a, r, b"
            : "MATCH (a {name: $name})-[r]-(b) UNWIND evidence(r) AS e\n"
              "RETURN startNode(r).name AS subject, type(r) AS predicate, endNode(r).name AS object,\n"
              "       r.polarity AS polarity, r.modality AS modality, e.article AS article, e.sentence AS sentence\n"
              "ORDER BY subject, predicate, object, e.seq";
    if (o->q.print_query) std::cout << text << "\n";
    auto store = OpenStore(g, "facts", store::OpenMode::kReadOnly);
    RunQueryAndPrint(*store, text, options, format, "facts");
  });
}

}  // namespace kg::cli
