// kg-train-clusters: word clusters from unlabelled text, for the NER tagger's
// cluster features (models/clusters.tsv, read by kg-train-ner --clusters).
//
//   kg-train-clusters --conllu A.conllu [--conllu B.conllu ...] [--jsonl ARTICLES.jsonl ...]
//                     --out clusters.tsv [--min-count 3] [--contexts 1000] [--depth 8]
//
// Each word form (case kept) seen at least --min-count times gets a context
// vector: the lower-cased word just before and just after each occurrence,
// among the --contexts most frequent lower-cased words (others pooled into
// one "rare" context), weighted by positive pointwise mutual information and
// L2-normalised. The words are then split in two by spherical 2-means
// (cosine), and each half again, --depth times: a word's cluster is its path
// in that binary tree ("01101001"), so prefixes are coarser clusters, as
// with Brown clusters. Deterministic: no randomness, ties broken by word
// order (count, then form). Output lines: PATH TAB WORD TAB COUNT, sorted.
#include <algorithm>
#include <cmath>
#include <cctype>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Word forms of a CoNLL-U file, one vector per sentence (multiword-token
// range lines and empty nodes skipped: the words are what the tagger sees).
void ReadConllu(const std::string& path, std::vector<std::vector<std::string>>* out) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "kg-train-clusters: cannot open " << path << "\n";
    std::exit(1);
  }
  std::string line;
  std::vector<std::string> cur;
  while (std::getline(in, line)) {
    if (line.empty()) {
      if (!cur.empty()) out->push_back(std::move(cur));
      cur.clear();
      continue;
    }
    if (line[0] == '#') continue;
    size_t t1 = line.find('\t');
    if (t1 == std::string::npos) continue;
    std::string id = line.substr(0, t1);
    if (id.find('-') != std::string::npos || id.find('.') != std::string::npos) continue;
    size_t t2 = line.find('\t', t1 + 1);
    cur.push_back(line.substr(t1 + 1, t2 - t1 - 1));
  }
  if (!cur.empty()) out->push_back(std::move(cur));
}

// A plain tokenisation of article text, close enough to kg's tokenizer for
// counting contexts: white space splits, punctuation at either end of a chunk
// is its own token, and "'s" / "n't" are split off.
std::vector<std::string> Tokenize(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string chunk;
  const std::string kPunct = "\"'()[]{},.;:!?";
  while (in >> chunk) {
    std::vector<std::string> tail;
    size_t b = 0, e = chunk.size();
    while (b < e && kPunct.find(chunk[b]) != std::string::npos) out.push_back(std::string(1, chunk[b++]));
    while (e > b && kPunct.find(chunk[e - 1]) != std::string::npos) {
      // Keep the dot of an abbreviation or initial ("U.S.", "Inc."), as kg's tokenizer mostly does.
      if (chunk[e - 1] == '.' && e - b >= 2 && chunk.find('.', b) < e - 1) break;
      if (chunk[e - 1] == '.' && e - b == 2 && std::isupper(static_cast<unsigned char>(chunk[b]))) break;
      tail.push_back(std::string(1, chunk[--e]));
    }
    std::string w = chunk.substr(b, e - b);
    if (w.size() > 2 && (w.compare(w.size() - 2, 2, "'s") == 0 || w.compare(w.size() - 2, 2, "’s") == 0)) {
      out.push_back(w.substr(0, w.size() - 2));
      out.push_back("'s");
    } else if (w.size() > 3 && w.compare(w.size() - 3, 3, "n't") == 0) {
      out.push_back(w.substr(0, w.size() - 3));
      out.push_back("n't");
    } else if (!w.empty()) {
      out.push_back(w);
    }
    for (auto it = tail.rbegin(); it != tail.rend(); ++it) out.push_back(*it);
  }
  return out;
}

void ReadJsonl(const std::string& path, std::vector<std::vector<std::string>>* out) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "kg-train-clusters: cannot open " << path << "\n";
    std::exit(1);
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("text")) continue;
    out->push_back(Tokenize(j["text"].get<std::string>()));
  }
}

using Sparse = std::vector<std::pair<uint32_t, float>>;

void Normalize(std::vector<float>* v) {
  double s = 0;
  for (float x : *v) s += double(x) * x;
  if (s <= 0) return;
  float inv = static_cast<float>(1.0 / std::sqrt(s));
  for (auto& x : *v) x *= inv;
}

float Dot(const Sparse& a, const std::vector<float>& c) {
  float s = 0;
  for (const auto& [k, v] : a) s += v * c[k];
  return s;
}

struct Tree {
  const std::vector<Sparse>& vecs;
  size_t dim;
  int depth;
  std::vector<std::string> path;

  // Spherical 2-means on `idx` (sorted by word order); recurses on each half.
  void Split(const std::vector<uint32_t>& idx, const std::string& prefix) {
    if (static_cast<int>(prefix.size()) >= depth || idx.size() < 2) {
      for (uint32_t i : idx) path[i] = prefix;
      return;
    }
    std::vector<float> ca(dim, 0.0f), cb(dim, 0.0f);
    // Seeds: the most frequent word, and the word least like it.
    uint32_t a = idx[0], b = idx[1];
    {
      std::vector<float> da(dim, 0.0f);
      for (const auto& [k, v] : vecs[a]) da[k] = v;
      float worst = 2.0f;
      for (uint32_t i : idx) {
        if (i == a) continue;
        float d = Dot(vecs[i], da);
        if (d < worst) {
          worst = d;
          b = i;
        }
      }
    }
    for (const auto& [k, v] : vecs[a]) ca[k] = v;
    for (const auto& [k, v] : vecs[b]) cb[k] = v;
    std::vector<char> side(idx.size(), 0);
    for (int iter = 0; iter < 12; ++iter) {
      bool changed = false;
      for (size_t j = 0; j < idx.size(); ++j) {
        char s = Dot(vecs[idx[j]], cb) > Dot(vecs[idx[j]], ca) ? 1 : 0;
        changed = changed || s != side[j];
        side[j] = s;
      }
      if (!changed && iter > 0) break;  // iteration 0 assigns from the seeds
      std::fill(ca.begin(), ca.end(), 0.0f);
      std::fill(cb.begin(), cb.end(), 0.0f);
      for (size_t j = 0; j < idx.size(); ++j) {
        auto& c = side[j] ? cb : ca;
        for (const auto& [k, v] : vecs[idx[j]]) c[k] += v;
      }
      Normalize(&ca);
      Normalize(&cb);
    }
    std::vector<uint32_t> left, right;
    for (size_t j = 0; j < idx.size(); ++j) (side[j] ? right : left).push_back(idx[j]);
    if (left.empty() || right.empty()) {
      for (uint32_t i : idx) path[i] = prefix;
      return;
    }
    Split(left, prefix + "0");
    Split(right, prefix + "1");
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> conllus, jsonls;
  std::string out_path;
  int min_count = 3, contexts = 1000, depth = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--conllu") conllus.push_back(v);
    else if (k == "--jsonl") jsonls.push_back(v);
    else if (k == "--out") out_path = v;
    else if (k == "--min-count") min_count = std::stoi(v);
    else if (k == "--contexts") contexts = std::stoi(v);
    else if (k == "--depth") depth = std::stoi(v);
    else {
      std::cerr << "kg-train-clusters: unknown option " << k << "\n";
      return 2;
    }
  }
  if (out_path.empty() || (conllus.empty() && jsonls.empty())) {
    std::cerr << "usage: kg-train-clusters --conllu A.conllu [--jsonl B.jsonl] --out clusters.tsv "
                 "[--min-count 3] [--contexts 1000] [--depth 8]\n";
    return 2;
  }
  std::vector<std::vector<std::string>> text;
  for (const auto& p : conllus) ReadConllu(p, &text);
  for (const auto& p : jsonls) ReadJsonl(p, &text);
  size_t tokens = 0;
  std::unordered_map<std::string, long> count, lcount;
  for (const auto& s : text) {
    tokens += s.size();
    for (const auto& w : s) {
      count[w]++;
      lcount[Lower(w)]++;
    }
  }
  // Word order: count descending, then form; this order breaks every tie.
  std::vector<std::pair<std::string, long>> words;
  for (const auto& [w, c] : count) {
    if (c >= min_count) words.emplace_back(w, c);
  }
  std::sort(words.begin(), words.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
  std::vector<std::pair<std::string, long>> ctx(lcount.begin(), lcount.end());
  std::sort(ctx.begin(), ctx.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
  if (ctx.size() > static_cast<size_t>(contexts)) ctx.resize(static_cast<size_t>(contexts));
  std::unordered_map<std::string, uint32_t> ctx_id;
  for (size_t i = 0; i < ctx.size(); ++i) ctx_id[ctx[i].first] = static_cast<uint32_t>(i);
  // Context ids: 0..K-1 frequent words, K rare, K+1 sentence boundary; right
  // contexts are offset by K+2.
  const uint32_t K = static_cast<uint32_t>(ctx.size()), half = K + 2;
  std::unordered_map<std::string, uint32_t> word_id;
  for (size_t i = 0; i < words.size(); ++i) word_id[words[i].first] = static_cast<uint32_t>(i);
  std::vector<std::map<uint32_t, float>> raw(words.size());
  std::vector<double> ctx_total(2 * half, 0.0);
  double total = 0;
  auto cid = [&](const std::vector<std::string>& s, long j) -> uint32_t {
    if (j < 0 || j >= static_cast<long>(s.size())) return K + 1;
    auto it = ctx_id.find(Lower(s[static_cast<size_t>(j)]));
    return it == ctx_id.end() ? K : it->second;
  };
  for (const auto& s : text) {
    for (size_t i = 0; i < s.size(); ++i) {
      auto it = word_id.find(s[i]);
      if (it == word_id.end()) continue;
      uint32_t l = cid(s, static_cast<long>(i) - 1), r = half + cid(s, static_cast<long>(i) + 1);
      raw[it->second][l] += 1;
      raw[it->second][r] += 1;
      ctx_total[l] += 1;
      ctx_total[r] += 1;
      total += 2;
    }
  }
  std::vector<Sparse> vecs(words.size());
  for (size_t w = 0; w < words.size(); ++w) {
    double nw = 0;
    for (const auto& [k, v] : raw[w]) nw += v;
    double norm = 0;
    for (const auto& [k, v] : raw[w]) {
      double pmi = std::log(v * total / (nw * ctx_total[k]));
      if (pmi <= 0) continue;
      vecs[w].emplace_back(k, static_cast<float>(pmi));
      norm += pmi * pmi;
    }
    if (norm > 0) {
      for (auto& kv : vecs[w]) kv.second = static_cast<float>(kv.second / std::sqrt(norm));
    }
  }
  Tree tree{vecs, 2 * half, depth, std::vector<std::string>(words.size())};
  std::vector<uint32_t> all(words.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint32_t>(i);
  tree.Split(all, "");
  std::vector<std::tuple<std::string, std::string, long>> rows;
  for (size_t i = 0; i < words.size(); ++i) rows.emplace_back(tree.path[i], words[i].first, words[i].second);
  std::sort(rows.begin(), rows.end());
  std::ofstream out(out_path);
  out << "# kg word clusters: PATH TAB WORD TAB COUNT (kg-train-clusters; see models/README.md)\n";
  for (const auto& [p, w, c] : rows) out << (p.empty() ? "-" : p) << "\t" << w << "\t" << c << "\n";
  if (!out) {
    std::cerr << "kg-train-clusters: cannot write " << out_path << "\n";
    return 1;
  }
  std::cerr << "kg-train-clusters: " << tokens << " tokens, " << words.size() << " words, " << K
            << " contexts, depth " << depth << "\n";
  return 0;
}
