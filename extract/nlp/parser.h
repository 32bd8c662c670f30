// Dependency parser: greedy arc-hybrid transition system (Kuhlmann et al.
// 2011); an averaged perceptron over rich
// Zhang & Nivre (2011)-style feature templates picks the transition (trained
// with the dynamic oracle of Goldberg & Nivre (2013) and error exploration),
// and a second perceptron labels each arc as it is built, so later decisions
// see the labels of earlier arcs. Non-projective
// trees are handled by pseudo-projective parsing (Nivre & Nilsson 2005,
// "head" encoding): training trees are projectivized by lifting arcs, the
// lifted arcs' labels record the original head's label ("obj|xcomp"), and
// the parser's output is deprojectivized by searching for that head.
//
// The root is a stack-bottom ROOT node that may take its single dependent
// only when the buffer is empty, so every sentence gets exactly one root.
#pragma once

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "extract/nlp/document.h"
#include "extract/nlp/model_io.h"
#include "extract/nlp/perceptron.h"

namespace kg::nlp {

class Parser {
 public:
  // Sets head and deprel of every token from form, upos and xpos.
  void Parse(Sentence& s) const;

  // Selectional branching at parse time: how many low-margin alternatives of
  // the greedy run are re-run (default 8; 0 = plain greedy parsing).
  void set_branches(int k) { branches_ = k < 0 ? 0 : k; }
  int branches() const { return branches_; }

  void Save(ModelWriter& w) const;
  bool Load(ModelReader& r);

  // Drops the features whose largest |weight| is below `actions_min` from
  // the transition model and below `labels_min` from the labeller
  // (LinearModel::WithoutWeakFeatures; deterministic). Train applies it with
  // TrainOptions::feature_prune_*; kg-train --reprune applies it to a file.
  void PruneWeakFeatures(float actions_min, float labels_min);
  // In-memory bytes of the transition and label lookup tables.
  size_t action_table_bytes() const { return actions_.TableBytes(); }
  size_t label_table_bytes() const { return labeler_.TableBytes(); }
  size_t action_features() const { return actions_.num_features(); }
  size_t label_features() const { return labeler_.num_features(); }

  struct TrainOptions {
    int epochs = 15;
    uint64_t seed = 1;
    int explore_from_epoch = 2;    // follow the model's (possibly wrong) actions from here
    double explore_prob = 0.9;
    int dev_from_epoch = 1;   // with `dev`: evaluate after each epoch from here
    bool dev_exact = false;   // with `dev`: also evaluate unquantized / unpruned weights
    float prune = 0.5f;       // drop averaged weights below this magnitude
    // Then drop whole features whose largest |weight| is below these
    // (PruneWeakFeatures): smaller tables, fewer cache misses.
    float feature_prune_actions = 0.0f;
    float feature_prune_labels = 0.0f;
    // Called with the log so far after each dev evaluation (then cleared).
    std::function<void(const std::string&)> progress;
  };
  // `train` sentences carry gold heads/deprels and the tags the parser will see.
  // `dev`, if non-null, is parsed after each epoch and its LAS logged.
  static std::unique_ptr<Parser> Train(const std::vector<const Sentence*>& train,
                                       const std::vector<const Sentence*>* dev,
                                       const TrainOptions& opt, std::string* log);

  // Pseudo-projective helpers (exposed for tests). Heads are 1-based, 0 = root.
  static void Projectivize(std::vector<int>& heads, std::vector<std::string>& labels);
  static void Deprojectivize(std::vector<int>& heads, std::vector<std::string>& labels);

 private:
  struct State;
  struct Words;
  template <typename ScoreFn>
  void Run(const Words& w, State& st, ScoreFn&& score) const;
  // Write the features to out (room for kMaxFeatures in parser.cpp) and
  // return how many.
  size_t Features(const Words& w, const State& st, uint64_t* out) const;
  size_t LabelFeatures(const Words& w, const State& st, int head, int dep, uint64_t* out) const;
  static void Valid(const State& st, bool valid[3]);
  static void Apply(State& st, int action, int label);
  int BestLabel(const float* scores, bool root) const;
  void PrepareWords(const Sentence& s, Words* w) const;

  std::vector<std::string> labels_;  // label id -> deprel (possibly "a|b" lifted)
  int root_label_ = 0;
  int branches_ = 8;
  LinearModel actions_;  // SHIFT, LEFT, RIGHT
  LinearModel labeler_;  // label ids
};

}  // namespace kg::nlp
