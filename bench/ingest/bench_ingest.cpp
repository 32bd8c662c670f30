// kg-bench-ingest: ingest speed and database size on real news.
//
// Ingests the first --mb megabytes (whole lines) of a JSON Lines file into a
// fresh database with the real extractor and prints articles/s, MB/s,
// tokens/s, facts/s, peak RSS and database bytes per fact.
//
//   kg-bench-ingest [--input FILE] [--mb 5] [--jobs N] [--db DIR] [--keep]
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <vector>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <string>

#include <unistd.h>

#include "extract/extractor.h"
#include "ingest/input.h"
#include "ingest/pipeline.h"
#include "store/store.h"

namespace fs = std::filesystem;

namespace {

int Usage(const char* why) {
  std::cerr << "kg-bench-ingest: " << why
            << "\nusage: kg-bench-ingest [--input FILE] [--mb MB] [--jobs N] [--db DIR] [--keep]\n";
  return 2;
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::error_code fe;
    if (it->is_regular_file(fe)) total += it->file_size(fe);
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  const char* shared_env = std::getenv("KG_SHARED_DATA");
  std::string input = std::string(shared_env != nullptr && *shared_env != '\0' ? shared_env : KG_SHARED_DATA) +
                      "/news/reuters21578/articles.jsonl";
  double mb = 5.0;
  int jobs = 0;
  std::string db;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--input") input = next();
    else if (a == "--mb") mb = std::atof(next().c_str());
    else if (a == "--jobs") jobs = std::atoi(next().c_str());
    else if (a == "--db") db = next();
    else if (a == "--keep") keep = true;
    else return Usage(("unknown argument " + a).c_str());
  }
  if (mb <= 0) return Usage("--mb must be positive");

  // The first `mb` MB of whole lines.
  std::ifstream in(input, std::ios::binary);
  if (!in) {
    std::cerr << "kg-bench-ingest: cannot open " << input << " (set KG_SHARED_DATA or --input)\n";
    return 1;
  }
  const auto limit = static_cast<uint64_t>(mb * 1e6);
  std::string data, line;
  while (data.size() < limit && std::getline(in, line)) data += line + "\n";
  std::istringstream lines(data);

  if (db.empty()) db = (fs::temp_directory_path() / ("kg-bench-ingest-" + std::to_string(::getpid()))).string();
  fs::remove_all(db);

  kg::extract::ExtractorOptions eo;
  auto extractor = kg::extract::MakeExtractor(eo);
  if (!extractor.ok()) {
    std::cerr << "kg-bench-ingest: " << extractor.status().ToString() << "\n";
    return 1;
  }
  kg::ingest::IngestSummary sum;
  {
    auto store = kg::store::Store::Open(db, kg::store::OpenMode::kReadWrite);
    if (!store.ok()) {
      std::cerr << "kg-bench-ingest: " << store.status().ToString() << "\n";
      return 1;
    }
    auto src = kg::ingest::OpenInputs({"-"}, lines);
    kg::ingest::IngestOptions opt;
    opt.jobs = jobs;
    auto r = kg::ingest::Run(*store.value(), extractor.value().get(), *src, opt);
    if (!r.ok()) {
      std::cerr << "kg-bench-ingest: " << r.status().ToString() << "\n";
      return 1;
    }
    sum = r.value();
  }
  const uint64_t bytes_as_written = DirBytes(db);
  kg::store::StoreStats st;
  uint64_t hop_lookups = 0, hop_facts = 0;
  double hop_seconds = 0;
  {
    // Reopening replays the WAL into compressed tables: the steady-state size.
    auto store = kg::store::Store::Open(db, kg::store::OpenMode::kReadWrite);
    if (!store.ok()) {
      std::cerr << "kg-bench-ingest: reopen: " << store.status().ToString() << "\n";
      return 1;
    }
    auto s = store.value()->Stats();
    if (s.ok()) st = s.value();
    // 1-hop lookups in the latest view: every entity's outgoing facts.
    auto reader = store.value()->NewReader();
    std::vector<kg::EntityId> ids;
    (void)reader->ScanEntities([&](const kg::Entity& e) {
      ids.push_back(e.id);
      return true;
    });
    const auto t0 = std::chrono::steady_clock::now();
    for (kg::EntityId id : ids) {
      kg::store::TriplePattern p;
      p.subject = id;
      (void)reader->ScanFacts(p, [&](const kg::Fact& f) {
        hop_facts += f.support;
        return true;
      });
    }
    hop_lookups = ids.size();
    hop_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  const uint64_t bytes_reopened = DirBytes(db);
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);

  const double secs = sum.seconds > 0 ? sum.seconds : 1e-9;
  std::printf("input            %s (first %.1f MB: %zu bytes of JSON Lines)\n", input.c_str(), mb, data.size());
  std::printf("extractor        %s\n", extractor.value()->uses_parser() ? "NLP pipeline" : "heuristic fallback");
  std::printf("jobs             %d\n", jobs > 0 ? jobs : static_cast<int>(std::thread::hardware_concurrency()));
  std::printf("articles         %llu (%llu duplicates, %llu errors) in %.2f s\n",
              static_cast<unsigned long long>(sum.articles), static_cast<unsigned long long>(sum.duplicates),
              static_cast<unsigned long long>(sum.errors), secs);
  std::printf("articles/s       %.1f\n", sum.articles / secs);
  std::printf("MB/s             %.3f   (article text)\n", sum.bytes / 1e6 / secs);
  std::printf("tokens/s         %.0f\n", sum.tokens / secs);
  std::printf("facts/s          %.1f extracted, %.1f new stored facts\n", sum.extracted_facts / secs,
              sum.new_facts / secs);
  std::printf("graph            %llu entities, %llu facts, %llu evidence rows\n",
              static_cast<unsigned long long>(st.entities), static_cast<unsigned long long>(st.facts),
              static_cast<unsigned long long>(st.evidence));
  std::printf("peak RSS         %.1f MB\n", ru.ru_maxrss / 1024.0);
  std::printf("database         %.2f MB as written (WAL), %.2f MB after reopen\n", bytes_as_written / 1e6,
              bytes_reopened / 1e6);
  if (st.facts > 0) {
    std::printf("bytes per fact   %.0f (after reopen; includes evidence, sentences, mentions, indexes)\n",
                static_cast<double>(bytes_reopened) / st.facts);
  }
  if (hop_lookups > 0) {
    std::printf("1-hop lookup     %.1f us mean over %llu entities (ScanFacts by subject, latest view)\n",
                hop_seconds * 1e6 / hop_lookups, static_cast<unsigned long long>(hop_lookups));
  }
  if (!keep) fs::remove_all(db);
  return 0;
}
