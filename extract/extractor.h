// The extraction interface: article text in; sentences, entity mentions
// (with byte offsets) and facts (with evidence) out.
//
// Extraction is a pure function of the text: it touches no database, which is
// what lets `kg extract` run as a filter on any batch engine. Cross-article
// entity resolution happens when the store commits the result.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "graph/extraction.h"
#include "graph/status.h"

namespace kg::extract {

struct ExtractorOptions {
  std::string model_dir;            // "" = kg::nlp::DefaultModelDir()
  bool entities_only = false;       // keep only facts whose both sides are named entities
  // When the NLP models cannot be loaded: true = fall back to a crude
  // heuristic analysis (capitalised names, surface patterns; for development
  // and robustness tests only), false = MakeExtractor fails. Default false.
  bool allow_heuristic_fallback = false;
  // The dependency parser's selectional-branching width (see
  // nlp::Parser::set_branches): -1 = the parser's default (8), 0 = greedy.
  int parser_branches = -1;
};

// An open-IE tuple (every clause, not only those between entities), in the
// form the CaRB benchmark scores: relation, subject, then further arguments.
struct OpenTuple {
  float confidence = 0.0f;
  std::string relation;
  std::vector<std::string> args;    // args[0] = subject
};

class Extractor {
 public:
  virtual ~Extractor() = default;
  // Thread-safe: one Extractor serves every worker thread.
  virtual Extraction Extract(std::string_view text) const = 0;
  // Every clause of `sentence` (one sentence of text) as open-IE tuples, with
  // words separated by single spaces as the tokenizer split them.
  virtual std::vector<OpenTuple> ExtractTuples(std::string_view sentence) const = 0;
  // True when the statistical NLP pipeline is in use (false: heuristic fallback).
  virtual bool uses_parser() const = 0;
  // Why the fallback is in use ("" when uses_parser()).
  virtual std::string fallback_reason() const { return {}; }
};

// The extractor kg uses: the NLP pipeline plus entities, coreference and
// clause-based facts. Fails if the models cannot be loaded (unless
// options.allow_heuristic_fallback).
Result<std::unique_ptr<Extractor>> MakeExtractor(const ExtractorOptions& options);

}  // namespace kg::extract
