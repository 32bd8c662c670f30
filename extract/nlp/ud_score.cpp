#include "extract/nlp/ud_score.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace kg::nlp {
namespace {

struct Word {
  std::string form, lemma, upos, xpos, feats, deprel, deprel_full;
  int head = 0;         // 0 root, else 1-based in sentence
  int parent = -1;      // global index of parent word, -1 root
  size_t start = 0, end = 0;  // char span (MWT words: the token's span)
  bool multiword = false;
};

struct Span {
  size_t start, end;
};

struct Treebank {
  std::vector<Word> words;
  std::vector<Span> tokens, sentences;
  std::string chars;
};

const std::set<std::string> kUniversalFeatures = {
    "PronType", "NumType", "Poss", "Reflex", "Foreign", "Abbr", "Gender", "Animacy", "Number",
    "Case", "Definite", "Degree", "VerbForm", "Mood", "Tense", "Aspect", "Voice", "Evident",
    "Polarity", "Person", "Polite"};

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream is(s);
  while (std::getline(is, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

std::string StripSpace(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out += c;
  return out;
}

std::string UniversalFeats(const std::string& feats) {
  if (feats == "_" || feats.empty()) return "";
  std::vector<std::string> keep;
  for (const auto& f : Split(feats, '|')) {
    const auto eq = f.find('=');
    if (kUniversalFeatures.count(f.substr(0, eq))) keep.push_back(f);
  }
  std::sort(keep.begin(), keep.end());
  std::string out;
  for (const auto& f : keep) out += (out.empty() ? "" : "|") + f;
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

bool Load(std::string_view content, const std::string& path, Treebank* tb, std::string* err) {
  std::istringstream in{std::string(content)};
  std::string line;
  size_t line_no = 0;
  size_t sent_start_word = 0, sent_start_char = 0;
  int mwt_end = 0;
  bool in_sentence = false;
  auto finish = [&]() {
    if (!in_sentence) return true;
    for (size_t i = sent_start_word; i < tb->words.size(); ++i) {
      Word& w = tb->words[i];
      if (w.head > static_cast<int>(tb->words.size() - sent_start_word)) {
        *err = path + ": head out of range";
        return false;
      }
      w.parent = w.head == 0 ? -1 : static_cast<int>(sent_start_word + w.head - 1);
    }
    tb->sentences.push_back({sent_start_char, tb->chars.size()});
    in_sentence = false;
    mwt_end = 0;
    return true;
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!finish()) return false;
      continue;
    }
    if (line[0] == '#') continue;
    auto cols = Split(line, '\t');
    if (cols.size() != 10) {
      *err = path + ":" + std::to_string(line_no) + ": expected 10 columns";
      return false;
    }
    if (!in_sentence) {
      in_sentence = true;
      sent_start_word = tb->words.size();
      sent_start_char = tb->chars.size();
    }
    if (cols[0].find('.') != std::string::npos) continue;
    const auto dash = cols[0].find('-');
    if (dash != std::string::npos) {
      const std::string f = StripSpace(cols[1]);
      const size_t s = tb->chars.size();
      tb->chars += f;
      tb->tokens.push_back({s, tb->chars.size()});
      mwt_end = std::stoi(cols[0].substr(dash + 1));
      continue;
    }
    Word w;
    const int id = std::stoi(cols[0]);
    w.form = cols[1];
    w.lemma = cols[2];
    w.upos = cols[3];
    w.xpos = cols[4];
    w.feats = UniversalFeats(cols[5]);
    w.deprel_full = cols[7];
    w.deprel = cols[7].substr(0, cols[7].find(':'));
    try {
      w.head = cols[6] == "_" ? 0 : std::stoi(cols[6]);
    } catch (...) {
      *err = path + ":" + std::to_string(line_no) + ": bad head";
      return false;
    }
    if (id <= mwt_end) {
      w.multiword = true;
      w.start = tb->tokens.back().start;
      w.end = tb->tokens.back().end;
    } else {
      const std::string f = StripSpace(cols[1]);
      w.start = tb->chars.size();
      tb->chars += f;
      w.end = tb->chars.size();
      tb->tokens.push_back({w.start, w.end});
    }
    tb->words.push_back(std::move(w));
  }
  return finish();
}

struct Alignment {
  std::vector<std::pair<int, int>> pairs;  // (gold, system)
  std::vector<int> sys_to_gold;
};

bool BeyondEnd(const std::vector<Word>& w, size_t i, size_t end) {
  if (i >= w.size()) return true;
  if (w[i].multiword) return w[i].start >= end;
  return w[i].end > end;
}

size_t ExtendEnd(const Word& w, size_t end) {
  return (w.multiword && w.end > end) ? w.end : end;
}

Alignment Align(const std::vector<Word>& g, const std::vector<Word>& s) {
  Alignment a;
  a.sys_to_gold.assign(s.size(), -1);
  size_t gi = 0, si = 0;
  auto add = [&](size_t x, size_t y) {
    a.pairs.emplace_back(static_cast<int>(x), static_cast<int>(y));
    a.sys_to_gold[y] = static_cast<int>(x);
  };
  while (gi < g.size() && si < s.size()) {
    if (g[gi].multiword || s[si].multiword) {
      size_t end;
      if (g[gi].multiword) {
        end = g[gi].end;
        if (!s[si].multiword && s[si].start < g[gi].start) ++si;
      } else {
        end = s[si].end;
        if (!g[gi].multiword && g[gi].start < s[si].start) ++gi;
      }
      const size_t gs = gi, ss = si;
      while (!BeyondEnd(g, gi, end) || !BeyondEnd(s, si, end)) {
        if (gi < g.size() && (si >= s.size() || g[gi].start <= s[si].start)) {
          end = ExtendEnd(g[gi], end);
          ++gi;
        } else {
          end = ExtendEnd(s[si], end);
          ++si;
        }
      }
      if (si > ss && gi > gs) {
        const size_t G = gi - gs, S = si - ss;
        std::vector<std::vector<int>> lcs(G, std::vector<int>(S, 0));
        for (size_t x = G; x-- > 0;)
          for (size_t y = S; y-- > 0;) {
            if (Lower(g[gs + x].form) == Lower(s[ss + y].form))
              lcs[x][y] = 1 + ((x + 1 < G && y + 1 < S) ? lcs[x + 1][y + 1] : 0);
            lcs[x][y] = std::max(lcs[x][y], x + 1 < G ? lcs[x + 1][y] : 0);
            lcs[x][y] = std::max(lcs[x][y], y + 1 < S ? lcs[x][y + 1] : 0);
          }
        size_t x = 0, y = 0;
        while (x < G && y < S) {
          if (Lower(g[gs + x].form) == Lower(s[ss + y].form)) {
            add(gs + x, ss + y);
            ++x;
            ++y;
          } else if (lcs[x][y] == (x + 1 < G ? lcs[x + 1][y] : 0)) {
            ++x;
          } else {
            ++y;
          }
        }
      }
    } else {
      if (g[gi].start == s[si].start && g[gi].end == s[si].end) {
        add(gi, si);
        ++gi;
        ++si;
      } else if (g[gi].start <= s[si].start) {
        ++gi;
      } else {
        ++si;
      }
    }
  }
  return a;
}

struct Score {
  double precision, recall, f1, aligned_acc;
};

Score Make(size_t correct, size_t gold, size_t system, size_t aligned) {
  Score r;
  r.precision = system ? static_cast<double>(correct) / system : 0;
  r.recall = gold ? static_cast<double>(correct) / gold : 0;
  r.f1 = (system + gold) ? 2.0 * correct / (system + gold) : 0;
  r.aligned_acc = aligned ? static_cast<double>(correct) / aligned : 0;
  return r;
}

Score SpansScore(const std::vector<Span>& g, const std::vector<Span>& s) {
  size_t correct = 0, gi = 0, si = 0;
  while (gi < g.size() && si < s.size()) {
    if (g[gi].start < s[si].start) {
      ++gi;
    } else if (s[si].start < g[gi].start) {
      ++si;
    } else {
      correct += g[gi].end == s[si].end;
      ++gi;
      ++si;
    }
  }
  return Make(correct, g.size(), s.size(), 0);
}


}  // namespace

const UdScore* FindScore(const std::vector<UdScore>& scores, std::string_view metric) {
  for (const auto& s : scores)
    if (s.metric == metric) return &s;
  return nullptr;
}

bool ScoreConllu(std::string_view gold, std::string_view system, std::vector<UdScore>* out,
                 std::string* error) {
  Treebank g, s;
  std::string err;
  if (!Load(gold, "gold", &g, &err) || !Load(system, "system", &s, &err)) {
    if (error) *error = err;
    return false;
  }
  if (g.chars != s.chars) {
    size_t i = 0;
    while (i < g.chars.size() && i < s.chars.size() && g.chars[i] == s.chars[i]) ++i;
    if (error)
      *error = "the concatenation of tokens in gold file and in system file differ, first "
               "difference at character " + std::to_string(i) + ": gold '" +
               g.chars.substr(i, 20) + "' system '" + s.chars.substr(i, 20) + "'";
    return false;
  }
  const Alignment al = Align(g.words, s.words);
  const size_t ng = g.words.size(), ns = s.words.size(), na = al.pairs.size();
  auto score = [&](auto same) {
    size_t correct = 0;
    for (auto [gi, si] : al.pairs) correct += same(g.words[gi], s.words[si]);
    return Make(correct, ng, ns, na);
  };
  auto head_ok = [&](const Word& gw, const Word& sw) {
    const int mapped = sw.parent < 0 ? -1 : al.sys_to_gold[sw.parent];
    if (sw.parent >= 0 && mapped < 0) return false;
    return gw.parent == mapped;
  };
  std::vector<std::pair<std::string, Score>> rows;
  rows.emplace_back("Tokens", SpansScore(g.tokens, s.tokens));
  rows.emplace_back("Sentences", SpansScore(g.sentences, s.sentences));
  rows.emplace_back("Words", Make(na, ng, ns, na));
  rows.emplace_back("UPOS", score([](const Word& a, const Word& b) { return a.upos == b.upos; }));
  rows.emplace_back("XPOS", score([](const Word& a, const Word& b) { return a.xpos == b.xpos; }));
  rows.emplace_back("UFeats",
                    score([](const Word& a, const Word& b) { return a.feats == b.feats; }));
  rows.emplace_back("AllTags", score([](const Word& a, const Word& b) {
                      return a.upos == b.upos && a.xpos == b.xpos && a.feats == b.feats;
                    }));
  rows.emplace_back("Lemmas", score([](const Word& a, const Word& b) {
                      return a.lemma == "_" || a.lemma == b.lemma;
                    }));
  rows.emplace_back("UAS", score(head_ok));
  rows.emplace_back("LAS", score([&](const Word& a, const Word& b) {
                      return head_ok(a, b) && a.deprel == b.deprel;
                    }));
  rows.emplace_back("LAS-full", score([&](const Word& a, const Word& b) {
                      return head_ok(a, b) && a.deprel_full == b.deprel_full;
                    }));
  out->clear();
  for (const auto& [name, r] : rows)
    out->push_back(UdScore{name, r.precision, r.recall, r.f1, r.aligned_acc});
  return true;
}

}  // namespace kg::nlp
