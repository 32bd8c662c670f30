// Quality floors on UD_English-EWT dev, a little below the figures measured
// by bench/nlp/eval.sh (docs/nlp.md). Skipped without ../shared/data.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "extract/nlp/conllu.h"
#include "extract/nlp/model_io.h"
#include "extract/nlp/parser.h"
#include "extract/nlp/pipeline.h"
#include "extract/nlp/ud_score.h"
#include "tests/test_util.h"

using namespace kg::nlp;

// Floors: measured dev figures (docs/nlp.md) minus about half a point.
// Measured: UPOS 95.21, Lemmas 97.08, UAS 86.14, LAS 82.75; raw text: Tokens
// 99.02, Sentences 89.26, LAS 80.39. (The sentence floor also catches the
// splitter reading an empty previous word at run time: 88.48.)
#define KG_FLOOR_UPOS 94.7
#define KG_FLOOR_LEMMA 96.5
#define KG_FLOOR_UAS 85.6
#define KG_FLOOR_LAS 82.2
#define KG_FLOOR_TOKENS 98.5
#define KG_FLOOR_SENTENCES 88.8
#define KG_FLOOR_RAW_LAS 79.9

namespace {
std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
double F1(const std::vector<UdScore>& rows, const char* m) { return 100 * FindScore(rows, m)->f1; }
}  // namespace

TEST_CASE("quality: EWT dev, gold tokenization", "[nlp][quality]") {
  KG_REQUIRE_SHARED_DATA(data);
  const std::string gold = Slurp(data + "/ud-en-ewt/en_ewt-ud-dev.conllu");
  REQUIRE(!gold.empty());
  std::string err;
  auto p = Pipeline::Load(DefaultModelDir(), &err);
  REQUIRE(p);
  Document doc;
  REQUIRE(ReadConllu(gold, &doc, &err));
  p->Annotate(doc);
  std::vector<UdScore> rows;
  REQUIRE(ScoreConllu(gold, WriteConllu(doc), &rows, &err));
  CHECK(F1(rows, "UPOS") >= KG_FLOOR_UPOS);
  CHECK(F1(rows, "Lemmas") >= KG_FLOOR_LEMMA);
  CHECK(F1(rows, "UAS") >= KG_FLOOR_UAS);
  CHECK(F1(rows, "LAS") >= KG_FLOOR_LAS);
}

TEST_CASE("quality: EWT dev, raw text", "[nlp][quality]") {
  KG_REQUIRE_SHARED_DATA(data);
  const std::string gold = Slurp(data + "/ud-en-ewt/en_ewt-ud-dev.conllu");
  std::string err;
  auto p = Pipeline::Load(DefaultModelDir(), &err);
  REQUIRE(p);
  Document g;
  REQUIRE(ReadConllu(gold, &g, &err));
  const Document d = p->Process(g.text);
  std::vector<UdScore> rows;
  REQUIRE(ScoreConllu(gold, WriteConllu(d), &rows, &err));
  CHECK(F1(rows, "Tokens") >= KG_FLOOR_TOKENS);
  CHECK(F1(rows, "Sentences") >= KG_FLOOR_SENTENCES);
  CHECK(F1(rows, "LAS") >= KG_FLOOR_RAW_LAS);
}

// Selectional branching must keep every tree well formed (one root, heads in
// range, no cycles) and must beat plain greedy parsing (measured on dev with
// gold tags: about +1.2 UAS).
TEST_CASE("quality: selectional branching beats greedy parsing on EWT dev", "[nlp][quality]") {
  KG_REQUIRE_SHARED_DATA(data);
  const std::string gold = Slurp(data + "/ud-en-ewt/en_ewt-ud-dev.conllu");
  Document doc;
  std::string err;
  REQUIRE(ReadConllu(gold, &doc, &err));
  ModelReader r;
  REQUIRE(r.Open(DefaultModelDir() + "/parser.bin", "parser", &err));
  Parser parser;
  REQUIRE(parser.Load(r));
  REQUIRE(parser.branches() > 0);
  auto uas = [&](int branches) {
    parser.set_branches(branches);
    size_t total = 0, right = 0, bad_trees = 0;
    for (const Sentence& g : doc.sentences) {
      Sentence s = g;
      parser.Parse(s);
      const int n = static_cast<int>(s.tokens.size());
      int roots = 0;
      bool ok = true;
      for (int i = 0; i < n; ++i) {
        const int h = s.tokens[i].head;
        ok = ok && h >= 0 && h <= n && h != i + 1;
        roots += h == 0;
        int a = i + 1, steps = 0;  // walk up: must reach the root within n steps
        while (ok && a != 0 && steps++ <= n) a = s.tokens[a - 1].head;
        ok = ok && a == 0;
        ++total;
        right += h == g.tokens[i].head;
      }
      bad_trees += !(ok && roots == 1);
    }
    CHECK(bad_trees == 0);
    return 100.0 * static_cast<double>(right) / static_cast<double>(total);
  };
  const double greedy = uas(0);
  const double branching = uas(8);
  CHECK(branching >= greedy + 0.5);
}
