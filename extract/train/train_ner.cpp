// kg-train-ner: trains the NER tagger (models/ner.bin) on UNER English-EWT,
// with gazetteers compiled from Debian data packages (iso-codes, tzdata,
// WordNet), and writes the lexicon of nominalisations (models/lexicon.tsv)
// from WordNet's derivational pointers. Deterministic for a given seed.
//
//   kg-train-ner --uner TRAIN.iob2 [--ud TRAIN.conllu] [--dev DEV.iob2 --ud-dev DEV.conllu]
//                --out models/ner.bin --lexicon models/lexicon.tsv
//                [--iso /usr/share/iso-codes/json] [--zones /usr/share/zoneinfo/zone1970.tab]
//                [--wordnet /usr/share/wordnet] [--epochs 8] [--seed 1]
//                [--runs N]   (train N times, seeds seed..seed+N-1, keep the mean weights)
//                [--features N]   (NerTagger::kFeat* bits; models/train_ner.sh uses 1)
//                [--clusters models/clusters.tsv]   (for kFeatClusters, from kg-train-clusters)
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cctype>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "extract/ner.h"
#include "extract/nlp/pipeline.h"

namespace {

using kg::extract::NerTagger;

bool IsCapStr(const std::string& s) { return !s.empty() && std::isupper(static_cast<unsigned char>(s[0])); }
namespace nlp = kg::nlp;

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

int TagOf(const std::string& t) {
  if (t.size() < 3) return 0;
  std::string cls = t.substr(2);
  int base = cls == "PER" ? 1 : cls == "ORG" ? 3 : cls == "LOC" ? 5 : 0;
  if (base == 0) return 0;
  return t[0] == 'B' ? base : t[0] == 'I' ? base + 1 : 0;
}

// UD UPOS by sent_id (surface tokens, multiword ranges skipped).
std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> ReadUdPos(const std::string& path) {
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> out;
  std::ifstream in(path);
  std::string line, id;
  std::vector<std::pair<std::string, std::string>> cur;
  while (std::getline(in, line)) {
    if (line.rfind("# sent_id = ", 0) == 0) id = line.substr(12);
    else if (line.empty()) {
      if (!id.empty()) out[id] = cur;
      cur.clear();
      id.clear();
    } else if (line[0] != '#') {
      auto f = Split(line, '\t');
      if (f.size() < 5 || f[0].find('-') != std::string::npos || f[0].find('.') != std::string::npos) continue;
      cur.emplace_back(f[1], f[3]);
    }
  }
  if (!id.empty()) out[id] = cur;
  return out;
}

std::vector<NerTagger::Example> ReadIob2(const std::string& path, const std::string& ud_path) {
  auto pos = ud_path.empty() ? decltype(ReadUdPos("")){} : ReadUdPos(ud_path);
  std::vector<NerTagger::Example> out;
  std::ifstream in(path);
  std::string line, id;
  NerTagger::Example ex;
  auto flush = [&]() {
    if (!ex.sentence.tokens.empty()) {
      auto it = pos.find(id);
      if (it != pos.end() && it->second.size() == ex.sentence.tokens.size()) {
        for (size_t i = 0; i < ex.sentence.tokens.size(); ++i) ex.sentence.tokens[i].upos = it->second[i].second;
      }
      out.push_back(std::move(ex));
    }
    ex = NerTagger::Example();
    id.clear();
  };
  while (std::getline(in, line)) {
    if (line.rfind("# sent_id = ", 0) == 0) {
      id = line.substr(12);
      continue;
    }
    if (!line.empty() && line[0] == '#') continue;
    if (line.empty()) {
      flush();
      continue;
    }
    auto f = Split(line, '\t');
    if (f.size() < 3) continue;
    nlp::Token t;
    t.form = f[1];
    ex.sentence.tokens.push_back(t);
    ex.tags.push_back(TagOf(f[2]));
  }
  flush();
  return out;
}

// GUM's Entity= annotations (person/organization/place) as IOB2 over the
// proper-noun words of each mention: the UNER convention (names only, no
// determiners or titles). Nested names inside a tagged name are skipped.
std::vector<NerTagger::Example> ReadGumNer(const std::string& path) {
  std::vector<NerTagger::Example> out;
  std::ifstream in(path);
  std::string line;
  NerTagger::Example ex;
  std::vector<std::tuple<size_t, size_t, int>> spans;  // begin, end (exclusive), class base tag
  std::map<std::string, std::pair<size_t, int>> open;  // id -> (start, base)
  auto base_of = [](const std::string& type) {
    return type == "person" ? 1 : type == "organization" ? 3 : type == "place" ? 5 : 0;
  };
  auto flush = [&]() {
    if (ex.sentence.tokens.empty()) return;
    ex.tags.assign(ex.sentence.tokens.size(), 0);
    std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) {
      return std::get<1>(a) - std::get<0>(a) > std::get<1>(b) - std::get<0>(b);
    });
    for (auto [b, e, base] : spans) {
      if (base == 0) continue;
      while (b < e && ex.sentence.tokens[b].upos != "PROPN") ++b;
      size_t pe = b;
      while (pe < e && (ex.sentence.tokens[pe].upos == "PROPN" ||
                        (pe + 1 < e && ex.sentence.tokens[pe + 1].upos == "PROPN" &&
                         (ex.sentence.tokens[pe].form == "of" || ex.sentence.tokens[pe].form == "-" ||
                          ex.sentence.tokens[pe].form == "&")))) {
        ++pe;
      }
      if (pe == b || pe != e) continue;  // only mentions that are names through to their end
      bool free = true;
      for (size_t k = b; k < pe; ++k) free = free && ex.tags[k] == 0;
      if (!free) continue;
      ex.tags[b] = base;
      for (size_t k = b + 1; k < pe; ++k) ex.tags[k] = base + 1;
    }
    out.push_back(std::move(ex));
    ex = NerTagger::Example();
    spans.clear();
  };
  while (std::getline(in, line)) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == '#') continue;
    auto f = Split(line, '\t');
    if (f.size() < 10 || f[0].find('-') != std::string::npos || f[0].find('.') != std::string::npos) continue;
    nlp::Token t;
    t.form = f[1];
    t.upos = f[3];
    size_t idx = ex.sentence.tokens.size();
    ex.sentence.tokens.push_back(t);
    auto pos = f[9].find("Entity=");
    if (pos == std::string::npos) continue;
    std::string v = f[9].substr(pos + 7);
    v = v.substr(0, v.find('|'));
    for (size_t i = 0; i < v.size();) {
      if (v[i] == '(') {
        size_t j = i + 1;
        std::string id;
        while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) id += v[j++];
        if (j < v.size() && v[j] == '-') ++j;
        std::string type;
        while (j < v.size() && std::isalpha(static_cast<unsigned char>(v[j]))) type += v[j++];
        while (j < v.size() && v[j] != '(' && v[j] != ')') ++j;
        if (j < v.size() && v[j] == ')') {
          spans.emplace_back(idx, idx + 1, base_of(type));
          ++j;
        } else {
          open[id] = {idx, base_of(type)};
        }
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(v[i]))) {
        size_t j = i;
        std::string id;
        while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) id += v[j++];
        if (j < v.size() && v[j] == ')') {
          auto it = open.find(id);
          if (it != open.end()) {
            spans.emplace_back(it->second.first, idx + 1, it->second.second);
            open.erase(it);
          }
          ++j;
        }
        i = j;
      } else {
        ++i;
      }
    }
  }
  flush();
  return out;
}

// First-name genders from GUM coreference: a person entity (document-level
// id) whose mentions include he/him/his or she/her/hers gives that gender to
// the first word of its multi-word proper-noun mentions.
std::map<std::string, std::pair<int, int>> GumFirstNameGender(const std::string& path) {
  std::map<std::string, std::pair<int, int>> out;  // first name -> (male, female) votes
  std::ifstream in(path);
  std::string line;
  std::map<std::string, std::pair<int, int>> ent_gender;   // doc entity id -> pronoun votes
  std::map<std::string, std::set<std::string>> ent_first;  // doc entity id -> first names
  std::map<std::string, std::pair<size_t, std::string>> open;
  std::vector<std::pair<std::string, std::string>> sent;  // form, upos
  auto flush_doc = [&]() {
    for (const auto& [id, firsts] : ent_first) {
      auto g = ent_gender[id];
      if (g.first == g.second) continue;
      for (const auto& f : firsts) {
        if (g.first > g.second) out[f].first++;
        else out[f].second++;
      }
    }
    ent_gender.clear();
    ent_first.clear();
    open.clear();
  };
  while (std::getline(in, line)) {
    if (line.rfind("# newdoc", 0) == 0) {
      flush_doc();
      continue;
    }
    if (line.empty()) {
      sent.clear();
      continue;
    }
    if (line[0] == '#') continue;
    auto f = Split(line, '\t');
    if (f.size() < 10 || f[0].find('-') != std::string::npos || f[0].find('.') != std::string::npos) continue;
    size_t idx = sent.size();
    sent.emplace_back(f[1], f[3]);
    auto pos = f[9].find("Entity=");
    if (pos == std::string::npos) continue;
    std::string v = f[9].substr(pos + 7);
    v = v.substr(0, v.find('|'));
    auto close = [&](const std::string& id, size_t b, size_t e) {
      // Single-token pronoun mention, or a proper-noun mention with >= 2 words.
      if (e - b == 1) {
        std::string w = sent[b].first;
        for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (w == "he" || w == "him" || w == "his" || w == "himself") ent_gender[id].first++;
        if (w == "she" || w == "her" || w == "hers" || w == "herself") ent_gender[id].second++;
      }
      if (e - b >= 2 && sent[b].second == "PROPN" && sent[b + 1].second == "PROPN" && IsCapStr(sent[b].first)) {
        std::string w = sent[b].first;
        for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        ent_first[id].insert(w);
      }
    };
    for (size_t i = 0; i < v.size();) {
      if (v[i] == '(') {
        size_t j = i + 1;
        std::string id;
        while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) id += v[j++];
        if (j < v.size() && v[j] == '-') ++j;
        std::string type;
        while (j < v.size() && std::isalpha(static_cast<unsigned char>(v[j]))) type += v[j++];
        while (j < v.size() && v[j] != '(' && v[j] != ')') ++j;
        bool person = type == "person";
        if (j < v.size() && v[j] == ')') {
          if (person) close(id, idx, idx + 1);
          ++j;
        } else if (person) {
          open[id] = {idx, type};
        }
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(v[i]))) {
        size_t j = i;
        std::string id;
        while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) id += v[j++];
        if (j < v.size() && v[j] == ')') {
          auto it = open.find(id);
          if (it != open.end()) {
            close(id, it->second.first, idx + 1);
            open.erase(it);
          }
          ++j;
        }
        i = j;
      } else {
        ++i;
      }
    }
  }
  flush_doc();
  return out;
}

bool IsCap(const std::string& s) { return !s.empty() && std::isupper(static_cast<unsigned char>(s[0])); }
std::string Words(std::string w) {
  for (auto& c : w) if (c == '_') c = ' ';
  return w;
}

void AddIso(kg::extract::Gazetteer& g, const std::string& dir) {
  auto load = [&](const std::string& file, const std::string& key) {
    std::ifstream in(dir + "/" + file);
    if (!in) return;
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.contains(key)) return;
    for (const auto& e : j[key]) {
      for (const char* k : {"name", "common_name", "official_name"}) {
        if (e.contains(k) && e[k].is_string()) {
          std::string n = e[k].get<std::string>();
          if (n.find(',') != std::string::npos) continue;  // "Korea, Republic of"
          g.Add(n, 1u << 2);
        }
      }
    }
  };
  load("iso_3166-1.json", "3166-1");
  load("iso_3166-2.json", "3166-2");
  // Short forms the standard spells out.
  for (const char* n : {"U.S.", "US", "USA", "U.S.A.", "UK", "U.K.", "Britain", "Russia", "EU", "America",
                        "South Korea", "North Korea", "Iran", "Syria", "Vietnam", "Taiwan", "Moscow", "Kyiv"}) {
    g.Add(n, 1u << 2);
  }
}

void AddZones(kg::extract::Gazetteer& g, const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto f = Split(line, '\t');
    if (f.size() < 3) continue;
    auto slash = f[2].rfind('/');
    g.Add(Words(f[2].substr(slash == std::string::npos ? 0 : slash + 1)), 1u << 2);
  }
}

struct WnSynset {
  int lexfile = 0;
  std::vector<std::string> words;
  std::string gloss;
  std::vector<std::tuple<std::string, std::string, char, int, int>> ptrs;  // symbol, offset, pos, src, tgt
};

std::unordered_map<std::string, WnSynset> ReadWordNet(const std::string& path) {
  std::unordered_map<std::string, WnSynset> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ' ') continue;
    std::istringstream ls(line);
    std::string offset, lexfile, ss_type, wcnt_hex;
    ls >> offset >> lexfile >> ss_type >> wcnt_hex;
    WnSynset s;
    s.lexfile = std::stoi(lexfile);
    int wcnt = std::stoi(wcnt_hex, nullptr, 16);
    for (int i = 0; i < wcnt; ++i) {
      std::string w, lexid;
      ls >> w >> lexid;
      auto paren = w.find('(');
      if (paren != std::string::npos) w = w.substr(0, paren);
      s.words.push_back(w);
    }
    int pcnt = 0;
    ls >> pcnt;
    for (int i = 0; i < pcnt; ++i) {
      std::string sym, off, pos, st;
      ls >> sym >> off >> pos >> st;
      int src = std::stoi(st.substr(0, 2), nullptr, 16), tgt = std::stoi(st.substr(2, 2), nullptr, 16);
      s.ptrs.emplace_back(sym, off, pos.empty() ? 'x' : pos[0], src, tgt);
    }
    auto bar = line.find(" | ");
    if (bar != std::string::npos) s.gloss = line.substr(bar + 3);
    out.emplace(offset, std::move(s));
  }
  return out;
}

size_t CommonPrefix(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

void AddWordNet(kg::extract::Gazetteer& g, const std::string& dir, std::ostream& lexicon) {
  auto nouns = ReadWordNet(dir + "/data.noun");
  auto verbs = ReadWordNet(dir + "/data.verb");
  auto adjs = ReadWordNet(dir + "/data.adj");
  for (const auto& [off, s] : nouns) {
    for (const auto& w : s.words) {
      if (!IsCap(w)) continue;
      std::string name = Words(w);
      bool inhabitant = s.gloss.find("native or inhabitant") != std::string::npos ||
                        s.gloss.find("member of") != std::string::npos;
      if (s.lexfile == 15) g.Add(name, 1u << 2);
      else if (s.lexfile == 14) g.Add(name, 1u << 1);
      else if (s.lexfile == 18) g.Add(name, inhabitant ? (1u << 3) : 1u);
    }
  }
  for (const auto& [off, s] : adjs) {
    for (const auto& w : s.words) {
      if (IsCap(w) && w.find('_') == std::string::npos) g.Add(w, 1u << 3);
    }
  }
  // Nominalisations: event/act/communication/state nouns with a derivational
  // pointer to a verb; the verb sharing the longest prefix wins.
  std::map<std::string, std::pair<size_t, std::string>> nom;
  const std::set<int> kLexfiles = {4, 9, 10, 11, 14, 21, 22, 26};
  for (const auto& [off, s] : nouns) {
    if (kLexfiles.count(s.lexfile) == 0) continue;
    for (const auto& [sym, toff, pos, src, tgt] : s.ptrs) {
      if (sym != "+" || pos != 'v' || src == 0) continue;
      auto vit = verbs.find(toff);
      if (vit == verbs.end() || tgt == 0 || tgt > static_cast<int>(vit->second.words.size())) continue;
      if (src > static_cast<int>(s.words.size())) continue;
      const std::string& noun = s.words[static_cast<size_t>(src - 1)];
      const std::string& verb = vit->second.words[static_cast<size_t>(tgt - 1)];
      if (IsCap(noun) || noun.find('_') != std::string::npos || verb.find('_') != std::string::npos) continue;
      size_t cp = CommonPrefix(noun, verb);
      if (cp < 3 && noun != verb) continue;
      // A noun identical to its verb is an event only in the act/event files
      // ("attack", "visit"), not "price" or "post".
      if (noun == verb && s.lexfile != 4 && s.lexfile != 11) continue;
      auto& slot = nom[noun];
      if (slot.second.empty() || cp > slot.first) slot = {cp, verb};
    }
  }
  for (const auto& [noun, v] : nom) lexicon << "nom\t" << noun << "\t" << v.second << "\n";
}

// Words that are mostly written in lower case in running text (UD EWT + GUM
// forms): a capitalised occurrence of such a word is rarely a name.
void AddCaseStats(kg::extract::Gazetteer& g, const std::vector<std::string>& conllus) {
  std::unordered_map<std::string, std::pair<int, int>> counts;  // lower -> (lowercase, capitalised)
  for (const auto& path : conllus) {
    std::ifstream in(path);
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
      if (line.empty()) {
        first = true;
        continue;
      }
      if (line[0] == '#') continue;
      auto f = Split(line, '\t');
      if (f.size() < 4 || f[0].find('-') != std::string::npos || f[0].find('.') != std::string::npos) continue;
      const std::string& w = f[1];
      if (w.empty() || !std::isalpha(static_cast<unsigned char>(w[0]))) continue;
      std::string low = w;
      for (auto& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!first) {
        auto& c = counts[low];
        if (std::islower(static_cast<unsigned char>(w[0]))) c.first++;
        else c.second++;
      }
      first = false;
    }
  }
  int n = 0;
  for (const auto& [w, c] : counts) {
    if (c.first >= 3 && c.first >= 3 * c.second) {
      g.Add(w, 1u << 6);
      ++n;
    }
  }
  std::cerr << "lower-case words: " << n << "\n";
}

double EvalF1(const NerTagger& tagger, const std::vector<NerTagger::Example>& data) {
  long tp = 0, np = 0, ng = 0;
  long ctp[8] = {0}, cnp[8] = {0}, cng[8] = {0};
  const char* dump = std::getenv("KG_NER_DUMP");
  std::ofstream dout;
  if (dump != nullptr) dout.open(dump);
  for (const auto& ex : data) {
    auto gold = kg::extract::ScoredNerSpans(ex.tags);
    auto ptags = tagger.Tag(ex.sentence);
    auto pred = kg::extract::ScoredNerSpans(ptags);
    ng += static_cast<long>(gold.size());
    np += static_cast<long>(pred.size());
    for (const auto& s : pred) {
      tp += gold.count(s) ? 1 : 0;
      ctp[s.tag] += gold.count(s) ? 1 : 0;
      cnp[s.tag]++;
    }
    for (const auto& s : gold) cng[s.tag]++;
    if (dump != nullptr && gold != pred) {
      for (size_t i = 0; i < ptags.size(); ++i) {
        dout << ex.sentence.tokens[i].form << "\t" << ex.sentence.tokens[i].upos << "\t"
             << kg::extract::NerTagName(ex.tags[i]) << "\t" << kg::extract::NerTagName(ptags[i]) << "\n";
      }
      dout << "\n";
    }
  }
  for (int c : {1, 3, 5}) {
    double p = cnp[c] ? double(ctp[c]) / cnp[c] : 0, r = cng[c] ? double(ctp[c]) / cng[c] : 0;
    std::cerr << "  " << kg::extract::NerTagName(c) << " P " << p * 100 << " R " << r * 100
              << " F " << (p + r > 0 ? 200 * p * r / (p + r) : 0) << "\n";
  }
  double p = np ? static_cast<double>(tp) / np : 0, r = ng ? static_cast<double>(tp) / ng : 0;
  std::cerr << "  P " << p * 100 << " R " << r * 100 << "\n";
  return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

}  // namespace

constexpr const char* kUsage =
    "usage: kg-train-ner --uner TRAIN.iob2 --out ner.bin --lexicon lexicon.tsv\n"
    "         [--ud TRAIN.conllu] [--gum GUM.conllu] [--gum-ner GUM.conllu]\n"
    "         [--dev DEV.iob2 [--ud-dev DEV.conllu]] [--annotate MODEL_DIR]\n"
    "         [--iso DIR] [--zones FILE] [--wordnet DIR]\n"
    "         [--epochs N] [--seed N] [--runs N] [--features N] [--clusters FILE]\n"
    "Trains the NER tagger (ner.bin) and writes the WordNet lexicon; models/train_ner.sh\n"
    "has the settings of the committed model. --runs N trains N times (seeds seed..seed+N-1)\n"
    "and keeps the mean weights.\n";

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt = {{"--iso", "/usr/share/iso-codes/json"},
                                            {"--zones", "/usr/share/zoneinfo/zone1970.tab"},
                                            {"--wordnet", "/usr/share/wordnet"},
                                            {"--epochs", "8"},
                                            {"--seed", "1"},
                                            {"--runs", "1"}};
  static const std::set<std::string> kKnown = {
      "--uner", "--out", "--lexicon", "--ud", "--gum", "--gum-ner", "--dev", "--ud-dev", "--annotate",
      "--iso", "--zones", "--wordnet", "--epochs", "--seed", "--runs", "--features", "--clusters"};
  for (int i = 1; i < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--help" || name == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (kKnown.count(name) == 0 || i + 1 >= argc) {
      std::cerr << "kg-train-ner: " << (kKnown.count(name) == 0 ? "unknown option " : "missing value for ")
                << name << "\n" << kUsage;
      return 2;
    }
    opt[name] = argv[i + 1];
  }
  if (!opt.count("--uner") || !opt.count("--out") || !opt.count("--lexicon")) {
    std::cerr << kUsage;
    return 2;
  }
  // Numeric options, checked before any work starts.
  std::map<std::string, uint64_t> num;
  for (const char* name : {"--epochs", "--seed", "--runs", "--features"}) {
    if (!opt.count(name)) continue;
    const std::string& v = opt[name];
    uint64_t x = 0;
    const auto [end, err] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (v.empty() || err != std::errc() || end != v.data() + v.size() ||
        (std::string(name) != "--seed" && x > 1000000)) {
      std::cerr << "kg-train-ner: " << name << " wants a non-negative integer, got '" << v << "'\n";
      return 2;
    }
    num[name] = x;
  }
  NerTagger tagger;
  std::ofstream lexicon(opt["--lexicon"]);
  lexicon << "# kg lexicon: generated by kg-train-ner from WordNet (see models/train_ner.sh)\n";
  AddIso(tagger.mutable_gazetteer(), opt["--iso"]);
  AddZones(tagger.mutable_gazetteer(), opt["--zones"]);
  AddWordNet(tagger.mutable_gazetteer(), opt["--wordnet"], lexicon);
  {
    std::vector<std::string> conllus;
    if (opt.count("--ud")) conllus.push_back(opt["--ud"]);
    if (opt.count("--gum")) conllus.push_back(opt["--gum"]);
    AddCaseStats(tagger.mutable_gazetteer(), conllus);
  }
  std::cerr << "gazetteer: " << tagger.gazetteer().size() << " phrases\n";
  auto train = ReadIob2(opt["--uner"], opt.count("--ud") ? opt["--ud"] : "");
  // --annotate MODEL_DIR: POS from our own tagger instead of gold, so that
  // training sees the tags it will see at run time.
  auto annotate = [&](std::vector<NerTagger::Example>& data) {
    if (!opt.count("--annotate")) return;
    std::string err;
    auto p = kg::nlp::Pipeline::Load(opt["--annotate"], &err);
    if (!p) {
      std::cerr << "kg-train-ner: --annotate: " << err << "\n";
      std::exit(1);
    }
    kg::nlp::Document doc;
    for (auto& ex : data) {
      kg::nlp::Sentence s;
      for (auto t : ex.sentence.tokens) {
        t.begin = static_cast<uint32_t>(doc.text.size());
        doc.text += t.form;
        t.end = static_cast<uint32_t>(doc.text.size());
        doc.text += " ";
        s.tokens.push_back(t);
      }
      doc.sentences.push_back(std::move(s));
    }
    p->Annotate(doc);
    for (size_t i = 0; i < data.size(); ++i) {
      for (size_t k = 0; k < data[i].sentence.tokens.size(); ++k) data[i].sentence.tokens[k].upos = doc.sentences[i].tokens[k].upos;
    }
  };
  annotate(train);
  if (opt.count("--gum-ner")) {
    auto gum = ReadGumNer(opt["--gum-ner"]);
    std::cerr << "GUM: " << gum.size() << " sentences\n";
    for (auto& e : gum) train.push_back(std::move(e));
  }
  std::cerr << "train: " << train.size() << " sentences\n";
  if (train.empty()) {
    std::cerr << "kg-train-ner: no training sentences in " << opt["--uner"] << "\n";
    return 1;
  }
  // First names: the first word of multi-word person names in the training
  // data (gender unknown: "u").
  {
    std::map<std::string, int> first;
    for (const auto& ex : train) {
      for (size_t i = 0; i + 1 < ex.tags.size(); ++i) {
        if (ex.tags[i] != 1 || ex.tags[i + 1] != 2) continue;
        std::string w = ex.sentence.tokens[i].form;
        if (w.size() < 2 || !IsCap(w)) continue;
        bool alpha = true;
        for (char c : w) alpha = alpha && std::isalpha(static_cast<unsigned char>(c));
        if (!alpha) continue;
        for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        first[w]++;
      }
    }
    std::map<std::string, std::pair<int, int>> gender;
    if (opt.count("--gum")) gender = GumFirstNameGender(opt["--gum"]);
    for (const auto& [w, g] : gender) first[w] += 2;  // a GUM person's first name is a first name
    for (const auto& [w, n] : first) {
      if (n < 2) continue;
      auto it = gender.find(w);
      const char* gd = "u";
      if (it != gender.end() && it->second.first > it->second.second) gd = "m";
      if (it != gender.end() && it->second.second > it->second.first) gd = "f";
      lexicon << "name\t" << w << "\t" << gd << "\n";
    }
  }
  if (opt.count("--features")) tagger.set_feature_set(static_cast<uint32_t>(num["--features"]));
  if (opt.count("--clusters")) {
    auto cl = kg::extract::ReadWordClusters(opt["--clusters"]);
    if (!cl.ok()) {
      std::cerr << "kg-train-ner: " << cl.status().ToString() << "\n";
      return 1;
    }
    std::cerr << "word clusters: " << cl.value().size() << " words\n";
    tagger.set_clusters(std::move(cl.value()));
  }
  tagger.Train(train, static_cast<int>(num["--epochs"]), num["--seed"], static_cast<int>(num["--runs"]));
  if (opt.count("--dev")) {
    auto dev = ReadIob2(opt["--dev"], opt.count("--ud-dev") ? opt["--ud-dev"] : "");
    annotate(dev);
    std::cerr << "dev F1 (PER/ORG/LOC exact span, gold POS): " << EvalF1(tagger, dev) * 100 << "\n";
  }
  auto st = tagger.Save(opt["--out"]);
  if (!st.ok()) {
    std::cerr << "kg-train-ner: " << st.ToString() << "\n";
    return 1;
  }
  return 0;
}
