#include "extract/nlp/lemmatizer.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "extract/nlp/hash.h"
#include "extract/nlp/text_util.h"

namespace kg::nlp {
namespace {

constexpr int kMaxSuffix = 6;
enum : uint32_t { kExact = 1, kExactLower = 2, kRule = 3 };

void SaveMap(ModelWriter& w, const std::unordered_map<uint64_t, uint32_t>& m) {
  std::vector<std::pair<uint64_t, uint32_t>> v(m.begin(), m.end());
  std::sort(v.begin(), v.end());
  w.Put<uint64_t>(v.size());
  for (auto& [k, x] : v) {
    w.Put(k);
    w.Put(x);
  }
}

bool LoadMap(ModelReader& r, std::unordered_map<uint64_t, uint32_t>* m, size_t limit) {
  uint64_t n;
  if (!r.Get(&n) || n > r.remaining() / 12) return false;
  m->reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t k;
    uint32_t x;
    if (!r.Get(&k) || !r.Get(&x) || x >= limit) return false;
    (*m)[k] = x;
  }
  return true;
}

}  // namespace

std::string Lemmatizer::Lemma(const std::string& form, const std::string& xpos) const {
  const uint64_t hx = HashStr(xpos);
  if (const uint32_t* s = exact_index_.Find(Feat(kExact, HashStr(form), hx))) return std::string(String(*s));
  const std::string low = Lower(form);
  if (const uint32_t* s = exact_index_.Find(Feat(kExactLower, HashStr(low), hx)))
    return std::string(String(*s));
  for (int k = kMaxSuffix; k >= 0; --k) {
    const std::string_view suf = SuffixCp(low, k);
    if (k > 0 && static_cast<int>(suf.size()) < k) continue;
    const uint32_t* r = rules_index_.Find(Feat(kRule, hx, HashStr(suf)));
    if (r == nullptr) continue;
    const Rule& rule = rule_list_[*r];
    const std::string& base = rule.lower ? low : form;
    if (rule.strip >= base.size()) break;
    std::string lemma(base, 0, base.size() - rule.strip);
    lemma += String(rule.append);
    return lemma;
  }
  return form;
}

void Lemmatizer::Lemmatize(Sentence& s) const {
  for (Token& t : s.tokens) t.lemma = Lemma(t.form, t.xpos);
}

void Lemmatizer::Save(ModelWriter& w) const {
  w.PutStrings(strings_);
  SaveMap(w, exact_);
  SaveMap(w, rules_);
  w.Put<uint64_t>(rule_list_.size());
  for (const Rule& r : rule_list_) {
    w.Put(r.lower);
    w.Put(r.strip);
    w.Put(r.append);
  }
}

bool Lemmatizer::Load(ModelReader& r) {
  uint64_t n;
  if (!r.GetStrings(&strings_) || !LoadMap(r, &exact_, strings_.size())) return false;
  std::unordered_map<uint64_t, uint32_t> rules;
  if (!LoadMap(r, &rules, UINT32_MAX) || !r.Get(&n) || n > r.remaining() / 6) return false;
  rule_list_.resize(n);
  for (Rule& x : rule_list_)
    if (!r.Get(&x.lower) || !r.Get(&x.strip) || !r.Get(&x.append) || x.append >= strings_.size())
      return false;
  for (auto& [k, v] : rules)
    if (v >= rule_list_.size()) return false;
  rules_ = std::move(rules);
  BuildIndex();
  return true;
}

void Lemmatizer::BuildIndex() {
  exact_index_ = FlatMap64<uint32_t>(exact_);
  rules_index_ = FlatMap64<uint32_t>(rules_);
  size_t total = 0;
  for (const std::string& x : strings_) total += x.size();
  chars_.clear();
  chars_.reserve(total);
  starts_.assign(1, 0);
  starts_.reserve(strings_.size() + 1);
  for (const std::string& x : strings_) {
    chars_.insert(chars_.end(), x.begin(), x.end());
    starts_.push_back(static_cast<uint32_t>(chars_.size()));
  }
}

std::unique_ptr<Lemmatizer> Lemmatizer::Train(const std::vector<const Sentence*>& train,
                                              const std::string& wordnet_dir, std::string* log) {
  auto lm = std::make_unique<Lemmatizer>();
  std::map<std::string, uint32_t> index;
  auto intern = [&](const std::string& s) {
    auto it = index.find(s);
    if (it != index.end()) return it->second;
    const auto id = static_cast<uint32_t>(lm->strings_.size());
    lm->strings_.push_back(s);
    index.emplace(s, id);
    return id;
  };
  // Exact tables: most frequent lemma per (form, xpos) and (lower form, xpos).
  std::map<std::pair<std::string, std::string>, std::map<std::string, int>> exact, exact_low;
  // Rule counts: (xpos, suffix) -> (lower, strip, append) -> count.
  std::map<std::pair<std::string, std::string>, std::map<std::tuple<int, int, std::string>, int>>
      rules;
  for (const Sentence* s : train)
    for (const Token& t : s->tokens) {
      if (t.lemma.empty() || t.lemma == "_") continue;
      exact[{t.form, t.xpos}][t.lemma]++;
      const std::string low = Lower(t.form);
      exact_low[{low, t.xpos}][t.lemma]++;
      // Edit from form (or its lower-case) to lemma.
      for (int lower = 0; lower < 2; ++lower) {
        const std::string& base = lower ? low : t.form;
        size_t p = 0;
        while (p < base.size() && p < t.lemma.size() && base[p] == t.lemma[p]) ++p;
        if (p == 0 && !base.empty()) continue;  // no shared prefix: not a suffix edit
        if (lower == 1 && low == t.form) continue;  // same as lower == 0
        const int strip = static_cast<int>(base.size() - p);
        if (strip > 255) continue;
        const std::string append = t.lemma.substr(p);
        for (int k = 0; k <= kMaxSuffix; ++k) {
          const std::string_view suf = SuffixCp(low, k);
          if (k > 0 && static_cast<int>(suf.size()) < k) break;
          rules[{t.xpos, std::string(suf)}][{lower, strip, append}]++;
        }
        break;  // prefer the case-preserving edit when it works
      }
    }
  auto majority = [](const std::map<std::string, int>& m) {
    std::string best;
    int bc = -1;
    for (const auto& [s, k] : m)
      if (k > bc) bc = k, best = s;
    return best;
  };
  for (const auto& [key, m] : exact)
    lm->exact_[Feat(kExact, HashStr(key.first), HashStr(key.second))] = intern(majority(m));
  for (const auto& [key, m] : exact_low)
    lm->exact_[Feat(kExactLower, HashStr(key.first), HashStr(key.second))] = intern(majority(m));
  // WordNet irregular forms, for Penn tags that inflect, where the treebank is silent.
  size_t wn = 0;
  if (!wordnet_dir.empty()) {
    const std::vector<std::pair<std::string, std::vector<std::string>>> files = {
        {"verb.exc", {"VBD", "VBN", "VBZ", "VBG", "VBP"}},
        {"noun.exc", {"NNS"}},
        {"adj.exc", {"JJR", "JJS"}},
        {"adv.exc", {"RBR", "RBS"}}};
    for (const auto& [file, tags] : files) {
      std::ifstream in(wordnet_dir + "/" + file);
      std::string line;
      while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string form, lemma;
        if (!(ls >> form >> lemma)) continue;
        if (form.find('_') != std::string::npos || lemma.find('_') != std::string::npos) continue;
        for (const auto& tag : tags) {
          const uint64_t k = Feat(kExactLower, HashStr(form), HashStr(tag));
          if (lm->exact_.count(k)) continue;
          lm->exact_[k] = intern(lemma);
          ++wn;
        }
      }
    }
  }
  // Rules with support >= 2 (suffix length 0 always kept as the fallback).
  std::map<std::tuple<int, int, std::string>, uint32_t> rule_ids;
  for (const auto& [key, m] : rules) {
    int total = 0, best = -1;
    std::tuple<int, int, std::string> arg;
    for (const auto& [r, k] : m) {
      total += k;
      if (k > best) best = k, arg = r;
    }
    if (!key.second.empty() && total < 2) continue;
    auto it = rule_ids.find(arg);
    if (it == rule_ids.end()) {
      it = rule_ids.emplace(arg, static_cast<uint32_t>(lm->rule_list_.size())).first;
      lm->rule_list_.push_back(Rule{static_cast<uint8_t>(std::get<0>(arg)),
                                    static_cast<uint8_t>(std::get<1>(arg)),
                                    intern(std::get<2>(arg))});
    }
    lm->rules_[Feat(kRule, HashStr(key.first), HashStr(key.second))] = it->second;
  }
  if (log)
    *log += "lemmatizer: " + std::to_string(lm->exact_.size()) + " exact entries (" +
            std::to_string(wn) + " from WordNet), " + std::to_string(lm->rules_.size()) +
            " suffix rules\n";
  lm->BuildIndex();
  return lm;
}

}  // namespace kg::nlp
