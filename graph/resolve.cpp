#include "graph/resolve.h"

#include <algorithm>
#include <sstream>

namespace kg {

namespace {

bool Compatible(EntityType a, EntityType b) {
  if (a == b) return true;
  // A name typed misc in one article may be typed precisely in another.
  if (a == EntityType::kMisc || b == EntityType::kMisc) return true;
  // Taggers swap organisations and places ("Kyiv" the government, "Apple"
  // the campus); people and concepts never mix with the rest.
  auto op = [](EntityType t) { return t == EntityType::kOrganization || t == EntityType::kPlace; };
  return op(a) && op(b);
}

std::vector<std::string> Words(const std::string& normalized) {
  std::vector<std::string> w;
  std::istringstream in(normalized);
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

// Two full person names with the same last word but a different first word
// are different people ("George Bush" / "Jeb Bush").
bool FirstNamesConflict(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() < 2 || b.size() < 2) return false;
  if (a.back() != b.back()) return false;
  const std::string& fa = a.front();
  const std::string& fb = b.front();
  if (fa == fb) return false;
  // Initials match their names ("J. Smith" / "John Smith").
  auto initial = [](const std::string& s) { return s.size() <= 2 || (s.size() <= 3 && s.back() == '.'); };
  if ((initial(fa) || initial(fb)) && fa[0] == fb[0]) return false;
  return true;
}

}  // namespace

std::string NameCore(const std::string& normalized) {
  // Legal-form and generic company words at the end of a name.
  static const char* const kDesignators[] = {"inc", "inc.", "corp", "corp.", "corporation", "co", "co.", "ltd",
                                             "ltd.", "plc", "llc", "l.p.", "n.v.", "ag", "s.a.", "gmbh",
                                             "limited", "incorporated", "holdings"};
  auto w = Words(normalized);
  while (w.size() >= 2) {
    std::string last = w.back();
    if (!last.empty() && last.back() == ',') last.pop_back();
    bool designator = false;
    for (const char* d : kDesignators) designator = designator || last == d;
    if (!designator) break;
    w.pop_back();
  }
  if (!w.empty() && !w.back().empty() && w.back().back() == ',') w.back().pop_back();
  std::string out;
  for (const auto& x : w) out += (out.empty() ? "" : " ") + x;
  return out;
}

int ResolveEntity(const LocalEntity& local, const std::vector<ResolveCandidate>& candidates) {
  // Score each compatible candidate by the strongest name it shares with the
  // local entity: the article's best name (3), another multi-word name (2),
  // a single word of a person's full name, i.e. a surname (1). The best
  // candidate wins only when no other candidate reaches the same score;
  // ties, conflicting first names and incompatible types stay apart.
  const std::string best = NormalizeName(local.name);
  const auto best_words = Words(best);
  // "Apple Inc." is "Apple" to the world: the name without its legal form
  // counts as the best name too (organisations, places and misc only).
  const std::string best_core = local.type == EntityType::kPerson ? best : NameCore(best);
  std::vector<std::vector<std::string>> local_full;
  for (const auto& n : local.names) {
    auto w = Words(NormalizeName(n));
    if (w.size() >= 2) local_full.push_back(w);
  }
  int found = -1;
  int found_score = 0;
  bool tie = false;
  uint64_t runner_up_mentions = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const auto& c = candidates[i];
    if (!Compatible(local.type, c.entity.type)) continue;
    const bool person = local.type == EntityType::kPerson || c.entity.type == EntityType::kPerson;
    if (person && local.type != c.entity.type && local.type != EntityType::kMisc && c.entity.type != EntityType::kMisc) continue;
    // Organisation/place swaps only on the very same best name.
    const bool swapped = local.type != c.entity.type && local.type != EntityType::kMisc && c.entity.type != EntityType::kMisc;
    if (person) {
      bool conflict = false;
      auto cand_words = Words(NormalizeName(c.entity.name));
      for (const auto& lw : local_full) conflict = conflict || FirstNamesConflict(lw, cand_words);
      for (const auto& alias : c.entity.aliases) {
        auto aw = Words(NormalizeName(alias));
        for (const auto& lw : local_full) conflict = conflict || FirstNamesConflict(lw, aw);
      }
      if (conflict) continue;
    }
    int score = 0;
    const bool canonical = NormalizeName(c.entity.name) == best;
    for (const auto& n : c.hit_names) {
      auto w = Words(n);
      int s = 0;
      if (n == best) s = canonical ? 4 : 3;
      else if (n == best_core) s = 3;
      else if (w.size() >= 2) s = 2;
      else if (!w.empty() && w[0].size() >= 3) s = 1;
      score = std::max(score, s);
    }
    if (swapped && score < 3) continue;
    // A lone surname joins a person only; a lone word of an organisation
    // ("National") is too weak unless it is the article's best name.
    // "NBC" in "NBC News" is the organisation's own short form: allowed when
    // the word opens the article's best name.
    if (score == 1 && !person && !(best_words.size() >= 2 && c.hit_names.end() != std::find(c.hit_names.begin(), c.hit_names.end(), best_words.front()))) continue;
    if (score == 0) continue;
    // At equal names, a candidate of the same type beats one of the swapped
    // type ("Apple" the company over "Apple" typed a place once).
    score = 2 * score + (swapped ? 0 : 1);
    if (score > found_score) {
      found = static_cast<int>(i);
      found_score = score;
      tie = false;
      runner_up_mentions = 0;
    } else if (score == found_score) {
      // Equal names: the far better known entity wins ("Apple" the company
      // seen 40 times vs a stray "Apple" entity seen once); otherwise the
      // name is ambiguous and the local entity stays apart.
      uint64_t mine = c.entity.mentions, theirs = candidates[static_cast<size_t>(found)].entity.mentions;
      if (mine > theirs) {
        runner_up_mentions = std::max(runner_up_mentions, theirs);
        found = static_cast<int>(i);
      } else {
        runner_up_mentions = std::max(runner_up_mentions, mine);
      }
      tie = true;
    }
  }
  if (tie && candidates[static_cast<size_t>(found)].entity.mentions < 3 * std::max<uint64_t>(runner_up_mentions, 1)) {
    return -1;
  }
  return found;
}

}  // namespace kg
