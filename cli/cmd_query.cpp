// kg query 'QUERY' | kg query -f FILE: run one query (see docs/query.md).
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/query_run.h"

namespace kg::cli {

void AddQueryOptions(CLI::App* cmd, QueryCliOptions* o, bool with_params) {
  cmd->add_option("--format", o->format, "Output: table, json, jsonl, csv or dot")
      ->check(CLI::IsMember({"table", "json", "jsonl", "csv", "dot"}))
      ->capture_default_str();
  cmd->add_option("--timeout", o->timeout, "Stop a query after this many seconds (0 = never)")
      ->capture_default_str();
  cmd->add_option("--as-of", o->as_of,
                  "Query the graph as it stood after article seq N, or on date YYYY-MM-DD "
                  "(an AS OF clause in the query wins)");
  cmd->add_option("--max-expansions", o->max_expansions, "Facts/entities one query may read")
      ->capture_default_str();
  if (with_params) cmd->add_option("--param", o->params, "Query parameter name=value, used as $name (repeatable)");
}

query::QueryOptions MakeQueryOptions(const QueryCliOptions& o, const std::string& cmd) {
  query::QueryOptions q;
  q.timeout_seconds = o.timeout;
  q.max_expansions = o.max_expansions;
  if (!o.as_of.empty()) {
    bool digits = o.as_of.size() <= 19 && o.as_of.find_first_not_of("0123456789") == std::string::npos;
    if (digits) {
      q.view.as_of = std::stoull(o.as_of);
    } else if (query::IsIsoDate(o.as_of)) {
      q.as_of_date = o.as_of;
    } else {
      throw Fail(cmd, "--as-of wants an article seq or a date YYYY-MM-DD, got \"" + o.as_of + "\"", kExitUsage);
    }
  }
  for (const auto& p : o.params) {
    std::pair<std::string, query::Value> kv;
    Status s = query::ParseParam(p, &kv);
    if (!s.ok()) throw Fail(cmd, s.message(), kExitUsage);
    q.params.push_back(std::move(kv));
  }
  return q;
}

query::OutputFormat MakeFormat(const QueryCliOptions& o, const std::string& cmd) {
  auto f = query::ParseOutputFormat(o.format);
  if (!f) throw Fail(cmd, "unknown --format " + o.format, kExitUsage);
  return *f;
}

void RunQueryAndPrint(const store::Store& store, const std::string& text, const query::QueryOptions& options,
                      query::OutputFormat format, const std::string& cmd) {
  Status s = query::RunAndWrite(store, text, options, format, std::cout);
  std::cout.flush();
  if (!s.ok()) throw Fail(cmd, s.message(), ExitCodeFor(s));
}

void AddQueryCommand(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("query", "Run a query: kg query 'MATCH (a {name: \"Rubio\"})-[r]->(b) RETURN b.name'");
  struct Opts {
    std::string text;
    std::string file;
    bool explain = false;
    QueryCliOptions q;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("query", o->text, "The query (see docs/query.md)");
  cmd->add_option("-f,--file", o->file, "Read the query from FILE ('-' for stdin)");
  cmd->add_flag("--explain", o->explain, "Print the plan instead of running the query");
  AddQueryOptions(cmd, &o->q, true);
  cmd->callback([o, &g]() {
    std::string text = o->text;
    if (!o->file.empty()) {
      if (!text.empty()) throw Fail("query", "give the query as an argument or with -f, not both", kExitUsage);
      std::stringstream buf;
      if (o->file == "-") {
        buf << std::cin.rdbuf();
      } else {
        std::ifstream in(o->file);
        if (!in) throw Fail("query", "cannot read " + o->file, kExitFailure);
        buf << in.rdbuf();
      }
      text = buf.str();
    }
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      throw Fail("query", "no query given (kg query 'MATCH ... RETURN ...' or kg query -f FILE)", kExitUsage);
    }
    query::QueryOptions options = MakeQueryOptions(o->q, "query");
    query::OutputFormat format = MakeFormat(o->q, "query");
    auto store = OpenStore(g, "query", store::OpenMode::kReadOnly);
    if (o->explain) {
      auto plan = query::ExplainQuery(*store, text, options);
      if (!plan.ok()) throw Fail("query", plan.status().message(), ExitCodeFor(plan.status()));
      std::cout << *plan;
      return;
    }
    RunQueryAndPrint(*store, text, options, format, "query");
  });
}

}  // namespace kg::cli
