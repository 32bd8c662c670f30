// Tokenizer and sentence splitter for English text, following the
// UD_English-EWT conventions (clitics split as "do" + "n't", "Vance" + "'s";
// abbreviations such as "U.S.", "Mr." and initials keep their dot).
//
// Two small averaged-perceptron classifiers learned from the treebanks' raw
// text: one decides, at every candidate position inside a white-space
// delimited chunk, whether a token boundary falls there (candidates: next to
// any non-alphanumeric character, letter/digit changes, and clitic positions
// seen in training such as "do|n't", "can|not", "gon|na"); the other decides
// after each token whether a sentence ends there. Rules on top: white space
// always separates tokens, a blank line always ends a sentence (and starts a
// paragraph), URLs and e-mail addresses stay whole, and sentences are
// force-split at Pipeline::kMaxSentenceTokens tokens.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "extract/nlp/document.h"
#include "extract/nlp/model_io.h"
#include "extract/nlp/perceptron.h"

namespace kg::nlp {

class Tokenizer {
 public:
  // `text` must be valid UTF-8 (see SanitizeUtf8). Returns sentences whose
  // tokens have offsets, forms and space_after set; tags are left empty.
  std::vector<Sentence> Tokenize(std::string_view text, int max_sentence_tokens) const;

  void Save(ModelWriter& w) const;
  bool Load(ModelReader& r);

  struct TrainOptions {
    int epochs = 6;
    uint64_t seed = 1;
  };
  // Learns from documents read with ReadConllu (text + gold token offsets and
  // sentence split). `log` receives a line per epoch.
  static std::unique_ptr<Tokenizer> Train(const std::vector<Document>& docs,
                                          const TrainOptions& opt, std::string* log);

 private:
  struct Chunk;
  void CandidateFeatures(const Chunk& c, size_t k, std::vector<uint64_t>* f) const;
  std::vector<size_t> Candidates(const Chunk& c) const;
  // Per token of a paragraph: hashes of its lower-cased form and its shape
  // (what SentenceFeatures reads about the tokens around i).
  struct WordHashes {
    std::vector<uint64_t> lower, shape;
    void Set(const std::vector<Token>& toks);
  };
  static void SentenceFeatures(const std::vector<Token>& toks, const WordHashes& words, size_t i,
                               size_t sent_len, std::string_view text, std::vector<uint64_t>* f);
  static std::vector<Chunk> Chunks(std::string_view text);

  // Lower-cased letter runs that training split inside (e.g. "don't" -> 2,
  // "cannot" -> 3): byte offsets of those splits.
  std::unordered_map<std::string, std::vector<uint8_t>> special_;
  LinearModel boundary_;
  LinearModel sentence_;
};

}  // namespace kg::nlp
