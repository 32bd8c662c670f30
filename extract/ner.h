// Named-entity recognition: IOB2 tags (B-PER, I-ORG, B-LOC, B-NORP, O, ...)
// for the tokens of a sentence.
//
// The tagger is a first-order structured averaged perceptron decoded with
// Viterbi (features of the token, its neighbours and the previous tag; word,
// shape, affix, POS, context, sentence casing and gazetteer features),
// trained by `kg-train-ner`
// (models/train_ner.sh) on UNER English-EWT; its gazetteers (countries,
// regions, cities, demonyms, WordNet organisations/places/people) are
// compiled into the same model file, models/ner.bin.
//
// `kg parse --input conllu` can write these tags into MISC as NER=<tag> by
// calling NerTagger::Tag on each sentence.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "extract/nlp/document.h"
#include "graph/status.h"

namespace kg::extract {

// Entity classes of the tagger, in tag-id order after O.
enum class NerClass : uint8_t { kPer = 0, kOrg = 1, kLoc = 2, kNorp = 3 };
inline constexpr int kNerClasses = 4;
inline constexpr int kNerTags = 1 + 2 * kNerClasses;  // O, B-x, I-x
std::string_view NerTagName(int tag);                 // "O", "B-PER", "I-PER", ...
int NerTagId(std::string_view name);                  // -1 when unknown

// One entity of a tag sequence: tokens [begin, end) and its B- tag id.
struct NerSpan {
  size_t begin = 0, end = 0;
  int tag = 0;
  bool operator==(const NerSpan& o) const { return begin == o.begin && end == o.end && tag == o.tag; }
  bool operator<(const NerSpan& o) const {
    return begin != o.begin ? begin < o.begin : end != o.end ? end < o.end : tag < o.tag;
  }
};
// The entities of a tag sequence: each B- tag with the I- tags of its class
// that follow it (a stray I- starts no entity).
std::vector<NerSpan> NerSpans(const std::vector<int>& tags);
// The PER, ORG and LOC entities, as the exact-span scores count them.
std::set<NerSpan> ScoredNerSpans(const std::vector<int>& tags);

// Gazetteer: lower-cased phrases (tokens joined by one space) -> bit set of
// classes (bit c = NerClass c; bit 4 = first name, bit 5 = title word).
class Gazetteer {
 public:
  static constexpr uint8_t kFirstName = 1u << 4;
  static constexpr uint8_t kTitle = 1u << 5;
  void Add(std::string_view phrase, uint8_t bits);
  uint8_t Lookup(std::string_view lower_phrase) const;
  size_t size() const { return map_.size(); }
  int max_tokens() const { return max_tokens_; }
  // For each token: the bits of the longest gazetteer phrase covering it,
  // with bit 7 set when the token begins that phrase.
  std::vector<uint8_t> Match(const std::vector<std::string>& lower_tokens) const;
  const std::unordered_map<std::string, uint8_t>& map() const { return map_; }

 private:
  std::unordered_map<std::string, uint8_t> map_;
  int max_tokens_ = 1;
};

// Word clusters from unlabelled text: word form (case kept) -> its path in a
// binary tree of clusters ("01101001"; a prefix is a coarser cluster), as
// written by kg-train-clusters (models/clusters.tsv).
using WordClusters = std::unordered_map<std::string, std::string>;
// Reads lines "PATH<TAB>WORD[<TAB>COUNT]"; '#' lines are comments, a path of
// "-" means the root. Errors name the file and line.
Result<WordClusters> ReadWordClusters(const std::string& path);

// Immutable after Load/Train; Tag is const and thread-safe.
class NerTagger {
 public:
  NerTagger();
  ~NerTagger();
  static Result<std::unique_ptr<NerTagger>> Load(const std::string& path);
  Status Save(const std::string& path) const;

  // One IOB2 tag id per token (see NerTagName). Uses form, upos when present.
  std::vector<int> Tag(const nlp::Sentence& sentence) const;
  // The same as strings, for CoNLL-U MISC (NER=B-PER).
  std::vector<std::string> TagNames(const nlp::Sentence& sentence) const;

  const Gazetteer& gazetteer() const { return gazetteer_; }
  // Word clusters used by the kFeatClusters features (compiled into the
  // model file by Save). Set before Train.
  void set_clusters(WordClusters clusters);
  const WordClusters& clusters() const { return clusters_; }
  // The cluster path of a form: the form itself, else its lower-case
  // spelling; "" when unknown.
  std::string_view ClusterOf(std::string_view form) const;
  Gazetteer& mutable_gazetteer() { return gazetteer_; }

  // Training (used by kg-train-ner): sentences with gold tag ids.
  struct Example {
    nlp::Sentence sentence;
    std::vector<int> tags;
  };
  // `runs` > 1 trains that many times (shuffle seeds seed, seed + 1, ...)
  // and keeps the mean of the runs' weights.
  void Train(const std::vector<Example>& data, int epochs, uint64_t seed, int runs = 1);

  // Optional feature groups, chosen before Train and saved with the model.
  static constexpr uint32_t kFeatCasing = 1;   // sentence casing x shape/gazetteer/POS
  static constexpr uint32_t kFeatContext = 2;  // neighbour suffixes, neighbour word x capital
  static constexpr uint32_t kFeatRun = 4;      // first/last word of the capitalised run
  static constexpr uint32_t kFeatNoPosContext = 8;  // drop the neighbours' POS features
  static constexpr uint32_t kFeatClusters = 16;     // word clusters of the neighbours
  void set_feature_set(uint32_t set) { feature_set_ = set; }
  uint32_t feature_set() const { return feature_set_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Gazetteer gazetteer_;
  WordClusters clusters_;
  // The same table by fingerprint for tagging: hash of the form -> hash of
  // its path (a form is hashed once per token anyway).
  std::unordered_map<uint64_t, uint64_t> cluster_ids_;
  uint32_t feature_set_ = 0;
};

// Adds NER=<IOB2 tag> to the MISC column of every token line of `conllu`,
// the CoNLL-U text nlp::WriteConllu wrote for `doc` (sentence k of the text
// is doc.sentences[k], word lines in token order; multiword-token range
// lines and comments are left alone). For `kg parse`: MISC gets
// "TokenRange=0:5|NER=B-PER".
std::string AddNerToConllu(const NerTagger& ner, const nlp::Document& doc, std::string_view conllu);

// Label consistency over a document (an article), after tagging each
// sentence: a name the tagger found somewhere in the document (up to four
// words) is a name wherever else it is written capitalised and left O, with
// the class it got most often; a person's last name alone names the person.
// A sentence-initial word counts only when it is a proper noun, a known
// person's surname, or a one-word name found inside another sentence that
// the gazetteer does not know as a mostly lower-case word ("Boeing" read
// as a verb at the start of a sentence). `ner` may be null (no gazetteer).
// `all_tags[k]` holds the tag ids of sentences[k] and is changed in place.
void PropagateDocumentNames(const std::vector<nlp::Sentence>& sentences, const NerTagger* ner,
                            std::vector<std::vector<int>>* all_tags);

// Capitalisation-based tags, used when no NER model is available.
std::vector<int> HeuristicNerTags(const nlp::Sentence& sentence);

}  // namespace kg::extract
