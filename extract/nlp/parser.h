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

#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "extract/nlp/document.h"
#include "extract/nlp/model_io.h"
#include "extract/nlp/perceptron.h"

namespace kg::nlp {

class Parser {
 public:
  // Model-file kind ("parser2": adds the feature-set flag after the root label).
  static constexpr const char* kKind = "parser2";
  static constexpr int kDefaultBeam = 1;
  static constexpr float kDefaultBeamTemperature = 0.03f;

  // Sets head and deprel of every token from form, upos and xpos.
  void Parse(Sentence& s) const;

  void Save(ModelWriter& w) const;
  bool Load(ModelReader& r);

  // Decoding: beam width (1 = greedy) and the inverse temperature of the
  // log-softmax that turns the (locally trained) action scores into the
  // beam's path scores. Pipeline::Load sets them to kDefaultBeam and
  // kDefaultBeamTemperature, or to $KG_PARSER_BEAM / $KG_PARSER_BEAM_TEMP.
  void set_beam(int k) { beam_ = k < 1 ? 1 : (k > 64 ? 64 : k); }
  int beam() const { return beam_; }
  void set_beam_temperature(float t) {
    if (t > 0 && t < 1e6) temp_ = t;
  }
  float beam_temperature() const { return temp_; }

  struct TrainOptions {
    int epochs = 15;
    uint64_t seed = 1;
    int explore_from_epoch = 2;    // follow the model's (possibly wrong) actions from here
    double explore_prob = 0.9;
    bool full_label_features = true;  // labeller also sees the transition features
    bool extra_features = true;       // coordination / clause / punctuation templates
    float action_prune = 0.5f;        // averaged weights below this are dropped
    float label_prune = 1.5f;
    // Extra (action_prune, label_prune) finalisations of the same training
    // run, returned through `variants` (for tuning the size/accuracy trade).
    std::vector<std::pair<float, float>> variant_prunes;
  };
  // `train` sentences carry gold heads/deprels and the tags the parser will see.
  // `dev`, if non-null, is parsed after each epoch and its LAS logged.
  static std::unique_ptr<Parser> Train(const std::vector<const Sentence*>& train,
                                       const std::vector<const Sentence*>* dev,
                                       const TrainOptions& opt, std::string* log,
                                       std::vector<std::unique_ptr<Parser>>* variants = nullptr);

  // Pseudo-projective helpers (exposed for tests). Heads are 1-based, 0 = root.
  static void Projectivize(std::vector<int>& heads, std::vector<std::string>& labels);
  static void Deprojectivize(std::vector<int>& heads, std::vector<std::string>& labels);

 private:
  struct State;
  struct Words;
  template <typename ScoreFn>
  void Run(const Words& w, State& st, ScoreFn&& score) const;
  void Features(const Words& w, const State& st, std::vector<uint64_t>* f) const;
  void LabelFeatures(const Words& w, const State& st, int head, int dep,
                     std::vector<uint64_t>* f) const;
  void AllLabelFeatures(const Words& w, const State& st, int head, int dep,
                        std::vector<uint64_t>* f, std::vector<uint64_t>* tmp,
                        bool tmp_has_features = false) const;
  static void Valid(const State& st, bool valid[3]);
  static void Apply(State& st, int action, int label);
  int BestLabel(const float* scores, bool root) const;
  static void PrepareWords(const Sentence& s, Words* w);

  std::vector<std::string> labels_;  // label id -> deprel (possibly "a|b" lifted)
  int root_label_ = 0;
  bool full_label_features_ = true;
  bool extra_features_ = true;
  int beam_ = 1;
  float temp_ = kDefaultBeamTemperature;  // inverse temperature of the beam's log-softmax
  LinearModel actions_;  // SHIFT, LEFT, RIGHT
  LinearModel labeler_;  // label ids
};

}  // namespace kg::nlp
