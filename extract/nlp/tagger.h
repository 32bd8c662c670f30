// Part-of-speech tagger: greedy left-to-right averaged perceptron over joint
// UPOS+XPOS classes, with a tag dictionary for frequent unambiguous words,
// plus "cheap" FEATS: the most frequent feature string seen in training for
// (word, tag), else for the tag.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "extract/nlp/document.h"
#include "extract/nlp/flat_map.h"
#include "extract/nlp/model_io.h"
#include "extract/nlp/perceptron.h"

namespace kg::nlp {

class Tagger {
 public:
  // Sets upos, xpos and feats of every token from its form.
  void Tag(Sentence& s) const;

  void Save(ModelWriter& w) const;
  bool Load(ModelReader& r);

  struct TrainOptions {
    int epochs = 10;
    uint64_t seed = 1;
  };
  static std::unique_ptr<Tagger> Train(const std::vector<const Sentence*>& train,
                                       const TrainOptions& opt, std::string* log);

 private:
  struct Word;
  void Prepare(const Sentence& s, std::vector<Word>* words) const;
  static void Features(const std::vector<Word>& w, size_t i, int p1, int p2,
                       std::vector<uint64_t>* f);

  std::vector<std::string> upos_, xpos_;        // per class
  std::unordered_map<uint64_t, int> tagdict_;   // form hash -> class
  // Ambiguity classes: lower-cased form hash -> hash of the set of classes
  // the word had in training (Daelemans et al. 1996).
  std::unordered_map<uint64_t, uint64_t> amb_;
  std::vector<std::string> feats_strings_;
  std::unordered_map<uint64_t, uint32_t> feats_by_word_;  // hash(lower form, class) -> feats
  std::vector<uint32_t> feats_by_class_;
  LinearModel model_;
  // Lookup copies of the three maps above for Tag (built by Load and Train;
  // the maps stay for training and Save).
  void BuildIndex();
  FlatMap64<int32_t> tagdict_index_;
  FlatMap64<uint64_t> amb_index_;
  FlatMap64<uint32_t> feats_index_;
};

}  // namespace kg::nlp
