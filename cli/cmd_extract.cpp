// kg extract: articles in, mentions and facts out, touching no database.
//   kg extract --format jsonl [PATH...|-]   one JSON record per article (docs/extraction.md)
//   kg extract --format carb [FILE|-]       one sentence per line -> CaRB tabbed tuples
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "extract/extractor.h"
#include "graph/extraction_json.h"

namespace kg::cli {

namespace {

std::string JsonStr(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// Reads articles from `path` ("-" = stdin, JSONL) and calls fn for each.
// JSONL when the name ends in .jsonl or is "-"; otherwise the whole file is
// one article whose id is the file name. Returns false after reporting errors.
template <typename Fn>
bool ForEachArticle(const std::string& path, Fn fn) {
  bool ok = true;
  const bool jsonl = path == "-" || path.ends_with(".jsonl") || path.ends_with(".json");
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      std::cerr << "kg extract: cannot open " << path << "\n";
      return false;
    }
    in = &file;
  }
  if (!jsonl) {
    std::stringstream ss;
    ss << in->rdbuf();
    Article a;
    a.id = std::filesystem::path(path).filename().string();
    fn(a, ss.str());
    return true;
  }
  std::string line;
  uint64_t lineno = 0;
  while (std::getline(*in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j["text"].is_string()) {
      std::cerr << "kg extract: " << (path == "-" ? "<stdin>" : path) << ":" << lineno
                << ": not a JSON article object with a string \"text\" field\n";
      ok = false;
      continue;
    }
    Article a;
    a.id = JsonStr(j, "id");
    if (a.id.empty()) a.id = (path == "-" ? "stdin" : path) + ":" + std::to_string(lineno);
    a.title = JsonStr(j, "title");
    a.date = JsonStr(j, "date");
    a.source = JsonStr(j, "source");
    a.url = JsonStr(j, "url");
    fn(a, j["text"].get<std::string>());
  }
  return ok;
}

}  // namespace

void AddExtractCommand(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("extract", "Extract mentions and facts from articles (no database)");
  struct Opts {
    std::string format = "jsonl";
    std::vector<std::string> inputs;
    bool entities_only = false;
  };
  auto opts = std::make_shared<Opts>();
  cmd->add_option("--format", opts->format, "jsonl (one record per article) or carb (one sentence per line)")
      ->check(CLI::IsMember({"jsonl", "carb"}))
      ->capture_default_str();
  cmd->add_flag("--entities-only", opts->entities_only, "Keep only facts between two named entities");
  cmd->add_option("inputs", opts->inputs, "Files (.jsonl articles, or one text file per article), directories; - = stdin");
  cmd->callback([opts, &g]() {
    extract::ExtractorOptions eo;
    eo.model_dir = g.models;
    eo.parser_branches = g.parser_branches;
    eo.entities_only = opts->entities_only;
    auto ex = extract::MakeExtractor(eo);
    if (!ex.ok()) throw Fail("extract", ex.status().ToString(), ExitCodeFor(ex.status()));
    if (!ex.value()->uses_parser() && !g.quiet) {
      std::cerr << "kg extract: warning: NLP models not usable (" << ex.value()->fallback_reason()
                << "); using the crude heuristic fallback\n";
    }
    if (opts->inputs.empty()) opts->inputs.push_back("-");
    std::ios::sync_with_stdio(false);
    bool ok = true;
    if (opts->format == "carb") {
      for (const auto& path : opts->inputs) {
        std::ifstream file;
        std::istream* in = &std::cin;
        if (path != "-") {
          file.open(path);
          if (!file) throw Fail("extract", "cannot open " + path);
          in = &file;
        }
        std::string line;
        while (std::getline(*in, line)) {
          if (!line.empty() && line.back() == '\r') line.pop_back();
          if (line.empty()) continue;
          for (const auto& t : ex.value()->ExtractTuples(line)) {
            std::cout << line << '\t' << t.confidence << '\t' << t.relation;
            for (const auto& a : t.args) std::cout << '\t' << a;
            std::cout << '\n';
          }
        }
      }
      return;
    }
    // Directories: their .txt (one article each) and .jsonl files, in name order.
    std::vector<std::string> paths;
    for (const auto& path : opts->inputs) {
      std::error_code ec;
      if (path != "-" && std::filesystem::is_directory(path, ec)) {
        std::vector<std::string> files;
        for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec)) {
          const std::string ext = e.path().extension().string();
          if (e.is_regular_file() && (ext == ".txt" || ext == ".jsonl" || ext == ".json")) {
            files.push_back(e.path().string());
          }
        }
        std::sort(files.begin(), files.end());
        paths.insert(paths.end(), files.begin(), files.end());
      } else {
        paths.push_back(path);
      }
    }
    for (const auto& path : paths) {
      ok = ForEachArticle(path, [&](const Article& a, const std::string& text) {
             ExtractedArticle r;
             r.article = a;
             r.text = text;
             r.extraction = ex.value()->Extract(text);
             std::cout << ToJson(r) << '\n';
           }) && ok;
    }
    std::cout.flush();
    if (!ok) throw Fail("extract", "some input could not be read (see above)");
  });
}

}  // namespace kg::cli
