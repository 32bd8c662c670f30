// Quality floors on UD_English-EWT dev, a little below the figures measured
// by bench/nlp/eval.sh (docs/nlp.md). Skipped without ../shared/data.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "extract/nlp/conllu.h"
#include "extract/nlp/pipeline.h"
#include "extract/nlp/ud_score.h"
#include "tests/test_util.h"

using namespace kg::nlp;

// Floors: measured dev figures (docs/nlp.md) minus about half a point.
// Measured: UPOS 95.21, Lemmas 97.08, UAS 84.90, LAS 81.48; raw text: Tokens
// 99.02, Sentences 88.48, LAS 79.10.
#define KG_FLOOR_UPOS 94.7
#define KG_FLOOR_LEMMA 96.5
#define KG_FLOOR_UAS 84.4
#define KG_FLOOR_LAS 81.0
#define KG_FLOOR_TOKENS 98.5
#define KG_FLOOR_SENTENCES 88.0
#define KG_FLOOR_RAW_LAS 78.6

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
