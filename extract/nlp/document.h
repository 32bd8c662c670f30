// Annotated text: the output of the NLP pipeline (tokens, sentences, tags,
// lemmas and a Universal Dependencies v2 tree per sentence).
//
// Offsets are UTF-8 BYTE offsets into Document::text, half-open [begin, end).
// Plain value types: no invariants beyond the comments; safe to copy and move.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kg::nlp {

struct Token {
  uint32_t begin = 0, end = 0;  // UTF-8 byte offsets into Document::text, [begin,end)
  std::string form;   // exactly text.substr(begin, end - begin)
  std::string lemma;  // lemma ("_" never used; empty until tagged)
  std::string upos;   // universal POS tag (UD v2), e.g. "PROPN"
  std::string xpos;   // Penn Treebank tag as in UD_English-EWT, e.g. "NNP"
  std::string feats;  // UD morphological features, "_" when empty
  int head = -1;      // 0 = root, else 1-based index of head within the sentence; -1 = unparsed
  std::string deprel; // UD v2 label with subtype, e.g. "nmod:poss"
  bool space_after = true;  // false when the next token follows without whitespace
};

struct Sentence {
  uint32_t begin = 0, end = 0;  // byte span of the sentence in Document::text
  std::vector<Token> tokens;
  bool paragraph_start = false;  // first sentence of a paragraph (blank line before)
};

struct Document {
  // The text the offsets refer to. Pipeline::Process stores its input here with
  // any invalid UTF-8 byte replaced by U+FFFD (so it equals the input whenever
  // the input is valid UTF-8).
  std::string text;
  std::vector<Sentence> sentences;
};

}  // namespace kg::nlp
