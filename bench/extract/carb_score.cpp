// kg-carb-score: scores CaRB tabbed predictions against gold.
//   kg-carb-score GOLD.tsv PRED.tsv   -> AUC and optimal (precision, recall, F1)
#include <cstdio>
#include <fstream>
#include <iostream>

#include "bench/extract/carb.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: kg-carb-score GOLD.tsv PRED.tsv\n";
    return 2;
  }
  std::ifstream gold(argv[1]), pred(argv[2]);
  if (!gold || !pred) {
    std::cerr << "kg-carb-score: cannot open " << (!gold ? argv[1] : argv[2]) << "\n";
    return 1;
  }
  auto s = kg::bench::carb::ScoreCarb(gold, pred);
  std::printf("AUC: %.6f\t Optimal (precision, recall, F1): [%.6f %.6f %.6f]\n", s.auc, s.precision, s.recall, s.f1);
  return 0;
}
