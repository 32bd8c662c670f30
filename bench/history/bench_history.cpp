// bench_history: the cost of `kg log`, `kg diff` and AS OF reads as the
// database grows (by default to the whole Reuters-21578 set).
//
// It extracts and commits the articles of a JSONL file in order and, at
// checkpoints (doubling article counts), times:
//   log-10    ReadLog of the last 10 entries (what `kg log -n 10` does)
//   diff-10   ComputeDiff over the last 10 articles (`kg diff N-10 N`)
//   as-of     at the view AS OF the half-way article: the facts of a fixed
//             set of entities (1-hop, like `kg export --center X --depth 1`)
//             and their evidence ("scanned": the same probes' rows in the
//             latest view, i.e. what the index holds for them)
// Each cost is reported per item reported (entries, facts, rows), so a flat
// column means "proportional to what it reports, not to the database size".
//
// Usage: bench_history [--jsonl PATH] [--limit N] [--db DIR] [--first N]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/history.h"
#include "extract/extractor.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Median of `reps` runs of fn (ms).
template <typename Fn>
double Median(int reps, Fn&& fn) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    auto a = Clock::now();
    fn();
    t.push_back(Ms(a, Clock::now()));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// A string field, "" when absent or null (Reuters has records without a title).
std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

int main(int argc, char** argv) {
  const char* shared_env = std::getenv("KG_SHARED_DATA");
  std::string jsonl = std::string(shared_env != nullptr && *shared_env != '\0' ? shared_env : KG_SHARED_DATA) +
                      "/news/reuters21578/articles.jsonl";
  size_t limit = SIZE_MAX;
  size_t first = 250;
  std::string db;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "bench_history: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--jsonl") jsonl = next();
    else if (a == "--limit") limit = std::stoull(next());
    else if (a == "--first") first = std::stoull(next());
    else if (a == "--db") db = next();
    else {
      std::cerr << "usage: bench_history [--jsonl PATH] [--limit N] [--first N] [--db DIR]\n";
      return 2;
    }
  }
  std::ifstream in(jsonl);
  if (!in) {
    std::cerr << "bench_history: cannot read " << jsonl << "\n";
    return 1;
  }
  if (db.empty()) db = (std::filesystem::temp_directory_path() / ("kg-bench-history-" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(db);
  auto opened = kg::store::Store::Open(db, kg::store::OpenMode::kReadWrite);
  if (!opened.ok()) {
    std::cerr << "bench_history: " << opened.status().ToString() << "\n";
    return 1;
  }
  auto st = std::move(opened).value();
  auto ex = kg::extract::MakeExtractor(kg::extract::ExtractorOptions{});
  if (!ex.ok()) {
    std::cerr << "bench_history: " << ex.status().ToString() << "\n";
    return 1;
  }
  if (!(*ex)->uses_parser()) std::cerr << "bench_history: note: heuristic extractor (no NLP models)\n";

  std::printf("%9s %9s %9s | %8s %9s | %8s %6s %9s | %8s %6s %9s %7s %9s\n", "articles", "facts", "evidence",
              "log10 ms", "us/entry", "diff ms", "facts", "us/fact", "asof ms", "rows", "us/row", "scanned",
              "us/scan");
  std::vector<kg::EntityId> probe;  // fixed entities for the AS OF reads, chosen at the first checkpoint
  size_t next_checkpoint = first, n = 0;
  std::string line;
  auto checkpoint = [&] {
    auto stats = st->Stats();
    const kg::ArticleSeq last = st->NewReader()->LastSeq();
    // log -n 10
    size_t entries = 0;
    const double log_ms = Median(5, [&] {
      auto r = st->NewReader();
      kg::exports::LogOptions lo;
      lo.last = 10;
      auto items = kg::exports::ReadLog(*r, lo);
      entries = items.ok() ? items->size() : 0;
    });
    // diff over the last 10 articles
    size_t diff_facts = 0;
    const double diff_ms = Median(5, [&] {
      auto d = kg::exports::ComputeDiff(*st, last > 10 ? last - 10 : 0, last);
      diff_facts = d.ok() ? d->added.size() + d->reinforced.size() : 0;
    });
    // AS OF the half-way point: 1-hop facts of the probe entities, with evidence.
    if (probe.empty()) {
      auto r = st->NewReader();
      std::vector<std::pair<uint64_t, kg::EntityId>> top;
      (void)r->ScanEntities([&](const kg::Entity& e) {
        top.emplace_back(e.mentions, e.id);
        return true;
      });
      std::sort(top.rbegin(), top.rend());
      for (size_t i = 0; i < top.size() && probe.size() < 5; ++i) probe.push_back(top[i].second);
    }
    size_t rows = 0;
    const double asof_ms = Median(5, [&] {
      kg::store::View v;
      v.as_of = last / 2;
      auto r = st->NewReader(v);
      rows = 0;
      for (kg::EntityId id : probe) {
        kg::store::TriplePattern p;
        p.subject = id;
        (void)r->ScanFacts(p, [&](const kg::Fact& f) {
          ++rows;
          (void)r->ScanEvidence(f.id, [&](const kg::Evidence&) {
            ++rows;
            return true;
          });
          return true;
        });
      }
    });
    // The same probes in the latest view: how many index rows the AS OF read had to pass over.
    size_t latest_rows = 0;
    {
      auto r = st->NewReader();
      for (kg::EntityId id : probe) {
        kg::store::TriplePattern p;
        p.subject = id;
        (void)r->ScanFacts(p, [&](const kg::Fact& f) {
          ++latest_rows;
          (void)r->ScanEvidence(f.id, [&](const kg::Evidence&) {
            ++latest_rows;
            return true;
          });
          return true;
        });
      }
    }
    std::printf("%9zu %9llu %9llu | %8.3f %9.1f | %8.3f %6zu %9.1f | %8.3f %6zu %9.1f %7zu %9.1f\n", n,
                static_cast<unsigned long long>(stats.ok() ? stats->facts : 0),
                static_cast<unsigned long long>(stats.ok() ? stats->evidence : 0), log_ms,
                entries ? log_ms * 1000 / static_cast<double>(entries) : 0.0, diff_ms, diff_facts,
                diff_facts ? diff_ms * 1000 / static_cast<double>(diff_facts) : 0.0, asof_ms, rows,
                rows ? asof_ms * 1000 / static_cast<double>(rows) : 0.0, latest_rows,
                latest_rows ? asof_ms * 1000 / static_cast<double>(latest_rows) : 0.0);
    std::fflush(stdout);
  };
  while (n < limit && std::getline(in, line)) {
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const std::exception&) {
      continue;
    }
    const std::string text = Str(j, "text");
    if (text.empty()) continue;
    kg::Article a;
    a.id = Str(j, "id");
    a.title = Str(j, "title");
    a.date = Str(j, "date");
    a.source = Str(j, "source");
    a.url = Str(j, "url");
    a.bytes = text.size();
    auto c = st->Commit(a, text, (*ex)->Extract(text));
    if (!c.ok()) {
      std::cerr << "bench_history: " << a.id << ": " << c.status().ToString() << "\n";
      continue;
    }
    ++n;
    if (n == next_checkpoint) {
      checkpoint();
      next_checkpoint *= 2;
    }
  }
  if (n != next_checkpoint / 2) checkpoint();
  std::filesystem::remove_all(db);
  return 0;
}
