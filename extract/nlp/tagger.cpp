#include "extract/nlp/tagger.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <random>

#include "extract/nlp/hash.h"
#include "extract/nlp/text_util.h"

namespace kg::nlp {

struct Tagger::Word {
  uint64_t form, lower, shape, pre[3], suf[4];
  uint64_t flags;
  uint64_t amb;
};

namespace {

enum : uint32_t {
  kBias = 1, kForm, kLower, kSuf1, kSuf2, kSuf3, kSuf4, kPre1, kPre2, kPre3, kShape, kPrevW,
  kNextW, kPrev2W, kNext2W, kPrevSuf, kNextSuf, kP1, kP2, kP12, kP1W, kWNext, kPrevWW,
  kNextShape, kPrevShape, kFirstShape, kP1Suf, kFlags, kNextNextW, kAmb, kNextAmb, kAmbs,
  kP1Amb, kNext2Amb, kAmbNextW
};
constexpr size_t kNumFeatures = kAmbNextW;  // one feature per template

void Shuffle(std::vector<uint32_t>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    const size_t j = rng() % i;
    std::swap(v[i - 1], v[j]);
  }
}

uint64_t WordFlags(const std::string& s) {
  uint64_t f = 0;
  bool upper = true, any_alpha = false;
  for (char c : s) {
    if (c == '-') f |= 1;
    if (c >= '0' && c <= '9') f |= 2;
    if (c >= 'a' && c <= 'z') upper = false;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') any_alpha = true;
  }
  if (upper && any_alpha) f |= 4;
  return f;
}

}  // namespace

void Tagger::Prepare(const Sentence& s, std::vector<Word>* words) const {
  words->resize(s.tokens.size());
  for (size_t i = 0; i < s.tokens.size(); ++i) {
    const std::string& form = s.tokens[i].form;
    const std::string low = Lower(form);
    Word& w = (*words)[i];
    w.form = HashStr(form);
    w.lower = HashStr(low);
    w.shape = HashStr(Shape(form));
    for (int k = 0; k < 3; ++k) w.pre[k] = HashStr(PrefixCp(low, k + 1));
    for (int k = 0; k < 4; ++k) w.suf[k] = HashStr(SuffixCp(low, k + 1));
    w.flags = WordFlags(form);
    const uint64_t* amb = amb_index_.Find(w.lower);
    w.amb = amb == nullptr ? 17 : *amb;
  }
}

void Tagger::Features(const std::vector<Word>& w, size_t i, int p1, int p2,
                      std::vector<uint64_t>* f) {
  // Written through a pointer (push_back's capacity checks cost more than
  // the hashing).
  f->resize(kNumFeatures);
  uint64_t* o = f->data();
  const Word& c = w[i];
  static const Word kPad{11, 11, 11, {11, 11, 11}, {11, 11, 11, 11}, 0, 11};
  static const Word kPad2{13, 13, 13, {13, 13, 13}, {13, 13, 13, 13}, 0, 13};
  const Word& m1 = i >= 1 ? w[i - 1] : kPad;
  const Word& m2 = i >= 2 ? w[i - 2] : kPad2;
  const Word& n1 = i + 1 < w.size() ? w[i + 1] : kPad;
  const Word& n2 = i + 2 < w.size() ? w[i + 2] : kPad2;
  *o++ = Feat(kBias, 0);
  *o++ = Feat(kForm, c.form);
  *o++ = Feat(kLower, c.lower);
  *o++ = Feat(kSuf1, c.suf[0]);
  *o++ = Feat(kSuf2, c.suf[1]);
  *o++ = Feat(kSuf3, c.suf[2]);
  *o++ = Feat(kSuf4, c.suf[3]);
  *o++ = Feat(kPre1, c.pre[0]);
  *o++ = Feat(kPre2, c.pre[1]);
  *o++ = Feat(kPre3, c.pre[2]);
  *o++ = Feat(kShape, c.shape);
  *o++ = Feat(kPrevW, m1.lower);
  *o++ = Feat(kNextW, n1.lower);
  *o++ = Feat(kPrev2W, m2.lower);
  *o++ = Feat(kNext2W, n2.lower);
  *o++ = Feat(kPrevSuf, m1.suf[2]);
  *o++ = Feat(kNextSuf, n1.suf[2]);
  *o++ = Feat(kP1, p1);
  *o++ = Feat(kP2, p2);
  *o++ = Feat(kP12, p1, p2);
  *o++ = Feat(kP1W, p1, c.lower);
  *o++ = Feat(kWNext, c.lower, n1.lower);
  *o++ = Feat(kPrevWW, m1.lower, c.lower);
  *o++ = Feat(kNextShape, n1.shape, c.shape);
  *o++ = Feat(kPrevShape, m1.shape, c.shape);
  *o++ = Feat(kFirstShape, i == 0, c.shape);
  *o++ = Feat(kP1Suf, p1, c.suf[2]);
  *o++ = Feat(kFlags, c.flags, n1.flags);
  *o++ = Feat(kNextNextW, n1.lower, n2.lower);
  *o++ = Feat(kAmb, c.amb);
  *o++ = Feat(kNextAmb, n1.amb);
  *o++ = Feat(kAmbs, c.amb, n1.amb);
  *o++ = Feat(kP1Amb, p1, c.amb);
  *o++ = Feat(kNext2Amb, n1.amb, n2.amb);
  *o++ = Feat(kAmbNextW, c.amb, n1.lower);
  assert(o == f->data() + kNumFeatures);
}

void Tagger::Tag(Sentence& s) const {
  std::vector<Word> words;
  Prepare(s, &words);
  std::vector<uint64_t> f;
  const int nc = model_.num_classes();
  std::vector<float> sc(nc);
  int p1 = -1, p2 = -2;
  for (size_t i = 0; i < s.tokens.size(); ++i) {
    int best;
    if (const int32_t* known = tagdict_index_.Find(words[i].form)) {
      best = *known;
    } else {
      Features(words, i, p1, p2, &f);
      std::fill(sc.begin(), sc.end(), 0.0f);
      model_.Score(f.data(), f.size(), sc.data());
      best = static_cast<int>(std::max_element(sc.begin(), sc.end()) - sc.begin());
    }
    Token& t = s.tokens[i];
    t.upos = upos_[best];
    t.xpos = xpos_[best];
    const uint32_t* fw = feats_index_.Find(Feat(0, words[i].lower, best));
    t.feats = feats_strings_[fw != nullptr ? *fw : feats_by_class_[best]];
    p2 = p1;
    p1 = best;
  }
}

void Tagger::Save(ModelWriter& w) const {
  w.PutStrings(upos_);
  w.PutStrings(xpos_);
  std::vector<std::pair<uint64_t, int>> td(tagdict_.begin(), tagdict_.end());
  std::sort(td.begin(), td.end());
  w.Put<uint64_t>(td.size());
  for (auto& [k, v] : td) {
    w.Put<uint64_t>(k);
    w.Put<int32_t>(v);
  }
  w.PutStrings(feats_strings_);
  std::vector<std::pair<uint64_t, uint32_t>> fw(feats_by_word_.begin(), feats_by_word_.end());
  std::sort(fw.begin(), fw.end());
  w.Put<uint64_t>(fw.size());
  for (auto& [k, v] : fw) {
    w.Put<uint64_t>(k);
    w.Put<uint32_t>(v);
  }
  w.PutVector(feats_by_class_);
  std::vector<std::pair<uint64_t, uint64_t>> amb(amb_.begin(), amb_.end());
  std::sort(amb.begin(), amb.end());
  w.Put<uint64_t>(amb.size());
  for (auto& [k, v] : amb) {
    w.Put<uint64_t>(k);
    w.Put<uint64_t>(v);
  }
  model_.Save(w);
}

bool Tagger::Load(ModelReader& r) {
  if (!r.GetStrings(&upos_) || !r.GetStrings(&xpos_) || upos_.size() != xpos_.size() ||
      upos_.empty())
    return false;
  const int nc = static_cast<int>(upos_.size());
  uint64_t n;
  if (!r.Get(&n) || n > r.remaining() / 12) return false;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t k;
    int32_t v;
    if (!r.Get(&k) || !r.Get(&v) || v < 0 || v >= nc) return false;
    tagdict_[k] = v;
  }
  if (!r.GetStrings(&feats_strings_) || feats_strings_.empty() || !r.Get(&n) ||
      n > r.remaining() / 12)
    return false;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t k;
    uint32_t v;
    if (!r.Get(&k) || !r.Get(&v) || v >= feats_strings_.size()) return false;
    feats_by_word_[k] = v;
  }
  if (!r.GetVector(&feats_by_class_) || feats_by_class_.size() != upos_.size()) return false;
  for (uint32_t v : feats_by_class_)
    if (v >= feats_strings_.size()) return false;
  if (!r.Get(&n) || n > r.remaining() / 16) return false;
  amb_.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t k, v;
    if (!r.Get(&k) || !r.Get(&v)) return false;
    amb_[k] = v;
  }
  if (!model_.Load(r) || model_.num_classes() != nc) return false;
  BuildIndex();
  return true;
}

void Tagger::BuildIndex() {
  tagdict_index_ = FlatMap64<int32_t>(tagdict_);
  amb_index_ = FlatMap64<uint64_t>(amb_);
  feats_index_ = FlatMap64<uint32_t>(feats_by_word_);
}

std::unique_ptr<Tagger> Tagger::Train(const std::vector<const Sentence*>& train,
                                      const TrainOptions& opt, std::string* log) {
  auto tg = std::make_unique<Tagger>();
  // Classes in first-seen order (deterministic).
  std::map<std::string, int> cls_of;
  std::vector<std::vector<int>> gold(train.size());
  for (size_t si = 0; si < train.size(); ++si)
    for (const Token& t : train[si]->tokens) {
      const std::string key = t.upos + "\t" + t.xpos;
      auto it = cls_of.find(key);
      if (it == cls_of.end()) {
        it = cls_of.emplace(key, static_cast<int>(tg->upos_.size())).first;
        tg->upos_.push_back(t.upos);
        tg->xpos_.push_back(t.xpos);
      }
      gold[si].push_back(it->second);
    }
  const int nc = static_cast<int>(tg->upos_.size());
  // Tag dictionary and FEATS tables.
  std::map<uint64_t, std::map<int, int>> form_counts;
  std::map<std::pair<uint64_t, int>, std::map<std::string, int>> word_feats;
  std::vector<std::map<std::string, int>> class_feats(nc);
  for (size_t si = 0; si < train.size(); ++si)
    for (size_t i = 0; i < train[si]->tokens.size(); ++i) {
      const Token& t = train[si]->tokens[i];
      const int c = gold[si][i];
      form_counts[HashStr(t.form)][c]++;
      const std::string fs = t.feats.empty() ? "_" : t.feats;
      word_feats[{HashStr(Lower(t.form)), c}][fs]++;
      class_feats[c][fs]++;
    }
  {
    std::map<uint64_t, std::map<int, int>> lower_counts;
    for (size_t si = 0; si < train.size(); ++si)
      for (size_t i = 0; i < train[si]->tokens.size(); ++i)
        lower_counts[HashStr(Lower(train[si]->tokens[i].form))][gold[si][i]]++;
    for (const auto& [w, counts] : lower_counts) {
      uint64_t h = 0x51;
      int total = 0;
      for (auto [c, k] : counts) total += k;
      if (total < 2) continue;  // singletons: leave to the suffix features
      for (auto [c, k] : counts)
        if (k * 20 >= total) h = Mix64(h ^ static_cast<uint64_t>(c + 1));
      tg->amb_[w] = h;
    }
  }
  for (const auto& [form, counts] : form_counts) {
    int total = 0, best = 0, best_c = 0;
    for (auto [c, k] : counts) {
      total += k;
      if (k > best) best = k, best_c = c;
    }
    if (total >= 20 && best >= 0.997 * total) tg->tagdict_[form] = best_c;
  }
  std::map<std::string, uint32_t> fs_index;
  auto intern = [&](const std::string& s) {
    auto it = fs_index.find(s);
    if (it != fs_index.end()) return it->second;
    const auto id = static_cast<uint32_t>(tg->feats_strings_.size());
    tg->feats_strings_.push_back(s);
    fs_index.emplace(s, id);
    return id;
  };
  auto majority = [](const std::map<std::string, int>& m) {
    std::string best = "_";
    int bc = -1;
    for (const auto& [s, k] : m)
      if (k > bc) bc = k, best = s;
    return best;
  };
  intern("_");
  for (int c = 0; c < nc; ++c) tg->feats_by_class_.push_back(intern(majority(class_feats[c])));
  for (const auto& [key, m] : word_feats) {
    const uint32_t id = intern(majority(m));
    if (id != tg->feats_by_class_[key.second]) tg->feats_by_word_[Feat(0, key.first, key.second)] = id;
  }
  tg->BuildIndex();  // Prepare reads amb_ through its index

  // Perceptron.
  PerceptronTrainer pt(nc);
  std::vector<uint32_t> order(train.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::mt19937_64 rng(opt.seed);
  std::vector<Word> words;
  std::vector<uint64_t> f;
  std::vector<float> sc(nc);
  for (int ep = 0; ep < opt.epochs; ++ep) {
    Shuffle(order, rng);
    size_t errors = 0, total = 0;
    for (uint32_t si : order) {
      tg->Prepare(*train[si], &words);
      int p1 = -1, p2 = -2;
      for (size_t i = 0; i < words.size(); ++i) {
        const int g = gold[si][i];
        int guess;
        auto it = tg->tagdict_.find(words[i].form);
        if (it != tg->tagdict_.end()) {
          guess = it->second;
        } else {
          Features(words, i, p1, p2, &f);
          std::fill(sc.begin(), sc.end(), 0.0f);
          pt.Score(f.data(), f.size(), sc.data());
          guess = static_cast<int>(std::max_element(sc.begin(), sc.end()) - sc.begin());
          if (guess != g) {
            pt.Update(f.data(), f.size(), g, 1.0f);
            pt.Update(f.data(), f.size(), guess, -1.0f);
          }
          pt.Tick();
        }
        errors += guess != g;
        ++total;
        p2 = p1;
        p1 = guess;
      }
    }
    if (log)
      *log += "tagger epoch " + std::to_string(ep + 1) + ": train acc " +
              std::to_string(100.0 * (total - errors) / std::max<size_t>(1, total)) + "\n";
  }
  tg->model_ = pt.Finalize(0.5f);
  return tg;
}

}  // namespace kg::nlp
