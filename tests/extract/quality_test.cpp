// Quality floors on dev data, a little below the measured values (see
// docs/extraction.md for the bench commands that measure them).
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "bench/extract/carb.h"
#include "extract/extractor.h"
#include "extract/ner.h"
#include "extract/nlp/pipeline.h"
#include "tests/test_util.h"

namespace {
std::string Models() { return std::string(KG_SOURCE_DIR) + "/models"; }
}  // namespace

TEST_CASE("CaRB dev best F1 stays above its floor", "[extract][quality]") {
  KG_REQUIRE_SHARED_DATA(data);
  std::ifstream sentences(data + "/carb/dev.txt");
  std::ifstream gold(data + "/carb/dev_gold.tsv");
  if (!sentences || !gold) {
    std::cout << "KG_SKIP: carb data not found\n";
    return;
  }
  kg::extract::ExtractorOptions o;
  o.model_dir = Models();
  o.allow_heuristic_fallback = false;
  auto ex = kg::extract::MakeExtractor(o);
  if (!ex.ok()) {
    std::cout << "KG_SKIP: models not usable: " << ex.status().ToString() << "\n";
    return;
  }
  std::ostringstream pred;
  for (std::string line; std::getline(sentences, line);) {
    if (line.empty()) continue;
    for (const auto& t : ex.value()->ExtractTuples(line)) {
      pred << line << '\t' << t.confidence << '\t' << t.relation;
      for (const auto& a : t.args) pred << '\t' << a;
      pred << '\n';
    }
  }
  std::istringstream pred_in(pred.str());
  auto score = kg::bench::carb::ScoreCarb(gold, pred_in);
  INFO("CaRB dev P " << score.precision << " R " << score.recall << " F1 " << score.f1);
  CHECK(score.f1 >= 0.48);  // measured 0.500
}

TEST_CASE("NER entity F1 on UNER EWT dev stays above its floor", "[extract][quality]") {
  KG_REQUIRE_SHARED_DATA(data);
  std::ifstream in(data + "/uner-en-ewt/en_ewt-ud-dev.iob2");
  if (!in) {
    std::cout << "KG_SKIP: UNER dev not found\n";
    return;
  }
  std::string error;
  auto pipeline = kg::nlp::Pipeline::Load(Models(), &error);
  auto ner = kg::extract::NerTagger::Load(Models() + "/ner.bin");
  if (pipeline == nullptr || !ner.ok()) {
    std::cout << "KG_SKIP: models not usable: " << error << "\n";
    return;
  }
  kg::nlp::Document doc;
  std::vector<std::vector<int>> gold;
  kg::nlp::Sentence cur;
  std::vector<int> tags;
  auto flush = [&] {
    if (!cur.tokens.empty()) {
      doc.sentences.push_back(std::move(cur));
      gold.push_back(std::move(tags));
    }
    cur = kg::nlp::Sentence();
    tags.clear();
  };
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == '#') continue;
    std::istringstream ls(line);
    std::string idx, form, tag;
    std::getline(ls, idx, '\t');
    std::getline(ls, form, '\t');
    std::getline(ls, tag, '\t');
    kg::nlp::Token t;
    t.begin = static_cast<uint32_t>(doc.text.size());
    doc.text += form + " ";
    t.end = t.begin + static_cast<uint32_t>(form.size());
    t.form = form;
    cur.tokens.push_back(t);
    tags.push_back(std::max(0, kg::extract::NerTagId(tag)));
  }
  flush();
  pipeline->Annotate(doc);
  double tp = 0, np = 0, ng = 0;
  for (size_t s = 0; s < doc.sentences.size(); ++s) {
    auto g = kg::extract::ScoredNerSpans(gold[s]);
    auto p = kg::extract::ScoredNerSpans(ner.value()->Tag(doc.sentences[s]));
    ng += static_cast<double>(g.size());
    np += static_cast<double>(p.size());
    for (const auto& x : p) tp += g.count(x) ? 1 : 0;
  }
  double P = tp / np, R = tp / ng, F = 2 * P * R / (P + R);
  INFO("UNER EWT dev P " << P << " R " << R << " F1 " << F);
  CHECK(F >= 0.64);  // kg-bench-ner measures 0.669 (Viterbi tagger, neighbour word clusters, five runs averaged)
}
