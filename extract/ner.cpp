#include "extract/ner.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>
#include <unordered_set>

namespace kg::extract {

namespace {

constexpr std::array<std::string_view, kNerTags> kTagNames = {
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-NORP", "I-NORP"};

// Version 4 added the document pass's weight table after the first pass's
// (empty when the model has none); version 3 added the word-cluster table
// after the gazetteer. Versions 2 and 3 still load.
constexpr char kMagic[8] = {'K', 'G', 'N', 'E', 'R', '0', '0', '4'};
constexpr char kMagicV3[8] = {'K', 'G', 'N', 'E', 'R', '0', '0', '3'};
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
  // Document features of each token (the second pass only), else null.
  const std::vector<std::vector<uint64_t>>* doc = nullptr;
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

int XFlags() {  // EXPERIMENT
  static const int x = std::getenv("KG_X") ? std::atoi(std::getenv("KG_X")) : 0;
  return x;
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
  if (sf.doc != nullptr && (XFlags() & 32)) {
    out->push_back(F(1, 0));
    out->push_back(F(2, sf.word[i]));
    out->push_back(F(4, sf.shape[i]));
    out->push_back(F(5, sf.pos[i]));
    out->push_back(F(44, i == 0 ? 1 : 0, IsCap(form) ? 1 : 0));
    if (sf.gaz[i] != 0) out->push_back(F(51, sf.gaz[i], IsCap(form) ? 1 : 0));
    out->insert(out->end(), (*sf.doc)[i].begin(), (*sf.doc)[i].end());
    return;
  }
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
  if (sf.doc != nullptr) out->insert(out->end(), (*sf.doc)[i].begin(), (*sf.doc)[i].end());
}

// Class of a tag: 0 for O, 1 + NerClass for B-x and I-x.
int ClassOf(int tag) { return tag == 0 ? 0 : 1 + (tag - 1) / 2; }

// The majority class (1 + NerClass) among votes[1..], 0 when none.
int MajorityName(const std::array<int, kNerClasses + 1>& votes) {
  int best = 0;
  for (int c = 1; c <= kNerClasses; ++c) {
    if (votes[static_cast<size_t>(c)] > votes[static_cast<size_t>(best)] || (best == 0 && votes[static_cast<size_t>(c)] > 0)) best = c;
  }
  return votes[static_cast<size_t>(best)] > 0 ? best : 0;
}

// Document features of the second pass (Krishnan & Manning 2006) from the
// first pass's tags of every sentence of one document. For each token:
// its own first-pass tag and its neighbours'; the first-pass classes of the
// same word (lower-cased) elsewhere in the document; the class of the
// longest first-pass name string (up to five words, lower-cased) found
// elsewhere in the document that covers the token here; the class and
// position of longer first-pass names elsewhere that contain the word as
// written ("Bush" alone after "George Bush"). "Elsewhere" leaves out the
// token's own occurrence, so that the features add what the first pass
// could not see from the sentence alone.
std::vector<std::vector<std::vector<uint64_t>>> DocumentFeatures(const std::vector<nlp::Sentence>& sents,
                                                                 const std::vector<std::vector<int>>& first) {
  using Votes = std::array<int, kNerClasses + 1>;
  std::unordered_map<std::string, Votes> word_votes;
  std::unordered_map<std::string, Votes> name_votes;  // lower-cased name string -> classes
  std::unordered_map<std::string, std::array<int, 3 * (kNerClasses + 1)>> inside;  // form -> (class, position)
  std::vector<std::vector<std::string>> lower(sents.size());
  for (size_t s = 0; s < sents.size(); ++s) {
    const auto& toks = sents[s].tokens;
    for (const auto& t : toks) lower[s].push_back(Lower(t.form));
    const auto& tags = first[s];
    for (size_t i = 0; i < toks.size(); ++i) word_votes[lower[s][i]][static_cast<size_t>(ClassOf(tags[i]))]++;
    for (size_t i = 0; i < tags.size();) {
      if (tags[i] == 0 || tags[i] % 2 == 0) {
        ++i;
        continue;
      }
      size_t j = i + 1;
      while (j < tags.size() && tags[j] == tags[i] + 1) ++j;
      const int cls = ClassOf(tags[i]);
      if (j - i <= 5) {
        std::string key;
        for (size_t q = i; q < j; ++q) key += (q > i ? " " : "") + lower[s][q];
        name_votes[key][static_cast<size_t>(cls)]++;
      }
      if (j - i >= 2) {
        for (size_t q = i; q < j; ++q) {
          int pos = q == i ? 0 : q + 1 == j ? 1 : 2;
          inside[toks[q].form][static_cast<size_t>(3 * cls + pos)]++;
        }
      }
      i = j;
    }
  }
  std::vector<std::vector<std::vector<uint64_t>>> out(sents.size());
  for (size_t s = 0; s < sents.size(); ++s) {
    const auto& toks = sents[s].tokens;
    const auto& tags = first[s];
    const size_t n = toks.size();
    out[s].resize(n);
    // The longest name string elsewhere covering each token: class and
    // whether the token begins it.
    std::vector<std::pair<int, int>> cover(n, {0, 0});
    std::vector<size_t> cover_len(n, 0);
    for (size_t b = 0; b < n; ++b) {
      std::string key;
      for (size_t len = 1; len <= 5 && b + len <= n; ++len) {
        key += (len > 1 ? " " : "") + lower[s][b + len - 1];
        auto it = name_votes.find(key);
        if (it == name_votes.end()) continue;
        Votes v = it->second;
        // Leave out this very occurrence when the first pass tagged it so.
        const int c0 = ClassOf(tags[b]);
        if (c0 != 0 && tags[b] % 2 == 1 && (b + len == n || tags[b + len] != tags[b] + 1)) {
          bool whole = true;
          for (size_t q = b + 1; q < b + len; ++q) whole = whole && tags[q] == tags[b] + 1;
          if (whole) v[static_cast<size_t>(c0)]--;
        }
        int m = MajorityName(v);
        if (m == 0) continue;
        for (size_t q = b; q < b + len; ++q) {
          if (len >= cover_len[q]) {
            cover_len[q] = len;
            cover[q] = {m, q == b ? 1 : 0};
          }
        }
      }
    }
    for (size_t i = 0; i < n; ++i) {
      auto& f = out[s][i];
      const uint64_t cap = IsCap(toks[i].form) ? 1 : 0;
      const int own = tags[i];
      const int prev = i > 0 ? tags[i - 1] : 9, next = i + 1 < n ? tags[i + 1] : 9;
      const int kX = XFlags();
      if (!(kX & 1)) {
      f.push_back(F(90, static_cast<uint64_t>(own)));
      f.push_back(F(91, static_cast<uint64_t>(prev), static_cast<uint64_t>(own)));
      f.push_back(F(92, static_cast<uint64_t>(own), static_cast<uint64_t>(next)));
      }
      Votes v = word_votes[lower[s][i]];
      v[static_cast<size_t>(ClassOf(own))]--;
      int others = 0;
      for (int x : v) others += x;
      if (others > 0 && !(kX & 2)) {
        int m = MajorityName(v);
        int names = others - v[0];
        // Share of the other occurrences that are names: none, some, most, all.
        if (kX & 16) {
          if (names > 0) {
            uint64_t cnt = std::min(names, 3);
            f.push_back(F(93, static_cast<uint64_t>(m), cnt));
            f.push_back(F(94, static_cast<uint64_t>(m), cap));
          }
        } else {
        uint64_t share = names == 0 ? 0 : names == others ? 3 : 2 * names >= others ? 2 : 1;
        f.push_back(F(93, static_cast<uint64_t>(m), share));
        f.push_back(F(94, static_cast<uint64_t>(m), share * 2 + cap));
        }
      }
      if (cover_len[i] > 0 && !(kX & 4)) {
        f.push_back(F(95, static_cast<uint64_t>(cover[i].first), static_cast<uint64_t>(cover[i].second)));
        f.push_back(F(96, static_cast<uint64_t>(cover[i].first), std::min<uint64_t>(cover_len[i], 3) * 2 + cap));
      }
      if (cap) {
        auto it = inside.find(toks[i].form);
        if (it != inside.end() && !(kX & 8)) {
          // Leave out the name this token is part of.
          auto votes = it->second;
          if (own != 0) {
            size_t b = i, e = i + 1;
            if (own % 2 == 0) {
              while (b > 0 && tags[b] != 0 && tags[b] % 2 == 0) --b;
            }
            while (e < n && tags[e] == tags[b] + 1) ++e;
            if (e - b >= 2) {
              int pos = i == b ? 0 : i + 1 == e ? 1 : 2;
              votes[static_cast<size_t>(3 * ClassOf(own) + pos)]--;
            }
          }
          int best = -1;
          for (size_t k = 0; k < votes.size(); ++k) {
            if (votes[k] > 0 && (best < 0 || votes[k] > votes[static_cast<size_t>(best)])) best = static_cast<int>(k);
          }
          if (best >= 0) f.push_back(F(97, static_cast<uint64_t>(best), static_cast<uint64_t>(own != 0)));
        }
      }
    }
  }
  return out;
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
  size_t size = 0;  // weights in the table

  void Finalize() {
    size = weights.size();
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
std::vector<int> Viterbi(const nlp::Sentence& s, const SentenceFeatures& sf, uint32_t set, const ScoreFn& score,
                         const std::vector<int>* keep_spans = nullptr) {
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
    if (keep_spans != nullptr) {
      // Only the class may change: O stays O, B stays B, I stays I.
      int k = (*keep_spans)[i];
      for (int t = 0; t < kNerTags; ++t) {
        bool same_kind = k == 0 ? t == 0 : t != 0 && (t % 2) == (k % 2);
        if (!same_kind) emit[static_cast<size_t>(t)] = -1e29f;
      }
    }
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

NerTagger::NerTagger() : impl_(std::make_unique<Impl>()), second_(std::make_unique<Impl>()) {}
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

void NerTagger::Train(const std::vector<Example>& data, int epochs, uint64_t seed) {
  TrainInto(data, nullptr, epochs, seed, impl_.get());
}

void NerTagger::TrainDocumentPass(const std::vector<Example>& data, int epochs, uint64_t seed) {
  // Documents are runs of consecutive examples with the same id.
  DocFeatures doc;
  doc.reserve(data.size());
  for (size_t b = 0; b < data.size();) {
    size_t e = b + 1;
    while (e < data.size() && data[e].document == data[b].document) ++e;
    std::vector<nlp::Sentence> sents;
    std::vector<std::vector<int>> first;
    for (size_t k = b; k < e; ++k) {
      sents.push_back(data[k].sentence);
      first.push_back(data[k].first_pass.size() == data[k].tags.size() ? data[k].first_pass
                                                                      : std::vector<int>(data[k].tags.size(), 0));
    }
    for (auto& f : DocumentFeatures(sents, first)) doc.push_back(std::move(f));
    b = e;
  }
  auto second = std::make_unique<Impl>();
  TrainInto(data, &doc, epochs, seed, second.get());
  second_ = std::move(second);
}

bool NerTagger::has_document_pass() const { return second_->size > 0; }

std::vector<std::vector<int>> NerTagger::TagDocument(const std::vector<nlp::Sentence>& sentences) const {
  std::vector<std::vector<int>> first;
  first.reserve(sentences.size());
  for (const auto& s : sentences) first.push_back(Tag(s));
  if (!has_document_pass()) return first;
  auto doc = DocumentFeatures(sentences, first);
  std::vector<std::vector<int>> out;
  out.reserve(sentences.size());
  for (size_t k = 0; k < sentences.size(); ++k) {
    if (sentences[k].tokens.empty()) {
      out.emplace_back();
      continue;
    }
    SentenceFeatures sf = Prepare(sentences[k], gazetteer_, cluster_ids_, feature_set_);
    sf.doc = &doc[k];
    out.push_back(Viterbi(sentences[k], sf, feature_set_, [this](const std::vector<uint64_t>& f, Scores* sc) { second_->Add(f, sc); },
                          std::getenv("KG_Z") ? &first[k] : nullptr));
    if (std::getenv("KG_Y")) {  // EXPERIMENT: keep first-pass names the second pass dropped whole
      auto& t2 = out.back();
      const auto& t1 = first[k];
      for (size_t i = 0; i < t1.size();) {
        if (t1[i] == 0 || t1[i] % 2 == 0) { ++i; continue; }
        size_t j = i + 1;
        while (j < t1.size() && t1[j] == t1[i] + 1) ++j;
        bool all_o = true;
        for (size_t q = i; q < j; ++q) all_o = all_o && t2[q] == 0;
        bool next_ok = j == t1.size() || t2[j] == 0 || t2[j] % 2 == 1;
        if (all_o && next_ok) for (size_t q = i; q < j; ++q) t2[q] = t1[q];
        i = j;
      }
    }
  }
  return out;
}

void NerTagger::TrainInto(const std::vector<Example>& data, const DocFeatures* doc, int epochs, uint64_t seed,
                          Impl* target) const {
  // Structured averaged perceptron: decode each sentence with Viterbi and,
  // when the best sequence differs from the gold one, move weight from the
  // predicted sequence's features to the gold sequence's.
  using W = Impl::W;
  struct Acc {
    W w{}, total{};
    std::array<int64_t, kNerTags> stamp{};
  };
  std::unordered_map<uint64_t, Acc> acc;
  int64_t step = 1;
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
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
  for (size_t k = 0; k < data.size(); ++k) {
    prepared.push_back(Prepare(data[k].sentence, gazetteer_, cluster_ids_, feature_set_));
    if (doc != nullptr) prepared.back().doc = &(*doc)[k];
  }
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
  target->weights.clear();
  for (auto& [f, a] : acc) {
    W avg{};
    bool any = false;
    for (int t = 0; t < kNerTags; ++t) {
      auto ti = static_cast<size_t>(t);
      float total = a.total[ti] + static_cast<float>(step - a.stamp[ti]) * a.w[ti];
      avg[ti] = total / static_cast<float>(step);
      if (std::abs(avg[ti]) > 1e-3f) any = true;
    }
    if (any) target->weights.emplace(f, avg);
  }
  target->Finalize();
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
  // Weight tables sorted by feature for a deterministic file: the first
  // pass, then the document pass (0 weights when the model has none).
  for (const Impl* impl : {impl_.get(), second_.get()}) {
    std::vector<std::pair<uint64_t, Impl::W>> w;
    for (size_t i = 0; i < impl->keys.size(); ++i) {
      if (impl->keys[i] != 0) w.emplace_back(impl->keys[i], impl->values[i]);
    }
    std::sort(w.begin(), w.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    put32(static_cast<uint32_t>(w.size()));
    put32(kNerTags);
    for (const auto& [f, ws] : w) {
      out.write(reinterpret_cast<const char*>(&f), 8);
      out.write(reinterpret_cast<const char*>(ws.data()), sizeof(float) * kNerTags);
    }
  }
  if (!out) return Status::IoError("write failed: " + path);
  return Status::Ok();
}

Result<std::unique_ptr<NerTagger>> NerTagger::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open NER model " + path);
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "KGNER", 5) != 0) {
    return Status::Corruption(path + ": not a kg NER model (bad magic)");
  }
  const int version = std::memcmp(magic, kMagic, 8) == 0     ? 4
                      : std::memcmp(magic, kMagicV3, 8) == 0 ? 3
                      : std::memcmp(magic, kMagicV2, 8) == 0 ? 2
                                                             : 0;
  if (version == 0) {
    return Status::Corruption(path + ": NER model format " + std::string(magic + 5, 3) +
                              ", this build reads 002 to 004 (retrain with models/train_ner.sh)");
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
  if (version >= 3) {
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
  for (Impl* impl : {t->impl_.get(), t->second_.get()}) {
    if (impl == t->second_.get() && version < 4) break;
    uint32_t nw = 0, ntags = 0;
    if (!get32(&nw) || !get32(&ntags) || ntags != kNerTags || nw > 100'000'000) {
      return Status::Corruption(path + ": bad weight table header");
    }
    impl->weights.reserve(nw);
    for (uint32_t i = 0; i < nw; ++i) {
      uint64_t f = 0;
      Impl::W ws;
      if (!in.read(reinterpret_cast<char*>(&f), 8) ||
          !in.read(reinterpret_cast<char*>(ws.data()), sizeof(float) * kNerTags)) {
        return Status::Corruption(path + ": truncated weights");
      }
      impl->weights.emplace(f, ws);
    }
    impl->Finalize();
  }
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
    const auto& tags = (*all_tags)[si];
    for (size_t i = 0; i < tags.size();) {
      if (tags[i] == 0 || tags[i] % 2 == 0) {
        ++i;
        continue;
      }
      size_t j = i + 1;
      while (j < tags.size() && tags[j] == tags[i] + 1) ++j;
      if (j - i <= 4) {
        std::string key;
        for (size_t q = i; q < j; ++q) key += (q > i ? " " : "") + s.tokens[q].form;
        name_classes[key][static_cast<size_t>((tags[i] - 1) / 2)]++;
        if (i > 0 && j - i == 1) mid_sentence_names.insert(key);
        // A person's surname alone names the person too ("Jobs").
        if (tags[i] == 1 && j - i >= 2 && IsCap(s.tokens[j - 1].form)) name_classes[s.tokens[j - 1].form][0]++;
      }
      i = j;
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
