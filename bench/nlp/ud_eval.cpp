// kg-ud-eval: CoNLL-U scorer with the CoNLL 2018 shared task definitions
// (see extract/nlp/ud_score.h). As in the official 2018 scorer, LAS compares
// the universal part of DEPREL only; the extra row LAS-full compares full
// labels with subtypes.
//
//   kg-ud-eval GOLD.conllu SYSTEM.conllu [--json]
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "extract/nlp/ud_score.h"

namespace {
bool Slurp(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json") json = true;
    else files.push_back(a);
  }
  if (files.size() != 2) {
    std::cerr << "usage: kg-ud-eval GOLD.conllu SYSTEM.conllu [--json]\n";
    return 2;
  }
  std::string gold, system, err;
  for (int k = 0; k < 2; ++k)
    if (!Slurp(files[k], k == 0 ? &gold : &system)) {
      std::cerr << "kg-ud-eval: cannot read " << files[k] << "\n";
      return 1;
    }
  std::vector<kg::nlp::UdScore> rows;
  if (!kg::nlp::ScoreConllu(gold, system, &rows, &err)) {
    std::cerr << "kg-ud-eval: " << err << "\n";
    return 1;
  }
  if (json) {
    std::cout << "{";
    for (size_t i = 0; i < rows.size(); ++i) {
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    "%s\"%s\": {\"precision\": %.4f, \"recall\": %.4f, \"f1\": %.4f, "
                    "\"aligned_accuracy\": %.4f}",
                    i ? ", " : "", rows[i].metric.c_str(), 100 * rows[i].precision,
                    100 * rows[i].recall, 100 * rows[i].f1, 100 * rows[i].aligned_accuracy);
      std::cout << buf;
    }
    std::cout << "}\n";
    return 0;
  }
  std::printf("Metric     | Precision |    Recall |  F1 Score | AligndAcc\n");
  std::printf("-----------+-----------+-----------+-----------+-----------\n");
  for (const auto& r : rows) {
    std::printf("%-11s|%10.2f |%10.2f |%10.2f |", r.metric.c_str(), 100 * r.precision,
                100 * r.recall, 100 * r.f1);
    if (r.metric == "Tokens" || r.metric == "Sentences" || r.metric == "Words") std::printf("\n");
    else std::printf("%10.2f\n", 100 * r.aligned_accuracy);
  }
  return 0;
}
