// The statistical NLP pipeline: tokenizer + sentence splitter, POS tagger
// (UPOS, XPOS, FEATS), lemmatizer and a transition-based dependency parser,
// all trained on UD_English-EWT (+ GUM) by `kg-train` (see models/README.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "extract/nlp/document.h"

namespace kg::nlp {

class Tokenizer;
class Tagger;
class Lemmatizer;
class Parser;

// Immutable after Load; Process and Annotate are const and safe to call from
// several threads at once on one Pipeline.
class Pipeline {
 public:
  // Loads tokenizer.bin, tagger.bin, lemma.bin and parser.bin from model_dir.
  // Returns nullptr and sets *error (if non-null) on a missing file, a bad
  // magic number or a version mismatch.
  static std::unique_ptr<Pipeline> Load(const std::string& model_dir, std::string* error);
  ~Pipeline();

  // Tokenizes, splits into sentences, tags, lemmatizes and parses `text`.
  // Any byte sequence is accepted: invalid UTF-8 bytes are replaced by U+FFFD
  // in Document::text (offsets refer to that text). Sentences longer than
  // kMaxSentenceTokens tokens are split. Empty input gives an empty Document.
  Document Process(std::string_view text) const;

  // Tags, lemmatizes and parses the existing tokens of `doc` (gold
  // tokenization and sentence split); overwrites upos, xpos, feats, lemma,
  // head and deprel. Forms are read; offsets and text are left untouched.
  void Annotate(Document& doc) const;

  // How many low-margin alternatives the parser re-runs per sentence
  // (selectional branching, see parser.h; default 8, 0 = greedy parsing,
  // which is about 1.6-1.8 times as fast overall but 1.2 points less UAS/LAS).
  // Not thread-safe: call before sharing the Pipeline between threads.
  void set_parser_branches(int k);
  int parser_branches() const;

  // Longest sentence Process produces; longer runs are force-split.
  static constexpr int kMaxSentenceTokens = 300;

 private:
  Pipeline();
  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<Tagger> tagger_;
  std::unique_ptr<Lemmatizer> lemmatizer_;
  std::unique_ptr<Parser> parser_;
};

// $KG_MODELS if set and non-empty, else the compile-time KG_MODEL_DIR
// (the repository's models/ directory).
std::string DefaultModelDir();

}  // namespace kg::nlp
