#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "extract/nlp/model_io.h"
#include "extract/nlp/pipeline.h"
#include "extract/nlp/text_util.h"
#include "extract/nlp/tokenizer.h"

using namespace kg::nlp;

namespace {

const Tokenizer& Tok() {
  static const Tokenizer* tok = [] {
    auto* t = new Tokenizer();
    ModelReader r;
    std::string err;
    const std::string path = DefaultModelDir() + "/tokenizer.bin";
    INFO(err);
    REQUIRE(r.Open(path, "tokenizer", &err));
    REQUIRE(t->Load(r));
    return t;
  }();
  return *tok;
}

// Tokens of `text` joined by single spaces, sentences by " | ".
std::string Tokens(const std::string& text) {
  std::string out;
  for (const Sentence& s : Tok().Tokenize(text, Pipeline::kMaxSentenceTokens)) {
    if (!out.empty()) out += " | ";
    for (size_t i = 0; i < s.tokens.size(); ++i) out += (i ? " " : "") + s.tokens[i].form;
  }
  return out;
}

}  // namespace

TEST_CASE("tokenizer: clitics split as in EWT", "[nlp][tokenizer]") {
  CHECK(Tokens("Vance's aides didn't say.") == "Vance 's aides did n't say .");
  CHECK(Tokens("I'm sure we can't, and they won't.") ==
        "I 'm sure we ca n't , and they wo n't .");
  CHECK(Tokens("You cannot go.") == "You can not go .");
}

TEST_CASE("tokenizer: abbreviations, titles and initials keep their dot", "[nlp][tokenizer]") {
  CHECK(Tokens("Sen. J.D. Vance met Mr. Smith in the U.S. on Jan. 5.") ==
        "Sen. J.D. Vance met Mr. Smith in the U.S. on Jan. 5 .");
}

TEST_CASE("tokenizer: dateline, numbers, currency, percent", "[nlp][tokenizer]") {
  CHECK(Tokens("WASHINGTON, April 5 - Shares rose 3.5% to $5,000.50 on Monday.") ==
        "WASHINGTON , April 5 - Shares rose 3.5 % to $ 5,000.50 on Monday .");
}

TEST_CASE("tokenizer: quotes, dashes and parentheses", "[nlp][tokenizer]") {
  CHECK(Tokens("\"We can wait,\" she said -- then (briefly) left.") ==
        "\" We can wait , \" she said -- then ( briefly ) left .");
}

TEST_CASE("tokenizer: URLs and e-mail addresses stay whole", "[nlp][tokenizer]") {
  CHECK(Tokens("See https://example.com/a-b?x=1 or write to jane.doe@example.org.") ==
        "See https://example.com/a-b?x=1 or write to jane.doe@example.org .");
}

TEST_CASE("tokenizer: offsets point at the exact bytes", "[nlp][tokenizer]") {
  const std::string text = "  \xE2\x80\x9C" "Caf\xC3\xA9s\xE2\x80\x9D didn't\topen.\n\nNew para.";
  const auto sents = Tok().Tokenize(text, 300);
  size_t n = 0;
  for (const auto& s : sents)
    for (const auto& t : s.tokens) {
      REQUIRE(t.end <= text.size());
      CHECK(text.substr(t.begin, t.end - t.begin) == t.form);
      ++n;
    }
  CHECK(n >= 8);
  CHECK(sents.front().tokens.front().begin == 2);
}

TEST_CASE("sentence split: punctuation, abbreviations, blank lines", "[nlp][tokenizer]") {
  CHECK(Tokens("He left. She stayed.") == "He left . | She stayed .");
  CHECK(Tokens("Mr. Smith left early.") == "Mr. Smith left early .");
  // A blank line always ends a sentence and starts a paragraph.
  const auto s = Tok().Tokenize("Breaking news\n\nThe market fell", 300);
  REQUIRE(s.size() == 2);
  CHECK(s[0].paragraph_start);
  CHECK(s[1].paragraph_start);
  CHECK(s[1].tokens[0].form == "The");
}

TEST_CASE("tokenizer: empty and white-space-only input", "[nlp][tokenizer]") {
  CHECK(Tok().Tokenize("", 300).empty());
  CHECK(Tok().Tokenize(" \n\n\t ", 300).empty());
}

TEST_CASE("tokenizer: long runs are force-split", "[nlp][tokenizer]") {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "word ";
  const auto s = Tok().Tokenize(text, 300);
  size_t total = 0;
  for (const auto& x : s) {
    CHECK(x.tokens.size() <= 300);
    total += x.tokens.size();
  }
  CHECK(total == 5000);
}

TEST_CASE("utf8: invalid sequences are replaced, valid text untouched", "[nlp][tokenizer]") {
  CHECK(SanitizeUtf8("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(SanitizeUtf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(SanitizeUtf8("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");      // truncated
  CHECK(SanitizeUtf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");      // overlong
  CHECK(SanitizeUtf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}
