#include "extract/ner.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>

namespace kg::extract {

namespace {

constexpr std::array<std::string_view, kNerTags> kTagNames = {
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-NORP", "I-NORP"};

constexpr char kMagic[8] = {'K', 'G', 'N', 'E', 'R', '0', '0', '1'};

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
  std::vector<uint64_t> word, shape, pos, low;
  std::vector<uint8_t> gaz;
};

SentenceFeatures Prepare(const nlp::Sentence& s, const Gazetteer& gaz) {
  SentenceFeatures f;
  const size_t n = s.tokens.size();
  f.lower.reserve(n);
  for (const auto& t : s.tokens) {
    f.lower.push_back(Lower(t.form));
    f.word.push_back(Hash(t.form));
    f.low.push_back(Hash(f.lower.back()));
    f.shape.push_back(Hash(Shape(t.form)));
    f.pos.push_back(Hash(t.upos));
  }
  f.gaz = gaz.Match(f.lower);
  return f;
}

// Features of token i given the previous two tags.
void Features(const nlp::Sentence& s, const SentenceFeatures& sf, size_t i, int prev, int prev2,
              std::vector<uint64_t>* out) {
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
  out->push_back(F(36, at(sf.pos, li - 1), sf.pos[i]));
  out->push_back(F(37, sf.pos[i], at(sf.pos, li + 1)));
  out->push_back(F(38, at(sf.pos, li - 1)));
  out->push_back(F(39, at(sf.pos, li + 1)));
  out->push_back(F(40, static_cast<uint64_t>(prev)));
  out->push_back(F(41, static_cast<uint64_t>(prev), static_cast<uint64_t>(prev2)));
  out->push_back(F(42, static_cast<uint64_t>(prev), sf.low[i]));
  out->push_back(F(43, static_cast<uint64_t>(prev), sf.shape[i]));
  out->push_back(F(44, i == 0 ? 1 : 0, IsCap(form) ? 1 : 0));
  out->push_back(F(45, at(sf.low, li - 1), sf.low[i]));
  out->push_back(F(46, sf.low[i], at(sf.low, li + 1)));
  // Gazetteer: class bits of the covering phrase, with begin flag and casing.
  uint8_t g = sf.gaz[i];
  if (g != 0) {
    out->push_back(F(50, g));
    out->push_back(F(51, g, IsCap(form) ? 1 : 0));
    out->push_back(F(52, g, static_cast<uint64_t>(prev)));
  }
  uint8_t gp = i > 0 ? sf.gaz[i - 1] : 0, gn = i + 1 < n ? sf.gaz[i + 1] : 0;
  if (gp != 0) out->push_back(F(53, gp));
  if (gn != 0) out->push_back(F(54, gn));
  // Capitalised-run context: is the neighbour capitalised?
  bool cp = i > 0 && IsCap(s.tokens[i - 1].form), cn = i + 1 < n && IsCap(s.tokens[i + 1].form);
  out->push_back(F(55, (cp ? 2 : 0) | (cn ? 1 : 0), IsCap(form) ? 1 : 0));
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
  std::unordered_map<uint64_t, W> weights;

  void Score(const std::vector<uint64_t>& feats, W* scores) const {
    scores->fill(0.0f);
    for (uint64_t f : feats) {
      auto it = weights.find(f);
      if (it == weights.end()) continue;
      for (int t = 0; t < kNerTags; ++t) (*scores)[static_cast<size_t>(t)] += it->second[static_cast<size_t>(t)];
    }
  }
};

NerTagger::NerTagger() : impl_(std::make_unique<Impl>()) {}
NerTagger::~NerTagger() = default;

std::vector<int> NerTagger::Tag(const nlp::Sentence& s) const {
  const size_t n = s.tokens.size();
  std::vector<int> tags(n, 0);
  if (n == 0) return tags;
  SentenceFeatures sf = Prepare(s, gazetteer_);
  std::vector<uint64_t> feats;
  Impl::W scores;
  int prev = 0, prev2 = 0;
  for (size_t i = 0; i < n; ++i) {
    Features(s, sf, i, prev, prev2, &feats);
    impl_->Score(feats, &scores);
    int best = 0;
    float best_score = -1e30f;
    for (int t = 0; t < kNerTags; ++t) {
      if (!Allowed(prev, t)) continue;
      if (scores[static_cast<size_t>(t)] > best_score) {
        best_score = scores[static_cast<size_t>(t)];
        best = t;
      }
    }
    tags[i] = best;
    prev2 = prev;
    prev = best;
  }
  return tags;
}

std::vector<std::string> NerTagger::TagNames(const nlp::Sentence& s) const {
  std::vector<std::string> out;
  for (int t : Tag(s)) out.emplace_back(NerTagName(t));
  return out;
}

void NerTagger::Train(const std::vector<Example>& data, int epochs, uint64_t seed) {
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
  std::vector<SentenceFeatures> prepared;
  prepared.reserve(data.size());
  for (const auto& ex : data) prepared.push_back(Prepare(ex.sentence, gazetteer_));
  for (int epoch = 0; epoch < epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t idx : order) {
      const Example& ex = data[idx];
      const SentenceFeatures& sf = prepared[idx];
      int prev = 0, prev2 = 0;
      for (size_t i = 0; i < ex.sentence.tokens.size(); ++i) {
        Features(ex.sentence, sf, i, prev, prev2, &feats);
        W scores{};
        for (uint64_t f : feats) {
          auto it = acc.find(f);
          if (it == acc.end()) continue;
          for (int t = 0; t < kNerTags; ++t) scores[static_cast<size_t>(t)] += it->second.w[static_cast<size_t>(t)];
        }
        int best = 0;
        float bs = -1e30f;
        for (int t = 0; t < kNerTags; ++t) {
          if (!Allowed(prev, t)) continue;
          if (scores[static_cast<size_t>(t)] > bs) {
            bs = scores[static_cast<size_t>(t)];
            best = t;
          }
        }
        int gold = ex.tags[i];
        if (best != gold) {
          for (uint64_t f : feats) {
            update(f, gold, 1.0f);
            update(f, best, -1.0f);
          }
        }
        ++step;
        prev2 = prev;
        // Train on the predicted history, as at tagging time.
        prev = best;
      }
    }
  }
  impl_->weights.clear();
  for (auto& [f, a] : acc) {
    W avg{};
    bool any = false;
    for (int t = 0; t < kNerTags; ++t) {
      auto ti = static_cast<size_t>(t);
      float total = a.total[ti] + static_cast<float>(step - a.stamp[ti]) * a.w[ti];
      avg[ti] = total / static_cast<float>(step);
      if (std::abs(avg[ti]) > 1e-3f) any = true;
    }
    if (any) impl_->weights.emplace(f, avg);
  }
}

Status NerTagger::Save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary);
  if (!out) return Status::IoError("cannot write " + path);
  out.write(kMagic, sizeof kMagic);
  auto put32 = [&](uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  // Gazetteer, sorted for a deterministic file.
  std::vector<std::pair<std::string, uint8_t>> gaz(gazetteer_.map().begin(), gazetteer_.map().end());
  std::sort(gaz.begin(), gaz.end());
  put32(static_cast<uint32_t>(gaz.size()));
  for (const auto& [p, bits] : gaz) {
    put32(static_cast<uint32_t>(p.size()));
    out.write(p.data(), static_cast<std::streamsize>(p.size()));
    out.put(static_cast<char>(bits));
  }
  std::vector<std::pair<uint64_t, Impl::W>> w(impl_->weights.begin(), impl_->weights.end());
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
  if (!in.read(magic, 8) || std::memcmp(magic, kMagic, 8) != 0) {
    return Status::Corruption(path + ": not a kg NER model (bad magic or version)");
  }
  auto t = std::make_unique<NerTagger>();
  auto get32 = [&](uint32_t* v) { return static_cast<bool>(in.read(reinterpret_cast<char*>(v), 4)); };
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
  return t;
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
