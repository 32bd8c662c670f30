// Lemmatizer: a (form, XPOS) lookup table built from the training treebanks
// (plus WordNet's irregular-form lists when given at training time), then
// suffix rules learned from the same data: for the longest known
// (XPOS, suffix) the most frequent edit "lower-case?, strip n bytes, append s".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "extract/nlp/document.h"
#include "extract/nlp/flat_map.h"
#include "extract/nlp/huge_pages.h"
#include "extract/nlp/model_io.h"

namespace kg::nlp {

class Lemmatizer {
 public:
  // Sets token.lemma from form and xpos (call after tagging).
  void Lemmatize(Sentence& s) const;
  std::string Lemma(const std::string& form, const std::string& xpos) const;

  void Save(ModelWriter& w) const;
  bool Load(ModelReader& r);

  // `wordnet_dir`: directory with verb.exc / noun.exc / adj.exc / adv.exc, or "".
  static std::unique_ptr<Lemmatizer> Train(const std::vector<const Sentence*>& train,
                                           const std::string& wordnet_dir, std::string* log);

 private:
  struct Rule {
    uint8_t lower;
    uint8_t strip;
    uint32_t append;  // index into strings_
  };
  std::vector<std::string> strings_;
  std::unordered_map<uint64_t, uint32_t> exact_;  // Feat(form, xpos) -> lemma string
  std::unordered_map<uint64_t, uint32_t> rules_;  // Feat(xpos, suffix) -> rule index
  std::vector<Rule> rule_list_;
  // Lookup copies of exact_, rules_ and strings_ for Lemma (built by Load and
  // Train), in huge pages (huge_pages.h): string i is
  // chars_[starts_[i], starts_[i + 1]).
  void BuildIndex();
  std::string_view String(uint32_t i) const {
    return std::string_view(chars_.data() + starts_[i], starts_[i + 1] - starts_[i]);
  }
  FlatMap64<uint32_t> exact_index_, rules_index_;
  HugeVector<char> chars_;
  HugeVector<uint32_t> starts_;
};

}  // namespace kg::nlp
