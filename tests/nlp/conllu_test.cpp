#include <catch2/catch.hpp>

#include "extract/nlp/conllu.h"

using kg::nlp::Document;
using kg::nlp::ReadConllu;
using kg::nlp::WriteConllu;

namespace {
const char* kEwtLike =
    "# newdoc id = d1\n"
    "# sent_id = a-1\n"
    "# newpar id = p1\n"
    "# text = Vance's team didn't win.\n"
    "1-2\tVance's\t_\t_\t_\t_\t_\t_\t_\t_\n"
    "1\tVance\tVance\tPROPN\tNNP\tNumber=Sing\t3\tnmod:poss\t3:nmod:poss\t_\n"
    "2\t's\t's\tPART\tPOS\t_\t1\tcase\t1:case\t_\n"
    "3\tteam\tteam\tNOUN\tNN\tNumber=Sing\t6\tnsubj\t6:nsubj\t_\n"
    "4-5\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_\n"
    "4\tdid\tdo\tAUX\tVBD\t_\t6\taux\t6:aux\t_\n"
    "5\tn't\tnot\tPART\tRB\t_\t6\tadvmod\t6:advmod\t_\n"
    "6\twin\twin\tVERB\tVB\tVerbForm=Inf\t0\troot\t0:root\tSpaceAfter=No\n"
    "7\t.\t.\tPUNCT\t.\t_\t6\tpunct\t6:punct\t_\n"
    "\n"
    "# sent_id = a-2\n"
    "# text = Fine.\n"
    "1\tFine\tfine\tADJ\tJJ\t_\t0\troot\t_\tSpaceAfter=No\n"
    "2\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_\n"
    "\n";
}  // namespace

TEST_CASE("conllu: read rebuilds text, offsets and space_after", "[nlp][conllu]") {
  Document doc;
  std::string err;
  REQUIRE(ReadConllu(kEwtLike, &doc, &err));
  CHECK(doc.text == "Vance's team didn't win. Fine.");
  REQUIRE(doc.sentences.size() == 2);
  const auto& t = doc.sentences[0].tokens;
  REQUIRE(t.size() == 7);
  CHECK(t[1].form == "'s");
  CHECK(t[1].begin == 5);
  CHECK(t[1].end == 7);
  CHECK_FALSE(t[0].space_after);
  CHECK(t[1].space_after);
  CHECK(t[0].deprel == "nmod:poss");
  CHECK(t[0].head == 3);
  CHECK(doc.sentences[0].paragraph_start);
  CHECK_FALSE(doc.sentences[1].paragraph_start);
  CHECK(doc.sentences[1].begin == 25);
}

TEST_CASE("conllu: write emits multiword lines, TokenRange and SpaceAfter", "[nlp][conllu]") {
  Document doc;
  std::string err;
  REQUIRE(ReadConllu(kEwtLike, &doc, &err));
  const std::string out = WriteConllu(doc);
  const std::string expected =
      "# newpar\n"
      "# sent_id = 1\n"
      "# text = Vance's team didn't win.\n"
      "1-2\tVance's\t_\t_\t_\t_\t_\t_\t_\t_\n"
      "1\tVance\tVance\tPROPN\tNNP\tNumber=Sing\t3\tnmod:poss\t_\tTokenRange=0:5\n"
      "2\t's\t's\tPART\tPOS\t_\t1\tcase\t_\tTokenRange=5:7\n"
      "3\tteam\tteam\tNOUN\tNN\tNumber=Sing\t6\tnsubj\t_\tTokenRange=8:12\n"
      "4-5\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_\n"
      "4\tdid\tdo\tAUX\tVBD\t_\t6\taux\t_\tTokenRange=13:16\n"
      "5\tn't\tnot\tPART\tRB\t_\t6\tadvmod\t_\tTokenRange=16:19\n"
      "6\twin\twin\tVERB\tVB\tVerbForm=Inf\t0\troot\t_\tTokenRange=20:23|SpaceAfter=No\n"
      "7\t.\t.\tPUNCT\t.\t_\t6\tpunct\t_\tTokenRange=23:24\n"
      "\n"
      "# sent_id = 2\n"
      "# text = Fine.\n"
      "1\tFine\tfine\tADJ\tJJ\t_\t0\troot\t_\tTokenRange=25:29|SpaceAfter=No\n"
      "2\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\tTokenRange=29:30\n"
      "\n";
  CHECK(out == expected);
}

TEST_CASE("conllu: write then read gives the same annotation", "[nlp][conllu]") {
  Document a, b;
  std::string err;
  REQUIRE(ReadConllu(kEwtLike, &a, &err));
  REQUIRE(ReadConllu(WriteConllu(a), &b, &err));
  CHECK(b.text == a.text);
  REQUIRE(b.sentences.size() == a.sentences.size());
  for (size_t s = 0; s < a.sentences.size(); ++s) {
    REQUIRE(b.sentences[s].tokens.size() == a.sentences[s].tokens.size());
    for (size_t i = 0; i < a.sentences[s].tokens.size(); ++i) {
      const auto& x = a.sentences[s].tokens[i];
      const auto& y = b.sentences[s].tokens[i];
      CHECK(std::tie(x.form, x.lemma, x.upos, x.xpos, x.feats, x.head, x.deprel, x.begin, x.end,
                     x.space_after) == std::tie(y.form, y.lemma, y.upos, y.xpos, y.feats, y.head,
                                                y.deprel, y.begin, y.end, y.space_after));
    }
  }
}

TEST_CASE("conllu: malformed input is an error with a line number", "[nlp][conllu]") {
  Document doc;
  std::string err;
  CHECK_FALSE(ReadConllu("1\tonly\tthree\n", &doc, &err));
  CHECK(err.rfind("line 1:", 0) == 0);
  CHECK_FALSE(ReadConllu("1\ta\ta\tX\tX\t_\t0\troot\t_\t_\n3\tb\tb\tX\tX\t_\t1\tdep\t_\t_\n", &doc,
                         &err));
  CHECK(err.rfind("line 2:", 0) == 0);
  CHECK_FALSE(ReadConllu("1\ta\ta\tX\tX\t_\t7\troot\t_\t_\n\n", &doc, &err));
  CHECK(ReadConllu("", &doc, &err));
  CHECK(doc.sentences.empty());
}
