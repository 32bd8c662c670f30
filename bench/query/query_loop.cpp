// kg-query-loop: one query shape, run N times through query::RunQuery with
// $a drawn like kg-bench-query's "uniform" start entities (uniformly among
// the subjects of facts; 2000 names, fixed seed), p50 and p99 in µs of wall
// time, and the p50 of the thread's CPU time (steadier than wall time on a
// machine shared with other jobs: time spent waiting for a core is left out). Small and quick, for back-to-back comparisons of two
// builds on a loaded machine (kg-bench-query's weighted 1-hop alone takes
// minutes there), and for `perf record`:
//
//   kg-query-loop DB 'MATCH (a {name: $a})-[r]->(b) RETURN type(r), b.name' 3000
//
// It uses only the public query and store API, so it also builds against
// older commits: g++ -O2 -std=c++20 -I SRC bench/query/query_loop.cpp
// BUILD/query/libkg_query.a BUILD/store/libkg_store.a BUILD/graph/libkg_graph.a -lrocksdb
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "query/engine.h"
#include "store/store.h"
#include "uniform_subjects.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: kg-query-loop DB QUERY N   (QUERY uses $a, an entity name)\n");
    return 2;
  }
  const std::string query = argv[2];
  const int n = std::atoi(argv[3]);
  auto opened = kg::store::Store::Open(argv[1], kg::store::OpenMode::kReadWrite);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto store = std::move(opened).value();
  const std::vector<std::string> names = UniformSubjectNames(*store, 2000, 11);
  if (names.empty()) return 1;
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
  };
  std::vector<double> us, cpu_us;
  uint64_t errors = 0;
  for (int i = 0; i < n; ++i) {
    kg::query::QueryOptions opt;
    opt.timeout_seconds = 10;
    opt.params = {{"a", kg::query::Value::String(names[static_cast<size_t>(i) % names.size()])}};
    const double c0 = cpu_now();
    auto t0 = std::chrono::steady_clock::now();
    auto rs = kg::query::RunQuery(*store, query, opt);
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    cpu_us.push_back(cpu_now() - c0);
    errors += rs.ok() ? 0 : 1;
  }
  std::sort(us.begin(), us.end());
  std::sort(cpu_us.begin(), cpu_us.end());
  std::printf("p50 %.1f p99 %.1f us, cpu p50 %.1f us, %llu errors\n", us[us.size() / 2],
              us[us.size() * 99 / 100], cpu_us[cpu_us.size() / 2], static_cast<unsigned long long>(errors));
  return errors == 0 ? 0 : 1;
}
