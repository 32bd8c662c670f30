// The CaRB scorer, re-implemented from ../shared/data/carb/SCORING.md
// (default mode, tabbed predictions). Header-only so the quality tests can
// score in memory; kg-carb-score is the command-line front end.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace kg::bench::carb {

struct CarbScore {
  double auc = 0, precision = 0, recall = 0, f1 = 0;
};

namespace detail {

using Tokens = std::vector<std::string>;
struct Tuple {
  Tokens rel;
  std::vector<Tokens> args;
  double conf = 1.0;
};

inline std::string Strip(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}
inline std::vector<std::string> SplitTab(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t t = s.find('\t', start);
    out.push_back(s.substr(start, t == std::string::npos ? std::string::npos : t - start));
    if (t == std::string::npos) break;
    start = t + 1;
  }
  return out;
}
inline Tokens Words(const std::string& s) {
  Tokens out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}
inline std::string Key(std::string s) {
  std::string out;
  for (const char* from : {"-LRB-", "-RRB-", "-LSB-", "-RSB-", "-LCB-", "-RCB-"}) {
    const char* to = std::string(from) == "-LRB-" ? "(" : std::string(from) == "-RRB-" ? ")" : std::string(from) == "-LSB-" ? "[" : std::string(from) == "-RSB-" ? "]" : std::string(from) == "-LCB-" ? "{" : "}";
    size_t p;
    while ((p = s.find(from)) != std::string::npos) s.replace(p, 5, to);
  }
  for (char c : s) {
    if (c == ' ') continue;
    if (std::ispunct(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 128) continue;
    out.push_back(c);
  }
  return out;
}

// Arguments binarised: [arg1, join(arg2..argN)] when >= 2 args.
inline std::vector<Tokens> Binarize(const std::vector<Tokens>& args) {
  if (args.size() < 2) return args;
  std::vector<Tokens> out{args[0], {}};
  for (size_t i = 1; i < args.size(); ++i) out[1].insert(out[1].end(), args[i].begin(), args[i].end());
  return out;
}

inline int Overlap(const Tokens& gold, Tokens pred) {
  int m = 0;
  for (const auto& g : gold) {
    auto it = std::find(pred.begin(), pred.end(), g);
    if (it != pred.end()) {
      ++m;
      pred.erase(it);
    }
  }
  return m;
}

inline std::pair<double, double> ScoreOne(const Tuple& g, const Tuple& p_in, const std::vector<Tokens>& pargs) {
  const auto gargs = Binarize(g.args);
  // Relation.
  Tokens prel = p_in.rel;
  int m_rel = 0;
  for (const auto& w : g.rel) {
    auto it = std::find(prel.begin(), prel.end(), w);
    if (it != prel.end()) {
      ++m_rel;
      prel.erase(it);
    }
  }
  if (std::find(prel.begin(), prel.end(), "be") != prel.end()) {
    static const std::set<std::string> kBe = {"be", "is", "am", "are", "was", "were", "been", "being"};
    for (const auto& w : g.rel) {
      if (kBe.count(w)) {
        ++m_rel;
        break;
      }
    }
  }
  if (m_rel == 0) return {0, 0};
  double pn = m_rel, rn = m_rel, pd = static_cast<double>(p_in.rel.size()), rd = static_cast<double>(g.rel.size());
  for (size_t i = 0; i < gargs.size(); ++i) {
    rd += static_cast<double>(gargs[i].size());
    if (i >= pargs.size()) return {0, 0};
    pd += static_cast<double>(pargs[i].size());
    int m = Overlap(gargs[i], pargs[i]);
    pn += m;
    rn += m;
  }
  return {pd > 0 ? pn / pd : 0, rd > 0 ? rn / rd : 0};
}

inline std::pair<double, double> Score(const Tuple& g, const Tuple& p, const std::string& grel_str) {
  auto best = ScoreOne(g, p, Binarize(p.args));
  bool said = false;
  for (const char* w : {"said", "told", "added", "adds", "says"}) said = said || grel_str.find(w) != std::string::npos;
  if (said && p.args.size() >= 2) {
    Tokens subj;
    for (size_t i = 1; i < p.args.size(); ++i) subj.insert(subj.end(), p.args[i].begin(), p.args[i].end());
    std::vector<Tokens> swapped{subj, p.args[0]};
    auto alt = ScoreOne(g, p, swapped);
    if (alt.first > best.first || (alt.first == best.first && alt.second > best.second)) best = alt;
  }
  return best;
}

}  // namespace detail


// Scores tabbed predictions against CaRB gold (sentence TAB relation TAB args).
inline CarbScore ScoreCarb(std::istream& gold_in, std::istream& pred_in) {
  using namespace detail;
  std::map<std::string, std::vector<std::pair<Tuple, std::string>>> gold;
  std::vector<std::string> gold_order;
  {
    std::istream& in = gold_in;
    std::string line;
    std::map<std::string, std::vector<std::pair<Tuple, std::string>>> gold_raw;
    std::vector<std::string> gold_raw_order;
    while (std::getline(in, line)) {
      auto f = SplitTab(line);
      if (f.size() < 3) continue;
      for (auto& x : f) x = Strip(x);
      Tuple t;
      t.rel = Words(f[1]);
      for (size_t i = 2; i < f.size(); ++i) {
        if (f[i].find("C: ") != std::string::npos) continue;
        t.args.push_back(Words(f[i]));
      }
      if (!gold_raw.count(f[0])) gold_raw_order.push_back(f[0]);
      gold_raw[f[0]].emplace_back(t, f[1]);
    }
    // Keyed by the normalised sentence; a later sentence with the same key
    // replaces an earlier one (as the reference scorer's dictionary does).
    for (const auto& raw : gold_raw_order) {
      std::string k = Key(raw);
      if (!gold.count(k)) gold_order.push_back(k);
      gold[k] = gold_raw[raw];
    }
  }
  std::map<std::string, std::vector<Tuple>> pred;
  std::vector<double> confs;
  {
    std::istream& in = pred_in;
    std::string line;
    // Grouped by the sentence as written; then keyed by the normalised
    // sentence, where a later group replaces an earlier one with the same key.
    std::map<std::string, std::vector<Tuple>> by_raw;
    std::vector<std::string> raw_order;
    std::map<std::string, std::vector<Tuple>> groups;
    while (std::getline(in, line)) {
      std::string s = Strip(line);
      if (s.empty()) continue;
      auto f = SplitTab(s);
      if (f.size() < 3) continue;
      Tuple t;
      t.conf = std::atof(f[1].c_str());
      t.rel = Words(f[2]);
      for (size_t i = 3; i < f.size(); ++i) t.args.push_back(Words(f[i]));
      confs.push_back(t.conf);
      if (!by_raw.count(f[0])) raw_order.push_back(f[0]);
      by_raw[f[0]].push_back(t);
    }
    for (const auto& raw : raw_order) groups[Key(raw)] = by_raw[raw];
    pred = std::move(groups);
  }
  std::sort(confs.begin(), confs.end());
  confs.erase(std::unique(confs.begin(), confs.end()), confs.end());
  // Precompute score matrices per gold sentence.
  struct SentScores {
    std::vector<std::vector<std::pair<double, double>>> m;  // [gold][pred]
    std::vector<double> pconf;
  };
  std::vector<SentScores> all;
  for (const auto& k : gold_order) {
    SentScores ss;
    const auto& gs = gold[k];
    auto it = pred.find(k);
    const std::vector<Tuple> empty;
    const auto& ps = it == pred.end() ? empty : it->second;
    for (const auto& p : ps) ss.pconf.push_back(p.conf);
    for (const auto& [g, grel] : gs) {
      std::vector<std::pair<double, double>> row;
      for (const auto& p : ps) row.push_back(Score(g, p, grel));
      ss.m.push_back(std::move(row));
    }
    all.push_back(std::move(ss));
  }
  std::vector<std::pair<double, double>> pr;  // (P, R) per threshold
  for (double t : confs) {
    double pnum = 0, pden = 0, rnum = 0, rden = 0;
    for (const auto& ss : all) {
      std::vector<size_t> active;
      for (size_t j = 0; j < ss.pconf.size(); ++j) if (ss.pconf[j] >= t) active.push_back(j);
      const size_t g = ss.m.size();
      rden += static_cast<double>(g);
      pden += static_cast<double>(active.size());
      for (size_t i = 0; i < g; ++i) {
        double best = 0;
        for (size_t j : active) best = std::max(best, ss.m[i][j].second);
        rnum += best;
        if (std::getenv("CARB_DEBUG") && t == confs.front() && best < 0.999) std::cerr << "low recall gold " << i << " of " << g << " in sentence " << (&ss - &all[0]) << " best " << best << "\n";
      }
      std::vector<bool> gu(g, false), pu(active.size(), false);
      for (size_t round = 0; round < std::min(g, active.size()); ++round) {
        double best = -1;
        size_t bi = 0, bj = 0;
        for (size_t i = 0; i < g; ++i) {
          if (gu[i]) continue;
          for (size_t jj = 0; jj < active.size(); ++jj) {
            if (pu[jj]) continue;
            double v = ss.m[i][active[jj]].first;
            if (v > best) {
              best = v;
              bi = i;
              bj = jj;
            }
          }
        }
        gu[bi] = true;
        pu[bj] = true;
        pnum += best;
      }
    }
    double P = pden > 0 ? pnum / pden : 1.0, R = rden > 0 ? rnum / rden : 0.0;
    pr.emplace_back(P, R);
  }
  CarbScore result;
  if (pr.empty()) return result;
  double bestf = -1, bp = 0, br = 0;
  for (auto [P, R] : pr) {
    double f = P + R > 0 ? 2 * P * R / (P + R) : 0;
    if (f > bestf) {
      bestf = f;
      bp = P;
      br = R;
    }
  }
  double auc = 0;
  for (size_t k = 0; k < pr.size(); ++k) {
    double Rk = pr[k].second, Pk = pr[k].first;
    double Rn = k + 1 < pr.size() ? pr[k + 1].second : 0.0, Pn = k + 1 < pr.size() ? pr[k + 1].first : 1.0;
    auc += (Rk - Rn) * (Pk + Pn) / 2;
  }
  result.auc = auc;
  result.precision = bp;
  result.recall = br;
  result.f1 = bestf;
  return result;
}

}  // namespace kg::bench::carb
