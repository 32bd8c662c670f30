#include <catch2/catch.hpp>

#include "extract/nlp/ud_score.h"

using kg::nlp::FindScore;
using kg::nlp::ScoreConllu;
using kg::nlp::UdScore;

namespace {
std::vector<UdScore> Score(const std::string& gold, const std::string& system) {
  std::vector<UdScore> rows;
  std::string err;
  REQUIRE(ScoreConllu(gold, system, &rows, &err));
  return rows;
}
double F1(const std::vector<UdScore>& rows, const char* m) { return FindScore(rows, m)->f1; }

const char* kGold =
    "# text = I don't know.\n"
    "1\tI\tI\tPRON\tPRP\tCase=Nom\t4\tnsubj\t_\t_\n"
    "2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n"
    "2\tdo\tdo\tAUX\tVBP\tMood=Ind\t4\taux\t_\t_\n"
    "3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n"
    "4\tknow\tknow\tVERB\tVB\tVerbForm=Inf\t0\troot\t_\tSpaceAfter=No\n"
    "5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_\n"
    "\n";
}  // namespace

TEST_CASE("scorer: identical files score 100 everywhere", "[nlp][scorer]") {
  const auto rows = Score(kGold, kGold);
  for (const auto& r : rows) CHECK(r.f1 == Approx(1.0));
}

TEST_CASE("scorer: LAS compares the universal part of DEPREL only", "[nlp][scorer]") {
  std::string sys = kGold;
  sys.replace(sys.find("advmod"), 6, "advmod:neg");
  const auto rows = Score(kGold, sys);
  CHECK(F1(rows, "LAS") == Approx(1.0));
  CHECK(F1(rows, "LAS-full") == Approx(4.0 / 5.0));
}

TEST_CASE("scorer: wrong head and tag counted once each", "[nlp][scorer]") {
  std::string sys = kGold;
  sys.replace(sys.find("PRON\tPRP\tCase=Nom\t4"), 19, "NOUN\tPRP\tCase=Nom\t2");
  const auto rows = Score(kGold, sys);
  CHECK(F1(rows, "UPOS") == Approx(4.0 / 5.0));
  CHECK(F1(rows, "UAS") == Approx(4.0 / 5.0));
  CHECK(F1(rows, "XPOS") == Approx(1.0));
  CHECK(F1(rows, "UFeats") == Approx(1.0));
}

TEST_CASE("scorer: tokenization without the multiword token still aligns its words",
          "[nlp][scorer]") {
  // System splits "don't" into two plain tokens: tokens differ, words align.
  const std::string sys =
      "1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t_\t_\n"
      "2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\tSpaceAfter=No\n"
      "3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n"
      "4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No\n"
      "5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_\n\n";
  const auto rows = Score(kGold, sys);
  // Gold tokens: I, don't, know, . (4); system: I, do, n't, know, . (5); 3 match.
  CHECK(F1(rows, "Tokens") == Approx(2.0 * 3 / 9));
  CHECK(F1(rows, "Words") == Approx(1.0));
  CHECK(F1(rows, "LAS") == Approx(1.0));
}

TEST_CASE("scorer: wrong sentence split and wrong token boundary", "[nlp][scorer]") {
  const std::string gold =
      "1\tHe\the\tPRON\tPRP\t_\t2\tnsubj\t_\t_\n"
      "2\tleft\tleave\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No\n"
      "3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n"
      "1\tOK\tok\tINTJ\tUH\t_\t0\troot\t_\t_\n\n";
  const std::string sys =
      "1\tHe\the\tPRON\tPRP\t_\t2\tnsubj\t_\t_\n"
      "2\tleft.\tleave\tVERB\tVBD\t_\t0\troot\t_\t_\n"
      "3\tOK\tok\tINTJ\tUH\t_\t2\tparataxis\t_\t_\n\n";
  const auto rows = Score(gold, sys);
  CHECK(F1(rows, "Tokens") == Approx(2.0 * 2 / 7));
  CHECK(F1(rows, "Sentences") == Approx(0.0));
  CHECK(FindScore(rows, "Words")->precision == Approx(2.0 / 3));
  CHECK(FindScore(rows, "Words")->recall == Approx(2.0 / 4));
}

TEST_CASE("scorer: rejects different texts", "[nlp][scorer]") {
  std::vector<UdScore> rows;
  std::string err;
  const std::string other = "1\tYou\tyou\tPRON\tPRP\t_\t0\troot\t_\t_\n\n";
  CHECK_FALSE(ScoreConllu(kGold, other, &rows, &err));
  CHECK(err.find("differ") != std::string::npos);
}
