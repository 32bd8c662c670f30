// CoNLL-U scorer implementing the CoNLL 2018 shared task definitions
// (conll18_ud_eval.py): tokens, sentences and words are compared by their
// character spans over the text with white space removed; words inside
// multiword tokens are aligned by a longest common subsequence of their
// lower-cased forms; UPOS/XPOS/UFeats/AllTags/Lemmas/UAS/LAS are counted on
// aligned words and reported as precision, recall, F1 and accuracy over
// aligned words.
//
// As in the official 2018 scorer, DEPREL is compared on its universal part
// only ("nmod:poss" == "nmod"), UFeats keeps only universal features, and a
// gold lemma "_" matches anything. The extra row "LAS-full" compares full
// labels including subtypes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kg::nlp {

struct UdScore {
  std::string metric;  // "Tokens", "Sentences", "Words", "UPOS", ..., "LAS", "LAS-full"
  double precision = 0, recall = 0, f1 = 0, aligned_accuracy = 0;  // fractions in [0,1]
};

// Scores `system` against `gold` (both CoNLL-U contents). Fails with a message
// when a file is malformed or the two texts (without white space) differ.
bool ScoreConllu(std::string_view gold, std::string_view system, std::vector<UdScore>* scores,
                 std::string* error);

// Finds a metric in `scores`, nullptr if absent.
const UdScore* FindScore(const std::vector<UdScore>& scores, std::string_view metric);

}  // namespace kg::nlp
