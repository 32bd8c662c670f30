// kg-nlp-bench: single-threaded throughput of the whole NLP pipeline
// (tokenize + split + tag + lemmatize + parse) on the Reuters-21578 articles
// (JSON lines with a "text" field), and peak resident memory.
//
//   kg-nlp-bench [--models DIR] [--limit N] [--branches K] [FILE.jsonl]
//   (--branches: the parser's selectional-branching width, 0 = greedy)
// FILE defaults to $KG_SHARED_DATA/news/reuters21578/articles.jsonl.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/tool_args.h"
#include "extract/nlp/pipeline.h"

#ifndef KG_SHARED_DATA
#define KG_SHARED_DATA "../shared/data"
#endif

namespace {
double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec * 1e-6;
}
long PeakRssKiB() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}
}  // namespace

int main(int argc, char** argv) {
  std::string models = kg::nlp::DefaultModelDir(), file;
  size_t limit = 0;
  int branches = -1;
  const char* usage = "usage: kg-nlp-bench [--models DIR] [--limit N] [--branches K] [FILE.jsonl]\n";
  if (kg::bench::WantsHelp(argc, argv)) {
    std::cout << usage
              << "Tokens per CPU second of the whole NLP pipeline on one thread, and peak memory.\n"
                 "FILE defaults to the Reuters-21578 articles under ../shared/data; --branches 0 is greedy.\n";
    return 0;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    bool ok = true;
    if (a == "--models" && i + 1 < argc) models = argv[++i];
    else if (a == "--limit" && i + 1 < argc) ok = kg::bench::ParseInt<size_t>(argv[++i], 0, SIZE_MAX, &limit);
    else if (a == "--branches" && i + 1 < argc) ok = kg::bench::ParseInt(argv[++i], 0, 64, &branches);
    else if (a.rfind("--", 0) == 0) ok = false;
    else file = a;
    if (!ok) {
      std::cerr << "kg-nlp-bench: bad argument " << a << (i < argc && argv[i] != a ? std::string(" ") + argv[i] : "")
                << "\n" << usage;
      return 2;
    }
  }
  if (file.empty()) {
    const char* env = std::getenv("KG_SHARED_DATA");
    file = std::string(env && *env ? env : KG_SHARED_DATA) + "/news/reuters21578/articles.jsonl";
  }
  std::ifstream in(file);
  if (!in) {
    std::cerr << "kg-nlp-bench: cannot read " << file << "\n";
    return 1;
  }
  std::vector<std::string> texts;
  size_t bytes = 0;
  std::string line;
  while (std::getline(in, line) && (limit == 0 || texts.size() < limit)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("text") || !j["text"].is_string()) continue;
    texts.push_back(j["text"].get<std::string>());
    bytes += texts.back().size();
  }
  const auto t_load = std::chrono::steady_clock::now();
  std::string err;
  auto p = kg::nlp::Pipeline::Load(models, &err);
  if (!p) {
    std::cerr << "kg-nlp-bench: " << err << "\n";
    return 1;
  }
  if (branches >= 0) p->set_parser_branches(branches);
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_load).count();
  const long rss_after_load = PeakRssKiB();
  size_t tokens = 0, sentences = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  for (const auto& t : texts) {
    const kg::nlp::Document d = p->Process(t);
    sentences += d.sentences.size();
    for (const auto& s : d.sentences) tokens += s.tokens.size();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  std::printf("articles: %zu  bytes: %zu  sentences: %zu  tokens: %zu\n", texts.size(), bytes,
              sentences, tokens);
  std::printf("model load: %.3f s\n", load_s);
  std::printf("wall: %.2f s  tokens/s: %.0f  (1 thread; tokenize+tag+lemmatize+parse)\n", secs,
              tokens / secs);
  // CPU time is what the one thread actually got; on a shared machine it is
  // the fairer figure.
  std::printf("cpu:  %.2f s  tokens/cpu-s: %.0f\n", cpu, tokens / cpu);
  std::printf("peak RSS: %.1f MiB (after model load: %.1f MiB)\n", PeakRssKiB() / 1024.0,
              rss_after_load / 1024.0);
  return 0;
}
