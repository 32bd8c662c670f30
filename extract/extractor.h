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

#include "graph/extraction.h"
#include "graph/status.h"

namespace kg::extract {

struct ExtractorOptions {
  std::string model_dir;            // "" = kg::nlp::DefaultModelDir()
  bool entities_only = false;       // keep only facts whose both sides are named entities
};

class Extractor {
 public:
  virtual ~Extractor() = default;
  // Thread-safe: one Extractor serves every worker thread.
  virtual Extraction Extract(std::string_view text) const = 0;
};

// The extractor kg uses: the NLP pipeline plus entities, coreference and
// clause-based facts. Fails if the models cannot be loaded.
Result<std::unique_ptr<Extractor>> MakeExtractor(const ExtractorOptions& options);

}  // namespace kg::extract
