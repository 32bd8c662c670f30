#include "extract/ner.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>
#include <unordered_set>

namespace kg::extract {

namespace {

constexpr std::array<std::string_view, kNerTags> kTagNames = {
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-NORP", "I-NORP"};

// Version 3 added the word-cluster table after the gazetteer; version 2
// files (no clusters) still load.
constexpr char kMagic[8] = {'K', 'G', 'N', 'E', 'R', '0', '0', '3'};
constexpr char kMagicV2[8] = {'K', 'G', 'N', 'E', 'R', '0', '0', '2'};

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}
uint64_t Hash(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return Mix(h);
}
uint64_t F(uint64_t templ, uint64_t a, uint64_t b = 0) {
  return Mix(templ * 0x9E3779B97F4A7C15ULL ^ Mix(a + 0x632BE59BD9B4E019ULL) ^ (b * 0x85EBCA77C2B2AE63ULL));
}

std::string Lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

// Collapsed word shape: "Xx", "XX", "x.X.", "dd" with runs folded.
std::string Shape(std::string_view s) {
  std::string o;
  for (unsigned char c : s) {
    char k = std::isupper(c) ? 'X' : std::islower(c) ? 'x' : std::isdigit(c) ? 'd' : c >= 0x80 ? 'u' : static_cast<char>(c);
    if (o.size() >= 2 && o.back() == k && o[o.size() - 2] == k) continue;
    o.push_back(k);
    if (o.size() > 8) break;
  }
  return o;
}

bool IsCap(std::string_view s) { return !s.empty() && std::isupper(static_cast<unsigned char>(s[0])); }

struct SentenceFeatures {
  std::vector<std::string> lower;
  std::vector<uint64_t> word, shape, pos, low, suf3;
  std::vector<uint8_t> gaz;
  // Word-cluster path of each token, hashed; filled only with
  // NerTagger::kFeatClusters.
  std::vector<uint64_t> cluster;
  // Casing of the whole sentence: 0 mixed, 1 no capitals at all (web text
  // written in lower case), 2 mostly capitals (headlines, shouting). Name
  // evidence from capitals means little in 1 and 2.
  uint64_t casing = 0;
};

std::string_view ClusterLookup(const WordClusters& clusters, std::string_view form, const std::string& lower) {
  if (clusters.empty()) return {};
  auto it = clusters.find(std::string(form));
  if (it == clusters.end()) it = clusters.find(lower);
  return it == clusters.end() ? std::string_view() : std::string_view(it->second);
}

// Words without a cluster share one value ("?"), itself a signal: a rare word.
const uint64_t kNoCluster = Hash("?");

SentenceFeatures Prepare(const nlp::Sentence& s, const Gazetteer& gaz,
                         const std::unordered_map<uint64_t, uint64_t>& clusters, uint32_t set) {
  SentenceFeatures f;
  const size_t n = s.tokens.size();
  f.lower.reserve(n);
  int alpha = 0, upper_words = 0, cap_words = 0;
  for (const auto& t : s.tokens) {
    f.lower.push_back(Lower(t.form));
    f.word.push_back(Hash(t.form));
    f.low.push_back(Hash(f.lower.back()));
    f.shape.push_back(Hash(Shape(t.form)));
    f.pos.push_back(Hash(t.upos));
    const std::string& low = f.lower.back();
    f.suf3.push_back(Hash(std::string_view(low).substr(low.size() > 3 ? low.size() - 3 : 0)));
    bool has_alpha = false, all_upper = true;
    for (unsigned char c : t.form) {
      if (std::isalpha(c)) {
        has_alpha = true;
        all_upper = all_upper && std::isupper(c);
      }
    }
    if (has_alpha) {
      ++alpha;
      if (all_upper && t.form.size() > 1) ++upper_words;
      if (IsCap(t.form)) ++cap_words;
    }
  }
  if (alpha >= 3 && cap_words == 0) f.casing = 1;
  else if (alpha >= 3 && upper_words * 2 > alpha) f.casing = 2;
  f.gaz = gaz.Match(f.lower);
  if (set & NerTagger::kFeatClusters) {
    // The form as written, else its lower-case spelling (ClusterOf).
    for (size_t i = 0; i < n; ++i) {
      auto it = clusters.find(f.word[i]);
      if (it == clusters.end()) it = clusters.find(f.low[i]);
      f.cluster.push_back(it == clusters.end() ? kNoCluster : it->second);
    }
  }
  return f;
}

// Features of token i that do not depend on the previous tag. `set` selects
// optional groups (NerTagger::kFeat*), stored in the model file.
void Features(const nlp::Sentence& s, const SentenceFeatures& sf, size_t i, uint32_t set, std::vector<uint64_t>* out) {
  out->clear();
  const size_t n = s.tokens.size();
  const std::string& form = s.tokens[i].form;
  const std::string& low = sf.lower[i];
  auto at = [&](const std::vector<uint64_t>& v, long j) -> uint64_t {
    return j < 0 ? 1 : j >= static_cast<long>(n) ? 2 : v[static_cast<size_t>(j)];
  };
  long li = static_cast<long>(i);
  out->push_back(F(1, 0));
  out->push_back(F(2, sf.word[i]));
  out->push_back(F(3, sf.low[i]));
  out->push_back(F(4, sf.shape[i]));
  const bool pos = (set & NerTagger::kFeatNoPosContext) == 0;
  out->push_back(F(5, sf.pos[i]));
  for (int k = 1; k <= 4; ++k) {
    if (low.size() > static_cast<size_t>(k)) {
      out->push_back(F(10 + k, Hash(std::string_view(low).substr(low.size() - k))));
      if (k <= 3) out->push_back(F(20 + k, Hash(std::string_view(low).substr(0, k))));
    }
  }
  out->push_back(F(30, at(sf.low, li - 1)));
  out->push_back(F(31, at(sf.low, li + 1)));
  out->push_back(F(32, at(sf.low, li - 2)));
  out->push_back(F(33, at(sf.low, li + 2)));
  out->push_back(F(34, at(sf.shape, li - 1), sf.shape[i]));
  out->push_back(F(35, sf.shape[i], at(sf.shape, li + 1)));
  if (pos) {
    out->push_back(F(36, at(sf.pos, li - 1), sf.pos[i]));
    out->push_back(F(37, sf.pos[i], at(sf.pos, li + 1)));
    out->push_back(F(38, at(sf.pos, li - 1)));
    out->push_back(F(39, at(sf.pos, li + 1)));
  }
  out->push_back(F(44, i == 0 ? 1 : 0, IsCap(form) ? 1 : 0));
  out->push_back(F(45, at(sf.low, li - 1), sf.low[i]));
  out->push_back(F(46, sf.low[i], at(sf.low, li + 1)));
  // Gazetteer: class bits of the covering phrase, with begin flag and casing.
  uint8_t g = sf.gaz[i];
  if (g != 0) {
    out->push_back(F(50, g));
    out->push_back(F(51, g, IsCap(form) ? 1 : 0));
  }
  uint8_t gp = i > 0 ? sf.gaz[i - 1] : 0, gn = i + 1 < n ? sf.gaz[i + 1] : 0;
  if (gp != 0) out->push_back(F(53, gp));
  if (gn != 0) out->push_back(F(54, gn));
  // Capitalised-run context: is the neighbour capitalised?
  bool cp = i > 0 && IsCap(s.tokens[i - 1].form), cn = i + 1 < n && IsCap(s.tokens[i + 1].form);
  out->push_back(F(55, (cp ? 2 : 0) | (cn ? 1 : 0), IsCap(form) ? 1 : 0));
  const uint64_t cap = IsCap(form) ? 1 : 0;
  if (set & NerTagger::kFeatCasing) {
    out->push_back(F(60, sf.casing, sf.shape[i]));
    out->push_back(F(61, sf.casing, g));
    out->push_back(F(62, sf.casing, sf.pos[i]));
  }
  if (set & NerTagger::kFeatContext) {
    out->push_back(F(64, at(sf.suf3, li - 1)));
    out->push_back(F(65, at(sf.suf3, li + 1)));
    out->push_back(F(66, at(sf.low, li - 1), cap));
    out->push_back(F(67, at(sf.low, li + 1), cap));
  }
  if (set & NerTagger::kFeatClusters) {
    // Clusters from unlabelled text: words used like company or place names
    // share a path even when the labelled data never saw them.
    // The clusters of the neighbours only: "X said", "in X", "X Inc"
    // contexts generalise to words the labelled data never has. The token's
    // own cluster was tried too: UNER dev +1.6 F1, but unknown company
    // names of news text ("Boeing") fell into clusters of capitalised
    // non-names and MEANTIME lenient F1 fell from 76.3 to 64.5.
    out->push_back(F(83, at(sf.cluster, li - 1)));
    out->push_back(F(84, at(sf.cluster, li + 1)));
  }
  if ((set & NerTagger::kFeatRun) && cap) {
    // The capitalised run around the token: its last word ("Corp",
    // "University", "Party") and its first word, and where the token sits.
    size_t b = i, e = i + 1;
    while (b > 0 && IsCap(s.tokens[b - 1].form)) --b;
    while (e < n && IsCap(s.tokens[e].form)) ++e;
    if (e - b >= 2) {
      out->push_back(F(70, sf.low[e - 1]));
      out->push_back(F(71, sf.low[b], b == 0 ? 1 : 0));
      out->push_back(F(72, std::min<uint64_t>(i - b, 3), std::min<uint64_t>(e - i, 3)));
      out->push_back(F(73, sf.gaz[e - 1]));
    }
  }
}

// Features of token i that pair the previous tag with the token.
void PrevFeatures(const SentenceFeatures& sf, size_t i, int prev, std::vector<uint64_t>* out) {
  out->clear();
  out->push_back(F(40, static_cast<uint64_t>(prev)));
  out->push_back(F(42, static_cast<uint64_t>(prev), sf.low[i]));
  out->push_back(F(43, static_cast<uint64_t>(prev), sf.shape[i]));
  if (sf.gaz[i] != 0) out->push_back(F(52, sf.gaz[i], static_cast<uint64_t>(prev)));
}

bool Allowed(int prev, int tag) {
  // I-x only continues B-x or I-x.
  if (tag == 0 || tag % 2 == 1) return true;
  int cls = (tag - 2) / 2;
  return prev == 1 + 2 * cls || prev == 2 + 2 * cls;
}

}  // namespace

std::string_view NerTagName(int tag) {
  return tag >= 0 && tag < kNerTags ? kTagNames[static_cast<size_t>(tag)] : "O";
}
int NerTagId(std::string_view name) {
  for (int i = 0; i < kNerTags; ++i) {
    if (kTagNames[static_cast<size_t>(i)] == name) return i;
  }
  return -1;
}

std::vector<NerSpan> NerSpans(const std::vector<int>& tags) {
  std::vector<NerSpan> out;
  for (size_t i = 0; i < tags.size();) {
    if (tags[i] <= 0 || tags[i] % 2 == 0) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < tags.size() && tags[j] == tags[i] + 1) ++j;
    out.push_back(NerSpan{i, j, tags[i]});
    i = j;
  }
  return out;
}

std::set<NerSpan> ScoredNerSpans(const std::vector<int>& tags) {
  std::set<NerSpan> out;
  for (const NerSpan& e : NerSpans(tags)) {
    if (e.tag <= 2 * static_cast<int>(NerClass::kLoc) + 1) out.insert(e);
  }
  return out;
}

void Gazetteer::Add(std::string_view phrase, uint8_t bits) {
  std::string p = Lower(phrase);
  if (p.empty()) return;
  map_[p] |= bits;
  int n = 1 + static_cast<int>(std::count(p.begin(), p.end(), ' '));
  max_tokens_ = std::max(max_tokens_, std::min(n, 6));
}

uint8_t Gazetteer::Lookup(std::string_view lower_phrase) const {
  auto it = map_.find(std::string(lower_phrase));
  return it == map_.end() ? 0 : it->second;
}

std::vector<uint8_t> Gazetteer::Match(const std::vector<std::string>& lower) const {
  std::vector<uint8_t> out(lower.size(), 0);
  std::string key;
  for (size_t i = 0; i < lower.size(); ++i) {
    key.clear();
    int best_len = 0;
    uint8_t best = 0;
    for (size_t k = 0; k < static_cast<size_t>(max_tokens_) && i + k < lower.size(); ++k) {
      if (k > 0) key.push_back(' ');
      key += lower[i + k];
      auto it = map_.find(key);
      if (it != map_.end()) {
        best_len = static_cast<int>(k) + 1;
        best = it->second;
      }
    }
    if (best_len == 0) continue;
    for (int k = 0; k < best_len; ++k) {
      uint8_t bits = static_cast<uint8_t>(best | (k == 0 ? 0x80 : 0));
      // Keep the longest phrase covering a token (an earlier, longer match wins).
      if (out[i + static_cast<size_t>(k)] == 0) out[i + static_cast<size_t>(k)] = bits;
    }
  }
  return out;
}

struct NerTagger::Impl {
  using W = std::array<float, kNerTags>;
  std::unordered_map<uint64_t, W> weights;  // while training or loading
  // The same weights in an open-addressing table (linear probing, key 0 =
  // empty slot) for tagging: about 80 lookups per token, and node-based
  // std::unordered_map lookups were most of the tagger's time.
  std::vector<uint64_t> keys;
  std::vector<W> values;
  uint64_t mask = 0;

  void Finalize() {
    size_t cap = 16;
    while (cap < weights.size() * 2) cap <<= 1;
    keys.assign(cap, 0);
    values.assign(cap, W{});
    mask = cap - 1;
    for (const auto& [f, w] : weights) {
      if (f == 0) continue;  // a fingerprint of 0 (p = 2^-64) is dropped
      uint64_t i = f & mask;
      while (keys[i] != 0) i = (i + 1) & mask;
      keys[i] = f;
      values[i] = w;
    }
    weights = {};  // only the table is used from here on
  }

  void Add(const std::vector<uint64_t>& feats, W* scores) const {
    if (keys.empty()) return;
    for (uint64_t f : feats) {
      for (uint64_t i = f & mask; keys[i] != 0; i = (i + 1) & mask) {
        if (keys[i] != f) continue;
        for (int t = 0; t < kNerTags; ++t) (*scores)[static_cast<size_t>(t)] += values[i][static_cast<size_t>(t)];
        break;
      }
    }
  }
};

namespace {

using Scores = std::array<float, kNerTags>;

// First-order Viterbi over the tags: emit[i][t] + trans[i][p][t], where
// trans holds the features pairing tag t with the previous tag p (p = O
// before the first token), and I-x must follow B-x or I-x.
template <typename ScoreFn>
std::vector<int> Viterbi(const nlp::Sentence& s, const SentenceFeatures& sf, uint32_t set, const ScoreFn& score) {
  const size_t n = s.tokens.size();
  std::vector<int> tags(n, 0);
  if (n == 0) return tags;
  std::vector<std::array<int8_t, kNerTags>> back(n);
  std::vector<uint64_t> feats;
  Scores emit{}, delta{}, next{};
  for (size_t i = 0; i < n; ++i) {
    Features(s, sf, i, set, &feats);
    emit.fill(0.0f);
    score(feats, &emit);
    next.fill(-1e30f);
    for (int p = 0; p < kNerTags; ++p) {
      if (i == 0 && p != 0) continue;
      float base = i == 0 ? 0.0f : delta[static_cast<size_t>(p)];
      if (base <= -1e29f) continue;
      PrevFeatures(sf, i, p, &feats);
      Scores tr{};
      score(feats, &tr);
      for (int t = 0; t < kNerTags; ++t) {
        if (!Allowed(p, t)) continue;
        float v = base + tr[static_cast<size_t>(t)] + emit[static_cast<size_t>(t)];
        if (v > next[static_cast<size_t>(t)]) {
          next[static_cast<size_t>(t)] = v;
          back[i][static_cast<size_t>(t)] = static_cast<int8_t>(p);
        }
      }
    }
    delta = next;
  }
  int best = 0;
  for (int t = 1; t < kNerTags; ++t) {
    if (delta[static_cast<size_t>(t)] > delta[static_cast<size_t>(best)]) best = t;
  }
  for (size_t i = n; i-- > 0;) {
    tags[i] = best;
    best = back[i][static_cast<size_t>(best)];
  }
  return tags;
}

}  // namespace

NerTagger::NerTagger() : impl_(std::make_unique<Impl>()) {}
NerTagger::~NerTagger() = default;

std::vector<int> NerTagger::Tag(const nlp::Sentence& s) const {
  if (s.tokens.empty()) return {};
  SentenceFeatures sf = Prepare(s, gazetteer_, cluster_ids_, feature_set_);
  return Viterbi(s, sf, feature_set_, [this](const std::vector<uint64_t>& f, Scores* sc) { impl_->Add(f, sc); });
}

std::vector<std::string> NerTagger::TagNames(const nlp::Sentence& s) const {
  std::vector<std::string> out;
  for (int t : Tag(s)) out.emplace_back(NerTagName(t));
  return out;
}

void NerTagger::Train(const std::vector<Example>& data, int epochs, uint64_t seed, int runs) {
  // Structured averaged perceptron: decode each sentence with Viterbi and,
  // when the best sequence differs from the gold one, move weight from the
  // predicted sequence's features to the gold sequence's. With runs > 1,
  // run r shuffles with seed + r and the final weights are the mean of the
  // runs' averaged weights (less dependence on one shuffle order).
  using W = Impl::W;
  struct Acc {
    W w{}, total{};
    std::array<int64_t, kNerTags> stamp{};
  };
  runs = std::max(runs, 1);
  std::unordered_map<uint64_t, Acc> acc;
  std::unordered_map<uint64_t, W> mean;
  int64_t step = 1;
  std::vector<size_t> order(data.size());
  std::vector<uint64_t> feats;
  auto update = [&](uint64_t f, int t, float d) {
    Acc& a = acc[f];
    auto ti = static_cast<size_t>(t);
    a.total[ti] += static_cast<float>(step - a.stamp[ti]) * a.w[ti];
    a.stamp[ti] = step;
    a.w[ti] += d;
  };
  auto score = [&](const std::vector<uint64_t>& fs, Scores* sc) {
    for (uint64_t f : fs) {
      auto it = acc.find(f);
      if (it == acc.end()) continue;
      for (int t = 0; t < kNerTags; ++t) (*sc)[static_cast<size_t>(t)] += it->second.w[static_cast<size_t>(t)];
    }
  };
  std::vector<SentenceFeatures> prepared;
  prepared.reserve(data.size());
  for (const auto& ex : data) prepared.push_back(Prepare(ex.sentence, gazetteer_, cluster_ids_, feature_set_));
  for (int run = 0; run < runs; ++run) {
    acc.clear();
    step = 1;
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(seed + static_cast<uint64_t>(run));
    for (int epoch = 0; epoch < epochs; ++epoch) {
      // Own Fisher-Yates: std::shuffle's algorithm is implementation-defined.
      for (size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng() % k]);
      for (size_t idx : order) {
        const Example& ex = data[idx];
        const SentenceFeatures& sf = prepared[idx];
        auto pred = Viterbi(ex.sentence, sf, feature_set_, score);
        const size_t n = ex.sentence.tokens.size();
        for (size_t i = 0; i < n; ++i) {
          int g = ex.tags[i], p = pred[i];
          int gp = i == 0 ? 0 : ex.tags[i - 1], pp = i == 0 ? 0 : pred[i - 1];
          if (g != p) {
            Features(ex.sentence, sf, i, feature_set_, &feats);
            for (uint64_t f : feats) {
              update(f, g, 1.0f);
              update(f, p, -1.0f);
            }
          }
          if (g != p || gp != pp) {
            PrevFeatures(sf, i, gp, &feats);
            for (uint64_t f : feats) update(f, g, 1.0f);
            PrevFeatures(sf, i, pp, &feats);
            for (uint64_t f : feats) update(f, p, -1.0f);
          }
        }
        ++step;
      }
    }
    for (auto& [f, a] : acc) {
      W& m = mean[f];
      for (int t = 0; t < kNerTags; ++t) {
        auto ti = static_cast<size_t>(t);
        float total = a.total[ti] + static_cast<float>(step - a.stamp[ti]) * a.w[ti];
        m[ti] += total / static_cast<float>(step) / static_cast<float>(runs);
      }
    }
  }
  impl_->weights.clear();
  for (const auto& [f, m] : mean) {
    bool any = false;
    for (float v : m) any = any || std::abs(v) > 1e-3f;
    if (any) impl_->weights.emplace(f, m);
  }
  impl_->Finalize();
}

Status NerTagger::Save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary);
  if (!out) return Status::IoError("cannot write " + path);
  out.write(kMagic, sizeof kMagic);
  auto put32 = [&](uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  put32(feature_set_);
  // Gazetteer, sorted for a deterministic file.
  std::vector<std::pair<std::string, uint8_t>> gaz(gazetteer_.map().begin(), gazetteer_.map().end());
  std::sort(gaz.begin(), gaz.end());
  put32(static_cast<uint32_t>(gaz.size()));
  for (const auto& [p, bits] : gaz) {
    put32(static_cast<uint32_t>(p.size()));
    out.write(p.data(), static_cast<std::streamsize>(p.size()));
    out.put(static_cast<char>(bits));
  }
  std::vector<std::pair<std::string, std::string>> cl(clusters_.begin(), clusters_.end());
  std::sort(cl.begin(), cl.end());
  put32(static_cast<uint32_t>(cl.size()));
  for (const auto& [word, path] : cl) {
    put32(static_cast<uint32_t>(word.size()));
    out.write(word.data(), static_cast<std::streamsize>(word.size()));
    put32(static_cast<uint32_t>(path.size()));
    out.write(path.data(), static_cast<std::streamsize>(path.size()));
  }
  std::vector<std::pair<uint64_t, Impl::W>> w;
  for (size_t i = 0; i < impl_->keys.size(); ++i) {
    if (impl_->keys[i] != 0) w.emplace_back(impl_->keys[i], impl_->values[i]);
  }
  std::sort(w.begin(), w.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  put32(static_cast<uint32_t>(w.size()));
  put32(kNerTags);
  for (const auto& [f, ws] : w) {
    out.write(reinterpret_cast<const char*>(&f), 8);
    out.write(reinterpret_cast<const char*>(ws.data()), sizeof(float) * kNerTags);
  }
  if (!out) return Status::IoError("write failed: " + path);
  return Status::Ok();
}

Result<std::unique_ptr<NerTagger>> NerTagger::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open NER model " + path);
  char magic[8];
  if (!in.read(magic, 8) || (std::memcmp(magic, kMagic, 8) != 0 && std::memcmp(magic, kMagicV2, 8) != 0)) {
    return Status::Corruption(path + ": not a kg NER model (bad magic or version)");
  }
  auto t = std::make_unique<NerTagger>();
  auto get32 = [&](uint32_t* v) { return static_cast<bool>(in.read(reinterpret_cast<char*>(v), 4)); };
  if (!get32(&t->feature_set_)) return Status::Corruption(path + ": truncated");
  uint32_t n = 0;
  if (!get32(&n) || n > 50'000'000) return Status::Corruption(path + ": bad gazetteer size");
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t len = 0;
    if (!get32(&len) || len > 4096) return Status::Corruption(path + ": bad gazetteer entry");
    std::string p(len, '\0');
    char bits = 0;
    if (!in.read(p.data(), len) || !in.get(bits)) return Status::Corruption(path + ": truncated");
    t->gazetteer_.Add(p, static_cast<uint8_t>(bits));
  }
  if (std::memcmp(magic, kMagic, 8) == 0) {
    uint32_t nc = 0;
    if (!get32(&nc) || nc > 50'000'000) return Status::Corruption(path + ": bad cluster table size");
    WordClusters clusters;
    for (uint32_t i = 0; i < nc; ++i) {
      uint32_t wl = 0, pl = 0;
      std::string word, cpath;
      if (!get32(&wl) || wl > 4096) return Status::Corruption(path + ": bad cluster entry");
      word.resize(wl);
      if (!in.read(word.data(), wl) || !get32(&pl) || pl > 64) return Status::Corruption(path + ": bad cluster entry");
      cpath.resize(pl);
      if (!in.read(cpath.data(), pl)) return Status::Corruption(path + ": truncated");
      clusters.emplace(std::move(word), std::move(cpath));
    }
    t->set_clusters(std::move(clusters));
  }
  uint32_t nw = 0, ntags = 0;
  if (!get32(&nw) || !get32(&ntags) || ntags != kNerTags || nw > 100'000'000) {
    return Status::Corruption(path + ": bad weight table header");
  }
  t->impl_->weights.reserve(nw);
  for (uint32_t i = 0; i < nw; ++i) {
    uint64_t f = 0;
    Impl::W ws;
    if (!in.read(reinterpret_cast<char*>(&f), 8) ||
        !in.read(reinterpret_cast<char*>(ws.data()), sizeof(float) * kNerTags)) {
      return Status::Corruption(path + ": truncated weights");
    }
    t->impl_->weights.emplace(f, ws);
  }
  t->impl_->Finalize();
  return t;
}

void NerTagger::set_clusters(WordClusters clusters) {
  clusters_ = std::move(clusters);
  cluster_ids_.clear();
  // A path of "" (a form at the root, never split off) counts as no cluster.
  for (const auto& [form, path] : clusters_) cluster_ids_[Hash(form)] = Hash(path.empty() ? std::string_view("?") : std::string_view(path));
}

std::string_view NerTagger::ClusterOf(std::string_view form) const {
  return ClusterLookup(clusters_, form, Lower(form));
}

Result<WordClusters> ReadWordClusters(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open word clusters " + path);
  WordClusters out;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (line.empty() || line[0] == '#') continue;
    size_t t1 = line.find('\t');
    if (t1 == std::string::npos || t1 == 0) {
      return Status::Corruption(path + ":" + std::to_string(line_no) + ": expected PATH<TAB>WORD");
    }
    size_t t2 = line.find('\t', t1 + 1);
    std::string cpath = line.substr(0, t1);
    std::string word = line.substr(t1 + 1, t2 == std::string::npos ? std::string::npos : t2 - t1 - 1);
    if (cpath == "-") cpath.clear();
    if (word.empty() || cpath.find_first_not_of("01") != std::string::npos) {
      return Status::Corruption(path + ":" + std::to_string(line_no) + ": bad cluster path or empty word");
    }
    out[word] = cpath;
  }
  return out;
}

void PropagateDocumentNames(const std::vector<nlp::Sentence>& sentences, const NerTagger* ner,
                            std::vector<std::vector<int>>* all_tags) {
  std::unordered_map<std::string, std::array<int, kNerClasses>> name_classes;
  // One-word names the tagger found after the first word of a sentence, where
  // a capital is evidence of a name.
  std::unordered_set<std::string> mid_sentence_names;
  for (size_t si = 0; si < sentences.size(); ++si) {
    const auto& s = sentences[si];
    for (const NerSpan& e : NerSpans((*all_tags)[si])) {
      const size_t i = e.begin, j = e.end;
      if (j - i <= 4) {
        std::string key;
        for (size_t q = i; q < j; ++q) key += (q > i ? " " : "") + s.tokens[q].form;
        name_classes[key][static_cast<size_t>((e.tag - 1) / 2)]++;
        if (i > 0 && j - i == 1) mid_sentence_names.insert(key);
        // A person's surname alone names the person too ("Jobs").
        if (e.tag == 1 && j - i >= 2 && IsCap(s.tokens[j - 1].form)) name_classes[s.tokens[j - 1].form][0]++;
      }
    }
  }
  if (!name_classes.empty()) {
    for (size_t si = 0; si < sentences.size(); ++si) {
      const auto& s = sentences[si];
      auto& tags = (*all_tags)[si];
      for (size_t i = 0; i < tags.size(); ++i) {
        // Capitalised mid-sentence words count even when the tagger made them
        // common nouns ("Jobs"); at the start of a sentence only proper nouns.
        if (tags[i] != 0 || !IsCap(s.tokens[i].form)) continue;
        const bool nounish = s.tokens[i].upos == "PROPN" || s.tokens[i].upos == "NOUN" || s.tokens[i].upos == "X";
        // At the start of a sentence any word is capitalised, and an unknown
        // name there is often tagged a verb or adjective ("Boeing" as VBG):
        // a word found as a name inside a sentence of this article counts
        // whatever its POS, unless it is a word mostly written in lower case.
        // Otherwise only a known person's surname counts there ("Jobs said").
        const bool initial_name = i == 0 && mid_sentence_names.count(s.tokens[i].form) != 0 &&
                                  (ner == nullptr || (ner->gazetteer().Lookup(Lower(s.tokens[i].form)) & 0x40) == 0);
        if (!nounish && !initial_name) continue;
        if (i == 0 && s.tokens[i].upos != "PROPN" && !initial_name) {
          auto it = name_classes.find(s.tokens[i].form);
          if (it == name_classes.end() || it->second[0] == 0) continue;
        }
        size_t best_len = 0;
        int best_cls = -1;
        std::string key;
        for (size_t k = 0; k < 4 && i + k < tags.size() && tags[i + k] == 0; ++k) {
          key += (k > 0 ? " " : "") + s.tokens[i + k].form;
          auto it = name_classes.find(key);
          if (it == name_classes.end()) continue;
          best_len = k + 1;
          best_cls = static_cast<int>(std::max_element(it->second.begin(), it->second.end()) - it->second.begin());
        }
        // Do not cut a longer capitalised run ("Boeing" inside "Boeing Commercial Airplanes").
        if (best_len == 0 || (i + best_len < tags.size() && IsCap(s.tokens[i + best_len].form) &&
                              s.tokens[i + best_len].upos == "PROPN")) {
          continue;
        }
        tags[i] = 1 + 2 * best_cls;
        for (size_t k = 1; k < best_len; ++k) tags[i + k] = 2 + 2 * best_cls;
        i += best_len - 1;
      }
    }
  }
}

std::string AddNerToConllu(const NerTagger& ner, const nlp::Document& doc, std::string_view conllu) {
  std::string out;
  out.reserve(conllu.size() + conllu.size() / 4);
  size_t sent = 0, word = 0;
  bool in_sentence = false;
  std::vector<std::string> tags;
  size_t pos = 0;
  while (pos < conllu.size()) {
    size_t nl = conllu.find('\n', pos);
    std::string_view line = conllu.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? conllu.size() : nl + 1;
    if (line.empty()) {
      if (in_sentence) ++sent;
      in_sentence = false;
      word = 0;
      out.push_back('\n');
      continue;
    }
    if (line[0] == '#') {
      out.append(line);
      out.push_back('\n');
      continue;
    }
    if (!in_sentence) {
      in_sentence = true;
      tags = sent < doc.sentences.size() ? ner.TagNames(doc.sentences[sent]) : std::vector<std::string>();
    }
    size_t tab = line.find('\t');
    std::string_view id = line.substr(0, tab);
    bool word_line = tab != std::string_view::npos && id.find('-') == std::string_view::npos &&
                     id.find('.') == std::string_view::npos;
    size_t last_tab = line.rfind('\t');
    if (!word_line || last_tab == std::string_view::npos) {
      out.append(line);
      out.push_back('\n');
      continue;
    }
    std::string tag = word < tags.size() ? tags[word] : "O";
    ++word;
    std::string_view misc = line.substr(last_tab + 1);
    out.append(line.substr(0, last_tab + 1));
    if (misc.empty() || misc == "_") {
      out += "NER=" + tag;
    } else {
      out.append(misc);
      out += "|NER=" + tag;
    }
    out.push_back('\n');
  }
  return out;
}

std::vector<int> HeuristicNerTags(const nlp::Sentence& s) {
  // Capitalised runs that are not sentence-initial function words are PER if
  // two tokens long, else ORG/LOC are unknown: call them ORG. Crude on purpose.
  const size_t n = s.tokens.size();
  std::vector<int> tags(n, 0);
  size_t i = 0;
  while (i < n) {
    const auto& t = s.tokens[i];
    bool cap = IsCap(t.form) && t.upos != "PRON" && t.upos != "DET" && t.upos != "ADP" &&
               t.upos != "CCONJ" && t.upos != "AUX" && t.upos != "PUNCT";
    if (!cap) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < n && IsCap(s.tokens[j].form) && s.tokens[j].upos == "PROPN") ++j;
    int cls = (j - i == 2) ? 0 : 1;
    tags[i] = 1 + 2 * cls;
    for (size_t k = i + 1; k < j; ++k) tags[k] = 2 + 2 * cls;
    i = j;
  }
  return tags;
}

}  // namespace kg::extract
