// kg-query-ab: two databases holding the same graph, one query shape, in ONE
// process: batches of 50 queries alternate between A and B with the same
// start entities, so both see the same machine (this VM's speed drifts by
// 2x between runs of one binary; an A/B in one process does not drift).
// Prints p50 and p90 of each in µs of wall time.
//
//   kg-query-ab [--a-pread] [--b-pread] [--a-no-adj] [--b-no-adj] [--a-no-hubc] [--b-no-hubc]
//               [--seed N] DB_A DB_B QUERY N
//
// QUERY uses $a, an entity name drawn uniformly among the subjects of
// facts (like kg-bench-query's "uniform" row; N draws, fixed seed). The
// --x-pread flags open that database with OpenOptions::mmap_reads = false
// (table files read with pread into the block cache); --x-no-adj with
// OpenOptions::adjacency_reads = false (out-facts from spo rows, as schema 4
// read them; B a copy of A made with `cp -a`); --x-no-hubc with
// OpenOptions::hub_chunk_reads = false (a hub's typed out-facts from stpo
// rows, as schema 5 read them). To compare table
// formats, make B a copy of A rewritten by another kg's `kg upgrade`
// (docs/query.md, "Table files read in place").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "query/engine.h"
#include "store/store.h"
#include "uniform_subjects.h"

namespace {

int Usage(int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: kg-query-ab [--a-pread] [--b-pread] [--a-no-adj] [--b-no-adj] [--a-no-hubc] [--b-no-hubc]\n"
               "                   [--seed N] DB_A DB_B QUERY N\n"
               "  QUERY uses $a (an entity name); N start entities, the same for A and B\n");
  return code;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  kg::store::OpenOptions options[2];
  unsigned long seed = 1;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return Usage(0);
    if (a == "--a-pread") options[0].mmap_reads = false;
    else if (a == "--b-pread") options[1].mmap_reads = false;
    else if (a == "--a-no-adj") options[0].adjacency_reads = false;
    else if (a == "--b-no-adj") options[1].adjacency_reads = false;
    else if (a == "--a-no-hubc") options[0].hub_chunk_reads = false;
    else if (a == "--b-no-hubc") options[1].hub_chunk_reads = false;
    else if (a == "--seed" && i + 1 < argc) seed = std::strtoul(argv[++i], nullptr, 10);
    else if (!a.empty() && a[0] == '-') return Usage(2);
    else args.push_back(a);
  }
  if (args.size() != 4) return Usage(2);
  const std::string query = args[2];
  const int n = std::atoi(args[3].c_str());
  if (n <= 0) return Usage(2);
  std::unique_ptr<kg::store::Store> stores[2];
  for (int k = 0; k < 2; ++k) {
    auto opened = kg::store::Store::Open(args[static_cast<size_t>(k)], kg::store::OpenMode::kReadWrite, options[k]);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
      return 1;
    }
    stores[k] = std::move(opened).value();
  }
  const std::vector<std::string> names = UniformSubjectNames(*stores[0], static_cast<size_t>(n), seed);
  if (names.empty()) {
    std::fprintf(stderr, "%s has no facts\n", args[0].c_str());
    return 1;
  }
  std::vector<double> us[2];
  uint64_t errors = 0;
  constexpr int kBatch = 50;
  for (int start = 0; start < n; start += kBatch) {
    for (int turn = 0; turn < 2; ++turn) {
      const int k = (start / kBatch + turn) % 2;  // who goes first alternates
      for (int i = start; i < std::min(n, start + kBatch); ++i) {
        kg::query::QueryOptions opt;
        opt.timeout_seconds = 10;
        opt.params = {{"a", kg::query::Value::String(names[static_cast<size_t>(i)])}};
        const auto t0 = std::chrono::steady_clock::now();
        auto rs = kg::query::RunQuery(*stores[k], query, opt);
        us[k].push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
        errors += rs.ok() ? 0 : 1;
      }
    }
  }
  std::printf("A p50 %.1f p90 %.1f | B p50 %.1f p90 %.1f us (%d queries each, %llu errors)\n",
              Percentile(us[0], 0.5), Percentile(us[0], 0.9), Percentile(us[1], 0.5), Percentile(us[1], 0.9), n,
              static_cast<unsigned long long>(errors));
  return errors == 0 ? 0 : 1;
}
