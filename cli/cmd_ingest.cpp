// kg ingest PATH... | -   : articles in, graph out (docs/ingest.md).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "extract/extractor.h"
#include "ingest/input.h"
#include "ingest/pipeline.h"

namespace kg::cli {

namespace {

std::string Plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// A one-line progress bar on stderr, redrawn at most 10 times a second.
class Progress {
 public:
  Progress(bool enabled, uint64_t total_bytes) : enabled_(enabled), total_(total_bytes) {}
  void Update(uint64_t done_bytes, const ingest::IngestSummary& s, bool force = false) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    constexpr int kWidth = 28;
    const double frac = total_ > 0 ? std::min(1.0, static_cast<double>(done_bytes) / static_cast<double>(total_)) : 0.0;
    const int filled = static_cast<int>(frac * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    const double rate = s.seconds > 0 ? static_cast<double>(s.articles + s.duplicates) / s.seconds : 0;
    char line[200];
    std::snprintf(line, sizeof line, "\r[%s] %3d%%  %llu articles  %llu facts  %llu errors  %.0f/s ",
                  bar.c_str(), static_cast<int>(frac * 100),
                  static_cast<unsigned long long>(s.articles),
                  static_cast<unsigned long long>(s.new_facts),
                  static_cast<unsigned long long>(s.errors), rate);
    std::cerr << line << std::flush;
    shown_ = true;
  }
  void Clear() {
    if (shown_) std::cerr << "\r\033[K" << std::flush;
    shown_ = false;
  }

 private:
  bool enabled_;
  uint64_t total_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

void AddIngestCommand(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand(
      "ingest",
      "Add articles to the graph: text files, directories (recursively), .jsonl files, or - for stdin");
  struct Opts {
    std::vector<std::string> paths;
    std::vector<std::string> extracted;
    int jobs = 0;
    bool json = false;
    double max_mb = 8.0;
  };
  auto opts = std::make_shared<Opts>();
  cmd->add_option("paths", opts->paths,
                  "Files (.jsonl: one article per line with id,title,date,source,url,text; other "
                  "files: one plain-text article each), directories, or - for stdin");
  cmd->add_option("-j,--jobs", opts->jobs, "Extraction threads (default: all hardware threads)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--extracted", opts->extracted,
                  "Ingest `kg extract --format jsonl` output (- = stdin; no extraction is run); repeatable");
  cmd->add_flag("--json", opts->json, "Print the summary as one JSON object on stdout");
  cmd->add_option("--max-mb", opts->max_mb, "Refuse articles larger than this many MB")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->footer(
      "Examples:\n"
      "  kg ingest examples/                     every file under examples/, in name order\n"
      "  kg ingest --jobs 4 news.jsonl           one article per JSON line\n"
      "  cat story.txt | kg ingest -             one article from stdin\n"
      "Exit status: 0 all ingested (duplicates are skipped, not errors); 1 some input failed;\n"
      "3 the database is locked by another kg process.");
  cmd->callback([opts, &g]() {
    if (opts->paths.empty() && opts->extracted.empty()) {
      throw Fail("ingest", "nothing to ingest: give files, directories, - for stdin, or --extracted FILE",
                 kExitUsage);
    }
    ingest::InputOptions io;
    io.max_article_bytes = static_cast<uint64_t>(opts->max_mb * 1024 * 1024);

    // The lock first: a second writer must fail at once, before models load.
    auto store = OpenStore(g, "ingest", store::OpenMode::kReadWrite);
    std::unique_ptr<extract::Extractor> extractor;
    if (!opts->paths.empty()) {
      extract::ExtractorOptions eo;
      eo.model_dir = g.models;
      eo.parser_branches = g.parser_branches;
      auto ex = extract::MakeExtractor(eo);
      if (!ex.ok()) throw Fail("ingest", ex.status().ToString(), ExitCodeFor(ex.status()));
      extractor = std::move(ex).value();
      if (!extractor->uses_parser() && !g.quiet) {
        std::cerr << "kg ingest: warning: NLP models not found; using the crude heuristic fallback\n";
      }
    }

    std::vector<std::unique_ptr<ingest::InputSource>> sources;
    for (const auto& f : opts->extracted) sources.push_back(ingest::OpenExtracted(f, std::cin, io));
    if (!opts->paths.empty()) sources.push_back(ingest::OpenInputs(opts->paths, std::cin, io));
    auto input = ingest::Chain(std::move(sources));

    Progress progress(!g.quiet && !opts->json && ::isatty(STDERR_FILENO) != 0, input->total_bytes());
    uint64_t done_bytes = 0;
    ingest::IngestOptions po;
    po.jobs = opts->jobs;
    po.on_item = [&](const ingest::ItemReport& r, const ingest::IngestSummary& s) {
      done_bytes += r.bytes;
      if (!r.error.empty()) {
        progress.Clear();
        std::cerr << "kg ingest: " << r.error << "\n";
      }
      progress.Update(done_bytes, s);
    };
    auto result = ingest::Run(*store, extractor.get(), *input, po);
    progress.Clear();
    if (!result.ok()) throw Fail("ingest", result.status().ToString(), ExitCodeFor(result.status()));
    const ingest::IngestSummary& s = result.value();

    if (opts->json) {
      nlohmann::json j = {
          {"articles", s.articles},         {"new_entities", s.new_entities},
          {"new_facts", s.new_facts},       {"reinforced_facts", s.reinforced_facts},
          {"duplicates", s.duplicates},     {"errors", s.errors},
          {"bytes", s.bytes},               {"tokens", s.tokens},
          {"extracted_facts", s.extracted_facts}, {"seconds", s.seconds},
          {"database", store->path()}};
      std::cout << j.dump() << "\n";
    } else if (!g.quiet) {
      char secs[32];
      std::snprintf(secs, sizeof secs, "%.2f s", s.seconds);
      std::cout << "ingested " << Plural(s.articles, "article", "articles") << " in " << secs << ": "
                << Plural(s.new_entities, "new entity", "new entities") << ", "
                << Plural(s.new_facts, "new fact", "new facts") << ", "
                << Plural(s.reinforced_facts, "reinforced fact", "reinforced facts") << "; "
                << s.duplicates << " skipped (already in the graph); "
                << Plural(s.errors, "error", "errors") << "\n";
    }
    std::cout.flush();
    if (s.errors > 0) {
      throw Fail("ingest", Plural(s.errors, "input", "inputs") + " could not be ingested (see above)");
    }
  });
}

}  // namespace kg::cli
