#include "graph/known_names.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace kg {
namespace {

struct Word {
  size_t begin = 0;
  size_t end = 0;        // after a possessive is dropped
  bool possessive = false;
};

bool IsWordByte(unsigned char c) { return std::isalnum(c) != 0 || c >= 0x80 || c == '&'; }

// Words of text[b, e): letters, digits, UTF-8 sequences and '&'; a '.' or an
// apostrophe followed by a letter stays inside ("U.S", "O'Neill"), and a
// final '.' after an inner one ("U.S."); a trailing "'s" or "’s" is dropped
// and marks the word possessive.
std::vector<Word> Words(std::string_view text, size_t b, size_t e) {
  std::vector<Word> out;
  size_t i = b;
  while (i < e) {
    if (!IsWordByte(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    Word w;
    w.begin = i;
    bool inner_dot = false;
    while (i < e) {
      auto c = static_cast<unsigned char>(text[i]);
      if (IsWordByte(c)) {
        ++i;
      } else if ((c == '.' || c == '\'') && i + 1 < e && std::isalpha(static_cast<unsigned char>(text[i + 1])) != 0) {
        inner_dot = inner_dot || c == '.';
        ++i;
      } else if (c == '.' && inner_dot) {
        ++i;
        break;
      } else {
        break;
      }
    }
    w.end = i;
    std::string_view s = text.substr(w.begin, w.end - w.begin);
    for (std::string_view suffix : {std::string_view("'s"), std::string_view("\xE2\x80\x99s"),
                                    std::string_view("\xE2\x80\x99")}) {
      if (s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix) {
        w.end -= suffix.size();
        w.possessive = true;
        break;
      }
    }
    out.push_back(w);
  }
  return out;
}

bool IsCapitalised(std::string_view text, const Word& w) {
  return w.end > w.begin && text[w.begin] >= 'A' && text[w.begin] <= 'Z';
}

// "and" is no connector: "Boeing and Airbus" is two names far more often
// than one.
bool IsConnector(std::string_view s) { return s == "of" || s == "&"; }

}  // namespace

size_t AddKnownNameMentions(std::string_view text, const KnownNameLookup& lookup, Extraction* x) {
  // Bytes already inside a mention: the extraction decided there.
  std::vector<std::pair<uint64_t, uint64_t>> taken;
  taken.reserve(x->mentions.size());
  for (const auto& m : x->mentions) taken.emplace_back(m.begin, m.end);
  std::sort(taken.begin(), taken.end());
  auto overlaps = [&](uint64_t b, uint64_t e) {
    auto it = std::lower_bound(taken.begin(), taken.end(), std::make_pair(e, uint64_t{0}));
    while (it != taken.begin()) {
      --it;
      if (it->second > b) return true;
      // Mentions may nest, so an earlier one can end later: keep looking a little.
      if (b - it->second > 256) break;
    }
    return false;
  };

  std::map<std::string, std::optional<EntityType>, std::less<>> cache;
  auto known = [&](std::string_view written) -> std::optional<EntityType> {
    auto it = cache.find(written);
    if (it == cache.end()) it = cache.emplace(std::string(written), lookup(written)).first;
    return it->second;
  };
  std::map<std::string, int32_t, std::less<>> local_of;
  auto entity_for = [&](const std::string& name, EntityType type) -> int32_t {
    auto it = local_of.find(name);
    if (it != local_of.end()) return it->second;
    int32_t idx = -1;
    for (size_t i = 0; i < x->entities.size() && idx < 0; ++i) {
      const LocalEntity& le = x->entities[i];
      if (le.name == name || std::find(le.names.begin(), le.names.end(), name) != le.names.end()) {
        idx = static_cast<int32_t>(i);
      }
    }
    if (idx >= 0 && x->entities[static_cast<size_t>(idx)].type == EntityType::kConcept) {
      // A bare noun phrase the extraction took for a concept ("Boeing" as an
      // object) is the known entity: its facts go with it.
      x->entities[static_cast<size_t>(idx)].type = type;
    }
    if (idx < 0) {
      LocalEntity le;
      le.name = name;
      le.type = type;
      le.names = {name};
      x->entities.push_back(std::move(le));
      idx = static_cast<int32_t>(x->entities.size() - 1);
    }
    local_of.emplace(name, idx);
    return idx;
  };

  std::vector<Mention> added;
  for (uint32_t si = 0; si < x->sentences.size(); ++si) {
    const SentenceSpan& span = x->sentences[si];
    if (span.end > text.size() || span.begin >= span.end) continue;
    std::vector<Word> words = Words(text, span.begin, span.end);
    size_t i = 0;
    while (i < words.size()) {
      if (!IsCapitalised(text, words[i])) {
        ++i;
        continue;
      }
      // The run: capitalised words and inner connectors, one space apart,
      // ending at a possessive.
      size_t j = i + 1;
      size_t last_cap = i;
      while (j < words.size() && !words[j - 1].possessive && words[j].begin == words[j - 1].end + 1 &&
             text[words[j - 1].end] == ' ') {
        std::string_view w = text.substr(words[j].begin, words[j].end - words[j].begin);
        if (IsCapitalised(text, words[j])) {
          last_cap = j;
        } else if (!IsConnector(w)) {
          break;
        }
        ++j;
      }
      const size_t run_end = last_cap + 1;
      const size_t run_begin = i;
      i = run_end;
      if (overlaps(words[run_begin].begin, words[run_end - 1].end)) continue;
      // The whole run, or the run without a sentence's first word.
      std::vector<size_t> starts = {run_begin};
      if (run_begin == 0) {
        size_t next = 1;
        while (next < run_end && !IsCapitalised(text, words[next])) ++next;
        if (next < run_end) starts.push_back(next);
      }
      for (size_t start : starts) {
        const uint64_t b = words[start].begin, e = words[run_end - 1].end;
        std::string written(text.substr(b, e - b));
        std::optional<EntityType> type = known(written);
        if (!type) continue;
        Mention m;
        m.begin = b;
        m.end = e;
        m.sentence = si;
        m.entity = entity_for(written, *type);
        m.kind = Mention::Kind::kName;
        added.push_back(m);
        break;
      }
    }
  }
  if (!added.empty()) {
    x->mentions.insert(x->mentions.end(), added.begin(), added.end());
    std::stable_sort(x->mentions.begin(), x->mentions.end(),
                     [](const Mention& a, const Mention& b) { return a.begin < b.begin; });
  }
  return added.size();
}

}  // namespace kg
