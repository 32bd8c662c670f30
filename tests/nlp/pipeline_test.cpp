#include <catch2/catch.hpp>

#include <chrono>
#include <random>

#include "extract/nlp/conllu.h"
#include "extract/nlp/pipeline.h"

using namespace kg::nlp;

namespace {
const Pipeline& P() {
  static const Pipeline* p = [] {
    std::string err;
    auto pl = Pipeline::Load(DefaultModelDir(), &err);
    INFO(err);
    REQUIRE(pl != nullptr);
    return pl.release();
  }();
  return *p;
}

void CheckWellFormed(const Document& d, bool bounded = true) {
  for (const auto& s : d.sentences) {
    REQUIRE(!s.tokens.empty());
    if (bounded) CHECK(s.tokens.size() <= static_cast<size_t>(Pipeline::kMaxSentenceTokens));
    int roots = 0;
    for (const auto& t : s.tokens) {
      REQUIRE(t.end <= d.text.size());
      CHECK(d.text.substr(t.begin, t.end - t.begin) == t.form);
      CHECK(t.head >= 0);
      CHECK(t.head <= static_cast<int>(s.tokens.size()));
      CHECK(!t.upos.empty());
      CHECK(!t.lemma.empty());
      CHECK(!t.deprel.empty());
      roots += t.head == 0;
    }
    CHECK(roots == 1);
  }
}
}  // namespace

TEST_CASE("pipeline: a news sentence end to end", "[nlp][pipeline]") {
  const Document d = P().Process("Vance's aides didn't attend the meeting in Ohio.");
  REQUIRE(d.sentences.size() == 1);
  const auto& t = d.sentences[0].tokens;
  REQUIRE(t.size() == 11);  // Vance 's aides did n't attend the meeting in Ohio .
  CHECK(t[0].upos == "PROPN");
  CHECK(t[0].deprel == "nmod:poss");
  CHECK(t[1].form == "'s");
  CHECK(t[1].deprel == "case");
  CHECK(t[2].lemma == "aide");
  CHECK(t[2].deprel == "nsubj");
  CHECK(t[2].head == 6);
  CHECK(t[4].lemma == "not");
  CHECK(t[5].lemma == "attend");
  CHECK(t[5].deprel == "root");
  CheckWellFormed(d);
  // Titles and initials stay whole tokens in a longer news sentence.
  const Document d2 = P().Process("Sen. J.D. Vance's aides didn't attend the meeting in Ohio.");
  REQUIRE(d2.sentences.size() == 1);
  CHECK(d2.sentences[0].tokens.size() == 13);
  CHECK(d2.sentences[0].tokens[1].form == "J.D.");
  CheckWellFormed(d2);
}

TEST_CASE("pipeline: empty input gives an empty document", "[nlp][pipeline]") {
  CHECK(P().Process("").sentences.empty());
  CHECK(P().Process("   \n\n  ").sentences.empty());
}

TEST_CASE("pipeline: invalid UTF-8 and binary junk do not crash", "[nlp][pipeline]") {
  static const char kJunk[] = "\xFF\xFE\x00\x01 abc \xC3 \xE2\x82 def\x80.\n\n\x1b[0m";
  const std::string junk(kJunk, sizeof(kJunk) - 1);
  const Document d = P().Process(junk);
  CheckWellFormed(d);
  CHECK(d.text.find("\xEF\xBF\xBD") != std::string::npos);
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::string s(1 + rng() % 400, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    CheckWellFormed(P().Process(s));
  }
}

TEST_CASE("pipeline: huge input is processed in bounded sentences", "[nlp][pipeline]") {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += (i % 7 == 0) ? "the, " : "big ";
  const auto t0 = std::chrono::steady_clock::now();
  const Document d = P().Process(text);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t n = 0;
  for (const auto& s : d.sentences) n += s.tokens.size();
  CHECK(n > 20000);
  CHECK(secs < 10.0);
  CheckWellFormed(d);
}

TEST_CASE("pipeline: Annotate keeps gold tokens and splits giant sentences", "[nlp][pipeline]") {
  Document doc;
  std::string err;
  std::string conllu;
  for (int i = 1; i <= 700; ++i)
    conllu += std::to_string(i) + "\tword\t_\t_\t_\t_\t_\t_\t_\t_\n";
  conllu += "\n";
  REQUIRE(ReadConllu(conllu, &doc, &err));
  P().Annotate(doc);
  REQUIRE(doc.sentences.size() == 1);
  CHECK(doc.sentences[0].tokens.size() == 700);
  CheckWellFormed(doc, /*bounded=*/false);
}

TEST_CASE("pipeline: greedy parsing can be chosen instead of branching", "[nlp][pipeline]") {
  std::string err;
  auto p = Pipeline::Load(DefaultModelDir(), &err);
  REQUIRE(p);
  CHECK(p->parser_branches() == 8);
  p->set_parser_branches(0);
  CHECK(p->parser_branches() == 0);
  const Document d = p->Process("Vance's aides didn't attend the meeting in Ohio.");
  REQUIRE(d.sentences.size() == 1);
  CHECK(d.sentences[0].tokens[5].deprel == "root");
  CheckWellFormed(d);
  p->set_parser_branches(-3);
  CHECK(p->parser_branches() == 0);
}
