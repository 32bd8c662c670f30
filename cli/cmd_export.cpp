// kg export: the graph (or part of it, as of any point) as DOT, SVG, PNG,
// JSON, GraphML, N-Quads or neo4j-admin CSV. Formats: docs/exports.md.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "export/history.h"
#include "export/render.h"
#include "export/subgraph.h"
#include "export/writers.h"

namespace kg::cli {
namespace {

struct ExportOptions {
  std::string format = "dot";
  std::string out;
  std::string center;
  uint32_t depth = 1;
  std::string as_of;
  std::string since;
  std::string types;
  uint32_t min_support = 1;
  int64_t max_nodes = -1;  // -1: the default for the format
  std::string engine;
};

// Drawings of more than this many entities stop being readable.
constexpr size_t kDefaultDrawingNodes = 100;

void WriteText(const std::string& cmd, const std::string& out, const std::string& text) {
  if (out.empty() || out == "-") {
    std::cout << text;
    std::cout.flush();
    return;
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) throw Fail(cmd, "cannot write " + out);
}

void RunExport(const GlobalOptions& g, const ExportOptions& o) {
  const std::string cmd = "export";
  static const char* kFormats[] = {"dot", "svg", "png", "pdf", "json", "graphml", "nquads", "csv"};
  bool known = false;
  for (const char* f : kFormats) known = known || o.format == f;
  if (!known) {
    throw Fail(cmd, "unknown format '" + o.format + "' (dot, svg, png, pdf, json, graphml, nquads, csv)", kExitUsage);
  }
  const bool drawing = o.format == "dot" || o.format == "svg" || o.format == "png" || o.format == "pdf";
  if (o.format == "csv" && (o.out.empty() || o.out == "-")) {
    throw Fail(cmd, "--format csv writes several files: give a directory with --out DIR", kExitUsage);
  }
  if ((o.format == "png" || o.format == "pdf") && (o.out.empty() || o.out == "-") && ::isatty(STDOUT_FILENO)) {
    throw Fail(cmd, "--format " + o.format + " is binary: give --out FILE or redirect stdout", kExitUsage);
  }

  auto st = OpenStore(g, cmd, store::OpenMode::kReadOnly);
  store::View view;
  if (!o.as_of.empty()) {
    auto latest = st->NewReader();
    auto point = exports::ResolvePoint(*latest, o.as_of);
    if (!point.ok()) throw Fail(cmd, "--as-of: " + point.status().message(), kExitUsage);
    view.as_of = *point;
  }
  auto reader = st->NewReader(view);

  exports::SelectOptions sel;
  if (!o.center.empty()) sel.center = o.center;
  sel.depth = o.depth;
  if (!o.since.empty()) sel.since = o.since;
  if (!o.types.empty()) {
    Status s = exports::ParseTypeList(o.types, &sel.types);
    if (!s.ok()) throw Fail(cmd, "--type: " + s.message(), kExitUsage);
  }
  sel.min_support = o.min_support;
  sel.include_isolated = !drawing;
  sel.with_mentions = o.format == "json";
  sel.centrality = o.format == "json" || o.format == "graphml";
  sel.max_nodes = o.max_nodes >= 0 ? static_cast<size_t>(o.max_nodes) : (drawing ? kDefaultDrawingNodes : 0);

  auto sub = exports::Select(*reader, sel);
  if (!sub.ok()) throw Fail(cmd, sub.status().message(), ExitCodeFor(sub.status()));
  exports::Subgraph& graph = *sub;
  graph.title = "kg";
  if (!o.center.empty()) graph.title += ": " + o.center + " (depth " + std::to_string(o.depth) + ")";
  if (!o.as_of.empty()) graph.title += " as of " + o.as_of;
  if (drawing && o.max_nodes < 0 && graph.entities.size() >= kDefaultDrawingNodes && !g.quiet) {
    std::cerr << "kg export: drawing the " << kDefaultDrawingNodes
              << " most connected entities; --max-nodes N (0: all) to change\n";
  }

  if (o.format == "json") return WriteText(cmd, o.out, exports::WriteJson(graph));
  if (o.format == "graphml") return WriteText(cmd, o.out, exports::WriteGraphml(graph));
  if (o.format == "nquads") return WriteText(cmd, o.out, exports::WriteNquads(graph));
  if (o.format == "csv") {
    Status s = exports::WriteCsvDir(graph, o.out);
    if (!s.ok()) throw Fail(cmd, s.message());
    if (!g.quiet) {
      std::cerr << "kg export: wrote entities.csv, articles.csv, facts.csv, mentions.csv to " << o.out << "\n";
    }
    return;
  }
  const std::string dot = exports::WriteDot(graph);
  if (o.format == "dot") return WriteText(cmd, o.out, dot);
  const std::string engine = o.engine.empty() ? std::string(exports::DotEngineFor(graph)) : o.engine;
  std::string target = o.out;
  const bool to_stdout = target.empty() || target == "-";
  if (to_stdout) {
    target = (std::filesystem::temp_directory_path() / ("kg-export-" + std::to_string(::getpid()) + "." + o.format))
                 .string();
  }
  Status s = exports::RenderDot(dot, engine, o.format, target);
  if (!s.ok()) throw Fail(cmd, s.message(), s.code() == Status::Code::kNotFound ? kExitFailure : ExitCodeFor(s));
  if (to_stdout) {
    std::ifstream f(target, std::ios::binary);
    std::cout << f.rdbuf();
    std::cout.flush();
    std::error_code ec;
    std::filesystem::remove(target, ec);
  }
}

}  // namespace

void AddExportCommand(CLI::App& app, GlobalOptions& g) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* sub = app.add_subcommand("export", "Write the graph as dot, svg, png, json, graphml, nquads or csv");
  sub->add_option("-f,--format", o->format, "dot|svg|png|pdf|json|graphml|nquads|csv (default dot)")
      ->capture_default_str();
  sub->add_option("-o,--out", o->out, "Output file (default stdout); a directory for csv");
  sub->add_option("--center", o->center, "Only the neighbourhood of this entity (name or alias)");
  sub->add_option("--depth", o->depth, "Hops from --center (default 1)")->capture_default_str();
  sub->add_option("--as-of", o->as_of, "The graph as it was after this article (id, seq) or date YYYY-MM-DD");
  sub->add_option("--since", o->since, "Only facts with evidence from this date (YYYY-MM-DD) or seq on");
  sub->add_option("--type", o->types, "Only entities of these types: person,organization,place,group,misc,concept");
  sub->add_option("--min-support", o->min_support, "Only facts stated by at least N articles (default 1)");
  sub->add_option("--max-nodes", o->max_nodes,
                  "Keep the N most connected entities (default: 100 for drawings, all for data; 0: all)");
  sub->add_option("--engine", o->engine, "Graphviz layout for svg/png: dot or sfdp (default: by size)")
      ->check(CLI::IsMember({"dot", "sfdp", "neato", "fdp", "circo", "twopi"}));
  sub->footer(
      "Examples:\n"
      "  kg export --format svg --out graph.svg\n"
      "  kg export --center Trump --depth 2 --format png --out trump.png\n"
      "  kg export --format nquads --as-of 2020-01-31 > graph.nq\n"
      "  kg export --format csv --out neo4j-import/");
  sub->callback([&g, o] { RunExport(g, *o); });
}

}  // namespace kg::cli
