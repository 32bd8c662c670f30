// Mentions (names, titles, pronouns, definite descriptions) and
// within-article coreference.
#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "extract/analysis.h"

namespace kg::extract::internal {

namespace {

std::string Lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}
bool IsCap(std::string_view s) { return !s.empty() && std::isupper(static_cast<unsigned char>(s[0])); }

template <size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

constexpr std::array<std::string_view, 79> kTitleWords = {
    "president", "secretary", "minister", "senator", "sen", "sen.", "representative", "rep.", "governor",
    "gov.", "mayor", "envoy", "ambassador", "chairman", "chairwoman", "chair", "ceo", "cfo", "coo",
    "director", "spokesman", "spokeswoman", "spokesperson", "general", "gen.", "admiral", "colonel",
    "col.", "lieutenant", "lt.", "captain", "commander", "chief", "king", "queen", "prince",
    "princess", "pope", "premier", "chancellor", "judge", "justice", "attorney", "prosecutor",
    "officer", "official", "leader", "head", "founder", "co-founder", "executive", "manager",
    "analyst", "professor", "prof.", "dr.", "mr.", "mrs.", "ms.", "sir", "lord", "dame", "coach",
    "speaker", "candidate", "nominee", "advisor", "adviser", "diplomat", "deputy", "editor",
    "correspondent", "reporter", "economist", "designer", "engineer", "vice-president"};
constexpr std::array<std::string_view, 18> kTitleMods = {
    "vice", "special", "former", "deputy", "acting", "senior", "chief", "assistant", "associate",
    "interim", "prime", "foreign", "defense", "defence", "national", "security", "state", "top"};
constexpr std::array<std::string_view, 44> kSpeechVerbs = {
    "say", "state", "report", "tell", "claim", "announce", "reveal", "confirm", "mention", "warn",
    "add", "note", "insist", "argue", "write", "deny", "suggest", "explain", "declare", "assert",
    "acknowledge", "admit", "allege", "believe", "caution", "comment", "complain", "conclude",
    "emphasize", "estimate", "expect", "indicate", "inform", "predict", "promise", "reply",
    "respond", "stress", "testify", "think", "threaten", "tweet", "urge", "post"};

// Pronoun -> (number/kind, gender). kind: 1 person-singular, 2 thing, 3 plural.
struct PronInfo {
  int kind = 0;
  uint8_t gender = 0;
};
PronInfo Pronoun(std::string_view lower) {
  static constexpr std::array<std::string_view, 5> kMale = {"he", "him", "his", "himself", "he's"};
  static constexpr std::array<std::string_view, 4> kFemale = {"she", "her", "hers", "herself"};
  static constexpr std::array<std::string_view, 3> kIt = {"it", "its", "itself"};
  static constexpr std::array<std::string_view, 5> kThey = {"they", "them", "their", "theirs", "themselves"};
  if (In(kMale, lower)) return {1, 1};
  if (In(kFemale, lower)) return {1, 2};
  if (In(kIt, lower)) return {2, 0};
  if (In(kThey, lower)) return {3, 0};
  return {};
}

EntityType TypeOfTag(int tag) {
  switch ((tag - 1) / 2) {
    case 0: return EntityType::kPerson;
    case 1: return EntityType::kOrganization;
    case 2: return EntityType::kPlace;
    case 3: return EntityType::kGroup;
    default: return EntityType::kMisc;
  }
}

std::vector<std::string> Words(const std::string& name) {
  std::vector<std::string> w;
  std::istringstream in(name);
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

std::string NoDots(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '.'), s.end());
  return s;
}

std::string Acronym(const std::vector<std::string>& words) {
  std::string a;
  for (const auto& w : words) {
    if (IsCap(w)) a.push_back(w[0]);
  }
  return a;
}

// Is `small` a contiguous run of `big` (word-wise)? Returns start or -1.
int SubRun(const std::vector<std::string>& small, const std::vector<std::string>& big) {
  if (small.empty() || small.size() > big.size()) return -1;
  for (size_t i = 0; i + small.size() <= big.size(); ++i) {
    if (std::equal(small.begin(), small.end(), big.begin() + static_cast<long>(i))) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

bool Lexicon::IsTitleWord(std::string_view lower) const { return In(kTitleWords, lower); }
bool Lexicon::IsTitleModifier(std::string_view lower) const { return In(kTitleMods, lower); }
bool Lexicon::IsSpeechVerb(std::string_view lemma) const { return In(kSpeechVerbs, lemma); }

Lexicon Lexicon::Load(const std::string& path) {
  Lexicon lex;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string kind, a, b;
    if (!std::getline(ls, kind, '\t') || !std::getline(ls, a, '\t') || !std::getline(ls, b, '\t')) continue;
    if (kind == "nom") {
      lex.nominal_to_verb.emplace(a, b);
    } else if (kind == "name") {
      lex.first_name_gender[a] = b == "f" ? 2 : b == "m" ? 1 : 0;
    }
  }
  return lex;
}

std::string SpanText(const nlp::Sentence& s, uint32_t b, uint32_t e) {
  std::string out;
  for (uint32_t i = b; i < e && i < s.tokens.size(); ++i) {
    if (!out.empty()) out.push_back(' ');
    out += s.tokens[i].form;
  }
  return out;
}

void FindMentions(const nlp::Document& doc, const NerTagger* ner, const Lexicon& lex, Analysis* a) {
  a->doc = &doc;
  a->ner.clear();
  a->mentions.clear();
  a->token_mention.assign(doc.sentences.size(), {});
  a->has_tree = false;
  // Pass 1: tag every sentence; pass 2: label consistency over the article
  // (PropagateDocumentNames, extract/ner.h).
  a->ner.reserve(doc.sentences.size());
  for (const auto& s : doc.sentences) a->ner.push_back(ner != nullptr ? ner->Tag(s) : HeuristicNerTags(s));
  PropagateDocumentNames(doc.sentences, ner, &a->ner);
  // Nationalities and groups ("Ukrainian", "Russians"): the tagger has no
  // training data for them; the gazetteer's demonyms (WordNet) name them.
  if (ner != nullptr) {
    for (size_t si = 0; si < doc.sentences.size(); ++si) {
      const auto& s = doc.sentences[si];
      auto& tags = a->ner[si];
      for (size_t i = 0; i < tags.size(); ++i) {
        const nlp::Token& t = s.tokens[i];
        if (tags[i] != 0 || !IsCap(t.form)) continue;
        if (t.upos != "ADJ" && t.upos != "PROPN" && t.upos != "NOUN") continue;
        uint8_t g = ner->gazetteer().Lookup(Lower(t.form));
        if ((g & 0x08) == 0 || (g & 0x07) != 0) continue;
        tags[i] = 7;  // B-NORP
      }
    }
  }
  for (uint32_t si = 0; si < doc.sentences.size(); ++si) {
    const nlp::Sentence& s = doc.sentences[si];
    const uint32_t n = static_cast<uint32_t>(s.tokens.size());
    if (n > 0 && s.tokens[0].head >= 0) a->has_tree = true;
    const std::vector<int>& tags = a->ner[si];
    a->token_mention[si].assign(n, -1);
    // Length of the longest gazetteer phrase with some of `bits` that starts
    // at token q and ends by e ("united states" in "United States House of
    // Representatives"), 0 if none. Looked up only where a span or a title
    // needs it, so untagged sentences cost nothing.
    auto phrase_len = [&](uint32_t q, uint32_t e, uint8_t bits) -> uint32_t {
      if (ner == nullptr) return 0;
      uint32_t best = 0;
      std::string key;
      for (uint32_t k = q; k < e && k < q + static_cast<uint32_t>(ner->gazetteer().max_tokens()); ++k) {
        if (k > q) key.push_back(' ');
        key += Lower(s.tokens[k].form);
        if ((ner->gazetteer().Lookup(key) & bits) != 0) best = k + 1 - q;
      }
      return best;
    };
    auto place_prefix = [&](uint32_t q, uint32_t e) { return phrase_len(q, e, 0x0C); };
    // Named spans from IOB2.
    std::vector<size_t> sent_mentions;
    uint32_t resume = n;  // a span cut at a verb goes on as a new span here
    for (uint32_t i = 0; i < n;) {
      if ((tags[i] == 0 || tags[i] % 2 == 0) && i != resume) {  // O, or a stray I- (Tag never emits one)
        ++i;
        continue;
      }
      int span_tag = tags[i] % 2 == 0 ? tags[i] - 1 : tags[i];
      // A span that starts inside a gazetteer phrase ("United" mistagged, then
      // "States President Donald Trump") starts where the phrase starts.
      uint32_t b = i;
      for (uint32_t c = i; c > 0 && i - (c - 1) < 6 && tags[c - 1] == 0 && IsCap(s.tokens[c - 1].form); --c) {
        if (phrase_len(c - 1, n, 0xFF) > i - (c - 1)) b = c - 1;
      }
      uint32_t j = i + 1;
      while (j < n && tags[j] == span_tag + 1) ++j;
      // A name ends before a possessive ("Apple Computer 's iTunes"): the
      // words after it name something else; and before a replaced invalid
      // byte or a punctuation token other than "-", "&", ".".
      for (uint32_t q = i + 1; q < j; ++q) {
        const std::string& f = s.tokens[q].form;
        bool punct_only = true;
        for (char c : f) punct_only = punct_only && std::ispunct(static_cast<unsigned char>(c));
        if (f == "'s" || f == "\xE2\x80\x99s" || f == "'" || f.find("\xEF\xBF\xBD") != std::string::npos ||
            (punct_only && f != "-" && f != "&" && f != ".")) {
          j = q;
          break;
        }
        // A lower-case verb, adjective or adverb after capitalised words is
        // not part of a name ("... House of Representatives impeached
        // President Donald Trump" tagged as one span): the name ends there and
        // a capitalised word after it starts the next one.
        const std::string& up = s.tokens[q].upos;
        if (!f.empty() && std::islower(static_cast<unsigned char>(f[0])) && IsCap(s.tokens[i].form) &&
            (up == "VERB" || up == "AUX" || up == "ADJ" || up == "ADV" || up == "PRON")) {
          j = q;
          if (q + 1 < n && tags[q + 1] == span_tag + 1 && IsCap(s.tokens[q + 1].form)) resume = q + 1;
          break;
        }
      }
      if (s.tokens[i].form.find("\xEF\xBF\xBD") != std::string::npos) {
        i = j;
        continue;
      }
      MentionSpan m;
      m.sent = si;
      m.b = b;
      m.e = j;
      m.type = TypeOfTag(span_tag);
      // A span with a title word before capitalised words ("Secretary of
      // State Marco Rubio", "U.S. Army Secretary Dan Driscoll" tagged as one
      // span): the words after the last title word (and its "of X") are the
      // person; an organisation or place before the title keeps its type.
      {
        int last_title = -1;
        for (uint32_t q = m.b; q + 1 < m.e; ++q) {
          if (lex.IsTitleWord(Lower(s.tokens[q].form))) last_title = static_cast<int>(q);
        }
        if (last_title >= 0) {
          uint32_t nb = static_cast<uint32_t>(last_title) + 1;
          while (nb + 2 < m.e + 1 && nb + 1 < m.e && Lower(s.tokens[nb].form) == "of") nb += 2;  // "of State"
          bool name_tail = nb < m.e;
          for (uint32_t q = nb; q < m.e; ++q) name_tail = name_tail && IsCap(s.tokens[q].form);
          // In a span the tagger typed organisation or place, one word after
          // a title word is part of the name ("General Motors", "United
          // Nations General Assembly"), not a person, unless it is a known
          // first name; a person after a title has two words or more there.
          if (name_tail && m.type != EntityType::kPerson && m.e - nb == 1 &&
              lex.first_name_gender.count(Lower(s.tokens[nb].form)) == 0) {
            name_tail = false;
          }
          if (name_tail) {
            // Prefix before the title run: an organisation/place of its own.
            uint32_t pe = m.b;
            while (pe < static_cast<uint32_t>(last_title) && !lex.IsTitleWord(Lower(s.tokens[pe].form)) &&
                   !lex.IsTitleModifier(Lower(s.tokens[pe].form))) {
              ++pe;
            }
            if (pe > m.b && pe <= static_cast<uint32_t>(last_title)) {
              MentionSpan org = m;
              org.e = pe;
              org.head = pe - 1;
              // "Airbus CEO Tom Enders" tagged as one person: the prefix is
              // the employer (a place when the gazetteer says so).
              if (org.type == EntityType::kPerson) {
                uint8_t g = ner != nullptr ? ner->gazetteer().Lookup(Lower(SpanText(s, m.b, pe))) : 0;
                org.type = (g & 0x04) ? EntityType::kPlace : EntityType::kOrganization;
              }
              a->mentions.push_back(org);
              sent_mentions.push_back(a->mentions.size() - 1);
            }
            m.b = nb;
            m.type = EntityType::kPerson;
          } else if (m.type != EntityType::kPerson && ner != nullptr) {
            // A place and a title with no name after it ("the U.S. Secretary
            // of State" tagged as one span): the place alone is the name;
            // the title is left to the description pass.
            uint32_t pe = m.b;
            while (pe < static_cast<uint32_t>(last_title) && !lex.IsTitleWord(Lower(s.tokens[pe].form)) &&
                   !lex.IsTitleModifier(Lower(s.tokens[pe].form))) {
              ++pe;
            }
            if (pe > m.b && (ner->gazetteer().Lookup(Lower(SpanText(s, m.b, pe))) & 0x0C) != 0) {
              m.e = pe;
              m.type = EntityType::kPlace;
            }
          }
        }
      }
      m.head = m.e - 1;
      a->mentions.push_back(m);
      sent_mentions.push_back(a->mentions.size() - 1);
      i = j;
    }
    for (size_t mi : sent_mentions) {
      for (uint32_t k = a->mentions[mi].b; k < a->mentions[mi].e; ++k) a->token_mention[si][k] = static_cast<int>(mi);
    }
    // Titles: the run of title words, capitalised words and "of" right before a
    // person name ("U.S. Army Secretary", "Secretary of State", "special envoy").
    // Place/group words come from whole gazetteer phrases, so "United States"
    // is skipped as one affiliation rather than leaving "States" in the title.
    // Untagged places before a title ("United States" left O, "United" read
    // as a verb): place mentions of their own, added after this loop so that
    // the references into a->mentions stay valid.
    std::vector<MentionSpan> title_places;
    for (size_t mi : sent_mentions) {
      MentionSpan& m = a->mentions[mi];
      if (m.type != EntityType::kPerson) continue;
      uint32_t start = m.b;
      bool has_title_word = false;
      uint32_t k = m.b;
      while (k > 0) {
        const nlp::Token& t = s.tokens[k - 1];
        std::string low = Lower(t.form);
        int owner = a->token_mention[si][k - 1];
        bool title = lex.IsTitleWord(low);
        bool mod = lex.IsTitleModifier(low);
        bool ok = title || mod || (owner >= 0 && a->mentions[owner].type != EntityType::kPerson) ||
                  (IsCap(t.form) && (t.upos == "PROPN" || (t.upos.empty() && k - 1 > 0))) ||
                  (low == "of" && k < m.b && IsCap(s.tokens[k].form)) ||
                  // The first word of a place phrase that the run has reached
                  // ("United" of "United States"), whatever its POS.
                  (owner < 0 && IsCap(t.form) && start < m.b && place_prefix(k - 1, m.b) >= start - (k - 1) + 1);
        if (!ok) break;
        if (title) has_title_word = true;
        --k;
        if (title || mod || low == "of") start = k;
        else if (owner >= 0 && a->mentions[owner].type != EntityType::kPerson) start = k;
        else if (IsCap(t.form)) start = k;
      }
      if (!has_title_word) continue;
      // "the trial of President Bill Clinton": the "of" belongs to the noun
      // before, not to the title.
      while (start < m.b && Lower(s.tokens[start].form) == "of") ++start;
      // Leading places/groups/orgs are the affiliation, not the title.
      uint32_t tb = start;
      while (tb < m.b) {
        int owner = a->token_mention[si][tb];
        if (owner >= 0 && a->mentions[owner].type != EntityType::kPerson &&
            a->mentions[owner].type != EntityType::kOrganization) {
          if (m.affiliation < 0) m.affiliation = owner;
          tb = a->mentions[owner].e;
          continue;
        }
        if (owner >= 0 && a->mentions[owner].type == EntityType::kOrganization) {
          m.affiliation = owner;  // "U.S. Army": affiliation; its last words stay in the title
          // Keep the words of the organisation after a place prefix in the title.
          uint32_t ob = a->mentions[owner].b;
          while (ob < a->mentions[owner].e) {
            uint32_t len = place_prefix(ob, a->mentions[owner].e);
            if (len == 0) break;
            ob += len;
          }
          if (ob < a->mentions[owner].e) tb = std::max(tb, ob);
          else tb = a->mentions[owner].e;
          break;
        }
        if (uint32_t len = place_prefix(tb, m.b); len > 0 && !lex.IsTitleWord(Lower(s.tokens[tb].form))) {
          // "U.S." when untagged: the affiliation, a place mention of its own
          // when it is a capitalised phrase of two words or more (a lone
          // untagged word may be a common noun the gazetteer knows).
          if (m.affiliation < 0 && len >= 2 && IsCap(s.tokens[tb].form) && IsCap(s.tokens[tb + len - 1].form)) {
            MentionSpan p;
            p.sent = si;
            p.b = tb;
            p.e = tb + len;
            p.head = tb + len - 1;
            p.type = EntityType::kPlace;
            m.affiliation = static_cast<int>(a->mentions.size() + title_places.size());
            title_places.push_back(p);
          }
          tb += len;
          continue;
        }
        break;
      }
      while (tb < m.b && Lower(s.tokens[tb].form) == "of") ++tb;
      // The title must end with a title word or a title modifier + "of" phrase.
      if (tb < m.b) {
        m.title = SpanText(s, tb, m.b);
        bool any = false;
        for (uint32_t q = tb; q < m.b; ++q) any = any || lex.IsTitleWord(Lower(s.tokens[q].form));
        if (!any) m.title.clear();
      }
    }
    for (const MentionSpan& p : title_places) {
      a->mentions.push_back(p);
      for (uint32_t q = p.b; q < p.e; ++q) a->token_mention[si][q] = static_cast<int>(a->mentions.size() - 1);
    }
    // Pronouns (kept only if coreference finds an antecedent).
    for (uint32_t i = 0; i < n; ++i) {
      if (a->token_mention[si][i] >= 0) continue;
      const nlp::Token& t = s.tokens[i];
      if (t.upos != "PRON" && t.upos != "DET" && !t.upos.empty() && t.upos != "X") continue;
      PronInfo p = Pronoun(Lower(t.form));
      if (p.kind == 0) continue;
      MentionSpan m;
      m.sent = si;
      m.b = i;
      m.e = i + 1;
      m.head = i;
      m.kind = Mention::Kind::kPronoun;
      m.type = p.kind == 1 ? EntityType::kPerson : EntityType::kMisc;
      a->mentions.push_back(m);
      a->token_mention[si][i] = static_cast<int>(a->mentions.size() - 1);
    }
    // Definite descriptions built on a title: "the (U.S.) Secretary of State"
    // not followed by a name. Resolved against titles in coreference.
    for (uint32_t i = 0; i + 1 < n; ++i) {
      if (Lower(s.tokens[i].form) != "the") continue;
      uint32_t j = i + 1, last_title = 0;
      bool found = false;
      while (j < n) {
        std::string low = Lower(s.tokens[j].form);
        bool is_title = lex.IsTitleWord(low);
        bool ok = is_title || lex.IsTitleModifier(low) || (IsCap(s.tokens[j].form) && s.tokens[j].upos != "PUNCT") ||
                  (low == "of" && j + 1 < n && IsCap(s.tokens[j + 1].form));
        if (!ok) break;
        if (is_title) {
          found = true;
          last_title = j;
        }
        ++j;
      }
      if (!found || j == i + 1) continue;
      // A name right after the title run: that is a titled name, not a description.
      if (j < n && a->token_mention[si][j] >= 0 && a->mentions[a->token_mention[si][j]].type == EntityType::kPerson) continue;
      bool overlaps = false;
      for (uint32_t q = i + 1; q < j; ++q) {
        int o = a->token_mention[si][q];
        if (o >= 0 && a->mentions[o].type == EntityType::kPerson) overlaps = true;
      }
      if (overlaps) continue;
      (void)last_title;
      MentionSpan m;
      m.sent = si;
      m.b = i + 1;
      m.e = j;
      m.head = j - 1;
      m.kind = Mention::Kind::kNominal;
      m.type = EntityType::kPerson;
      m.title = SpanText(s, i + 1, j);
      a->mentions.push_back(m);
      for (uint32_t q = m.b; q < m.e; ++q) {
        if (a->token_mention[si][q] < 0) a->token_mention[si][q] = static_cast<int>(a->mentions.size() - 1);
      }
      // The head word is what the parser attaches; make it point here.
      a->token_mention[si][m.head] = static_cast<int>(a->mentions.size() - 1);
      i = j - 1;
    }
  }
  // Keep mentions in text order (stable: names before pronouns at equal start).
  std::vector<int> order(a->mentions.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
    const auto& mx = a->mentions[x];
    const auto& my = a->mentions[y];
    return std::tie(mx.sent, mx.b) < std::tie(my.sent, my.b);
  });
  std::vector<int> new_index(order.size());
  std::vector<MentionSpan> sorted;
  sorted.reserve(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    new_index[order[i]] = static_cast<int>(i);
    sorted.push_back(a->mentions[order[i]]);
  }
  for (auto& m : sorted) {
    if (m.affiliation >= 0) m.affiliation = new_index[m.affiliation];
  }
  a->mentions = std::move(sorted);
  for (auto& row : a->token_mention) {
    for (int& x : row) {
      if (x >= 0) x = new_index[x];
    }
  }
}

namespace {

bool TypesCompatible(EntityType a, EntityType b) {
  if (a == b) return true;
  if (a == EntityType::kMisc || b == EntityType::kMisc) return true;
  // Taggers confuse organisations and places ("Kyiv" the government).
  auto op = [](EntityType t) { return t == EntityType::kOrganization || t == EntityType::kPlace; };
  return op(a) && op(b);
}

}  // namespace

void ResolveCoreference(const Lexicon& lex, Analysis* a, const Gazetteer* gazetteer) {
  const nlp::Document& doc = *a->doc;
  a->entities.clear();
  a->gender.clear();
  std::vector<std::vector<std::string>> ent_words;      // words of each entity's best name
  std::vector<std::vector<int>> type_votes;             // per entity, per type
  std::unordered_map<std::string, int> by_name;         // normalised name -> entity
  std::unordered_map<std::string, int> by_title;        // lower title -> entity (-2 = ambiguous)
  std::vector<int> last_mention_of_entity;
  auto add_name = [&](int e, const std::string& name) {
    auto& names = a->entities[e].names;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    by_name.emplace(NormalizeName(name), e);
    auto w = Words(name);
    if (w.size() > ent_words[e].size()) {
      ent_words[e] = w;
      a->entities[e].name = name;
    }
  };
  auto add_title = [&](int e, const std::string& title) {
    if (title.empty()) return;
    auto& ts = a->entities[e].titles;
    if (std::find(ts.begin(), ts.end(), title) == ts.end()) ts.push_back(title);
    // Index the title and its shorter tails ("U.S. Secretary of State",
    // "Secretary of State") so a later "the Secretary of State" finds it.
    auto w = Words(Lower(title));
    for (size_t k = 0; k < w.size(); ++k) {
      std::string key;
      for (size_t q = k; q < w.size(); ++q) key += (key.empty() ? "" : " ") + w[q];
      auto it = by_title.find(key);
      if (it == by_title.end()) by_title[key] = e;
      else if (it->second != e) it->second = -2;
    }
  };
  auto new_entity = [&](const MentionSpan& m, const std::string& name) {
    a->entities.push_back(LocalEntity{});
    a->entities.back().type = m.type;
    ent_words.emplace_back();
    type_votes.emplace_back(kEntityTypeCount, 0);
    a->gender.push_back(0);
    last_mention_of_entity.push_back(-1);
    int e = static_cast<int>(a->entities.size() - 1);
    add_name(e, name);
    return e;
  };

  // Pass 1: names, in text order.
  for (size_t mi = 0; mi < a->mentions.size(); ++mi) {
    MentionSpan& m = a->mentions[mi];
    if (m.kind != Mention::Kind::kName) continue;
    const nlp::Sentence& s = doc.sentences[m.sent];
    std::string name = SpanText(s, m.b, m.e);
    // Re-join tokens written without space ("Al-Zaman", "U.S.").
    {
      std::string joined;
      for (uint32_t i = m.b; i < m.e; ++i) {
        joined += s.tokens[i].form;
        if (i + 1 < m.e && s.tokens[i].space_after) joined.push_back(' ');
      }
      name = joined;
    }
    auto words = Words(name);
    int e = -1;
    auto it = by_name.find(NormalizeName(name));
    if (it != by_name.end() && TypesCompatible(a->entities[it->second].type, m.type)) e = it->second;
    if (e < 0) {
      // Name structure: a part of an earlier longer name ("Rubio" after
      // "Marco Rubio"), or an earlier short name inside this one; acronyms.
      int best = -1, best_last = -1;
      for (size_t k = 0; k < a->entities.size(); ++k) {
        const auto& ew = ent_words[k];
        // The surname of a person named in full earlier is that person,
        // whatever the tagger typed it ("Vance's" after "JD Vance").
        if (words.size() == 1 && ew.size() > 1 && a->entities[k].type == EntityType::kPerson &&
            words[0] == ew.back() && last_mention_of_entity[k] > best_last) {
          best = static_cast<int>(k);
          best_last = last_mention_of_entity[k];
          continue;
        }
        if (!TypesCompatible(a->entities[k].type, m.type)) continue;
        bool match = false;
        if (m.type == EntityType::kPerson || a->entities[k].type == EntityType::kPerson) {
          if (a->entities[k].type != m.type && m.type != EntityType::kMisc && a->entities[k].type != EntityType::kMisc) continue;
          // Last name alone, or first name alone, or the full name extends the known one.
          if (words.size() == 1 && ew.size() > 1 && (words[0] == ew.back() || words[0] == ew.front())) match = true;
          if (words.size() > 1 && ew.size() >= 1 && ew.size() < words.size() && SubRun(ew, words) >= 0 &&
              ew.back() == words.back()) match = true;
        } else {
          // "NBC" ~ "NBC News"; but a known place never grows into an
          // organisation named after it ("U.S." / "U.S. Army", "Singapore" /
          // "Singapore Airlines").
          const bool types_differ = a->entities[k].type != m.type && m.type != EntityType::kMisc &&
                                    a->entities[k].type != EntityType::kMisc;
          auto known_place = [&](const std::vector<std::string>& w) {
            std::string key;
            for (const auto& x : w) key += (key.empty() ? "" : " ") + Lower(x);
            return gazetteer != nullptr && (gazetteer->Lookup(key) & 0x04) != 0;
          };
          // Nor into a longer name that is not a known place itself ("U.S." /
          // "U.S. Constitution" typed a place), while "New York" / "New York
          // City" still join.
          if (SubRun(words, ew) == 0 && !((types_differ || !known_place(ew)) && known_place(words))) match = true;
          if (SubRun(ew, words) == 0 && !((types_differ || !known_place(words)) && known_place(ew))) match = true;
          if (words.size() == 1 && words[0].size() >= 2 && Acronym(ew) == NoDots(words[0])) match = true;
          if (ew.size() == 1 && ew[0].size() >= 2 && Acronym(words) == NoDots(ew[0])) match = true;
        }
        if (match && last_mention_of_entity[k] > best_last) {
          best = static_cast<int>(k);
          best_last = last_mention_of_entity[k];
        }
      }
      e = best;
    }
    if (e < 0) e = new_entity(m, name);
    else add_name(e, name);
    m.entity = e;
    last_mention_of_entity[e] = static_cast<int>(mi);
    type_votes[e][static_cast<size_t>(m.type)] += 1;
    add_title(e, m.title);
    // Gender from honorifics and first names.
    std::string first = Lower(words.front());
    auto g = lex.first_name_gender.find(first);
    if (g != lex.first_name_gender.end() && a->gender[e] == 0) a->gender[e] = g->second;
    std::string t = Lower(m.title);
    if (t.find("mrs") != std::string::npos || t.find("ms.") != std::string::npos || t.find("queen") != std::string::npos) a->gender[e] = 2;
    if (t.find("mr.") != std::string::npos || t.find("king") != std::string::npos) a->gender[e] = 1;
  }
  for (size_t e = 0; e < a->entities.size(); ++e) {
    int best = -1, best_votes = 0;
    for (int t = 0; t < kEntityTypeCount; ++t) {
      if (type_votes[e][t] > best_votes) {
        best = t;
        best_votes = type_votes[e][t];
      }
    }
    if (best >= 0) a->entities[e].type = static_cast<EntityType>(best);
    // The head word of a name often says what it names: "Singapore
    // Airlines", "Apple Inc." are organisations, "Changi Airport", "Atlantic
    // Ocean" places, whatever the tagger made of their first word.
    {
      static constexpr std::array<std::string_view, 40> kOrgHeads = {
          "airlines", "airways", "air", "inc", "inc.", "corp", "corp.", "corporation", "co.", "ltd", "ltd.", "plc",
          "llc", "group", "company", "university", "college", "bank", "agency", "office", "ministry", "department",
          "council", "committee", "party", "army", "navy", "force", "news", "times", "post", "journal", "association",
          "institute", "foundation", "commission", "federation", "union", "club", "systems"};
      static constexpr std::array<std::string_view, 16> kPlaceHeads = {
          "airport", "ocean", "sea", "river", "mountain", "mountains", "island", "islands", "street", "county",
          "province", "city", "valley", "lake", "bay", "peninsula"};
      for (const auto& name : a->entities[e].names) {
        auto w = Words(name);
        if (w.size() < 2) continue;
        std::string last = Lower(w.back());
        if (In(kOrgHeads, last) && a->entities[e].type != EntityType::kPerson) a->entities[e].type = EntityType::kOrganization;
        if (In(kPlaceHeads, last) && a->entities[e].type != EntityType::kPerson) a->entities[e].type = EntityType::kPlace;
      }
    }
    // A two-or-more-word "person" with no title, no known first name and a
    // word the gazetteer knows as a place or organisation ("Air Canada",
    // "Lockheed Martin" when WordNet knows Lockheed) is an organisation.
    if (a->entities[e].type == EntityType::kPerson && a->entities[e].titles.empty() && ent_words[e].size() >= 2 &&
        gazetteer != nullptr && lex.first_name_gender.count(Lower(ent_words[e].front())) == 0) {
      bool org_word = false;
      for (const auto& w : ent_words[e]) org_word = org_word || (gazetteer->Lookup(Lower(w)) & 0x06) != 0;
      // But news refers to a person again by the surname alone ("Nancy
      // Pelosi ... Pelosi said", where Nancy is also a French city): a last
      // word named alone, and not itself a known place or organisation, keeps
      // the person ("Air Canada ... Canada" does not count).
      const std::string& last_word = ent_words[e].back();
      bool surname_alone = (gazetteer->Lookup(Lower(last_word)) & 0x06) == 0;
      if (surname_alone) {
        surname_alone = std::find(a->entities[e].names.begin(), a->entities[e].names.end(), last_word) !=
                        a->entities[e].names.end();
      }
      if (org_word && !surname_alone) a->entities[e].type = EntityType::kOrganization;
    }
    // News names a person in full (or with a title) at least once; a "person"
    // only ever named by one bare word that is not a known first name is far
    // more often a company or a place the tagger took for a surname
    // ("Boeing said ...").
    if (a->entities[e].type == EntityType::kPerson && a->entities[e].titles.empty() && ent_words[e].size() == 1) {
      std::string w = Lower(ent_words[e][0]);
      bool first_name = lex.first_name_gender.count(w) > 0;
      if (!first_name) a->entities[e].type = type_votes[e][1] >= type_votes[e][2] ? EntityType::kOrganization : EntityType::kPlace;
      if (!first_name && type_votes[e][2] > 0) a->entities[e].type = EntityType::kPlace;
      if (!first_name && type_votes[e][1] == 0 && type_votes[e][2] == 0) a->entities[e].type = EntityType::kOrganization;
    }
  }

  // One entity per name: a name the tagger typed differently at two places
  // (a one-word "person" retyped above, "Apple" tagged once as a place) joins
  // the earlier organisation or place entity written the same way. People
  // were already joined by name in pass 1.
  {
    std::vector<int> remap(a->entities.size(), -1);
    std::vector<LocalEntity> kept;
    std::vector<uint8_t> kept_gender;
    std::unordered_map<std::string, int> owner;  // normalised name -> kept entity (not people)
    for (size_t e = 0; e < a->entities.size(); ++e) {
      LocalEntity& le = a->entities[e];
      int target = -1;
      if (le.type != EntityType::kPerson) {
        for (const auto& nm : le.names) {
          auto it = owner.find(NormalizeName(nm));
          if (it != owner.end() && TypesCompatible(kept[static_cast<size_t>(it->second)].type, le.type)) {
            target = it->second;
            break;
          }
        }
      }
      if (target < 0) {
        target = static_cast<int>(kept.size());
        kept.push_back(std::move(le));
        kept_gender.push_back(a->gender[e]);
      } else {
        LocalEntity& k = kept[static_cast<size_t>(target)];
        // A one-word "place" the gazetteer does not know as a place, written
        // the same as an organisation of the article (a one-word "person"
        // retyped above) is that organisation: places in news are mostly
        // known ones, while the tagger gives an unknown one-word company name
        // every type ("Boeing" tagged LOC twice and PER once).
        if (k.type == EntityType::kPlace && le.type == EntityType::kOrganization && k.names.size() == 1 &&
            Words(k.names[0]).size() == 1 && gazetteer != nullptr &&
            (gazetteer->Lookup(Lower(k.names[0])) & 0x04) == 0) {
          k.type = EntityType::kOrganization;
        }
        for (auto& nm : le.names) {
          if (std::find(k.names.begin(), k.names.end(), nm) == k.names.end()) k.names.push_back(std::move(nm));
        }
        for (auto& t : le.titles) {
          if (std::find(k.titles.begin(), k.titles.end(), t) == k.titles.end()) k.titles.push_back(std::move(t));
        }
      }
      remap[e] = target;
      const LocalEntity& k = kept[static_cast<size_t>(target)];
      if (k.type != EntityType::kPerson) {
        for (const auto& nm : k.names) owner.emplace(NormalizeName(nm), target);
      }
    }
    a->entities = std::move(kept);  // every entity was moved into `kept`
    a->gender = std::move(kept_gender);
    for (auto& m : a->mentions) {
      if (m.entity >= 0) m.entity = remap[static_cast<size_t>(m.entity)];
    }
    for (auto& [key, e] : by_title) {
      if (e >= 0) e = remap[static_cast<size_t>(e)];
    }
  }

  // Pass 2: descriptions and pronouns, in text order, against what precedes.
  std::vector<int> recent;  // mention indices with an entity, in text order
  recent.reserve(a->mentions.size());
  for (size_t mi = 0; mi < a->mentions.size(); ++mi) {
    MentionSpan& m = a->mentions[mi];
    if (m.kind == Mention::Kind::kName) {
      recent.push_back(static_cast<int>(mi));
      continue;
    }
    if (m.kind == Mention::Kind::kNominal) {
      auto w = Words(Lower(m.title));
      // Longest tail of the description that names a title of one entity.
      int e = -1;
      for (size_t k = 0; k < w.size() && e < 0; ++k) {
        std::string key;
        for (size_t q = k; q < w.size(); ++q) key += (key.empty() ? "" : " ") + w[q];
        auto it = by_title.find(key);
        if (it != by_title.end()) {
          e = it->second;
          if (e == -2) break;
          // A single title word ("president") is too weak on its own.
          if (w.size() - k < 2) e = -1;
        }
      }
      if (e >= 0) {
        m.entity = e;
        recent.push_back(static_cast<int>(mi));
      }
      continue;
    }
    // Pronoun.
    const nlp::Sentence& s = doc.sentences[m.sent];
    PronInfo p = Pronoun(Lower(s.tokens[m.b].form));
    int best = -1;
    double best_score = 0.0;
    // Candidates: mentions in this sentence before the pronoun and in the two
    // previous sentences, newest first; stop early once far enough back.
    for (auto it = recent.rbegin(); it != recent.rend(); ++it) {
      const MentionSpan& c = a->mentions[*it];
      if (m.sent - c.sent > 2) break;
      if (c.entity < 0) continue;
      EntityType ct = a->entities[c.entity].type;
      bool ok = false;
      if (p.kind == 1) ok = ct == EntityType::kPerson && (p.gender == 0 || a->gender[c.entity] == 0 || a->gender[c.entity] == p.gender);
      if (p.kind == 2) ok = ct == EntityType::kOrganization || ct == EntityType::kPlace || ct == EntityType::kMisc;
      if (p.kind == 3) ok = ct == EntityType::kGroup || ct == EntityType::kOrganization;
      if (!ok) continue;
      double score = 1.0 / (1.0 + static_cast<double>(m.sent - c.sent));
      const nlp::Token& head = doc.sentences[c.sent].tokens[c.head];
      if (head.deprel.rfind("nsubj", 0) == 0) score += 0.5;  // subjects are likelier antecedents
      if (c.sent == m.sent) {
        // "He said he ..." fine; but an object pronoun cannot be its own clause's subject.
        const nlp::Token& pt = s.tokens[m.b];
        if (pt.head > 0 && head.head == pt.head && pt.deprel == "obj") continue;
        score += 0.3;
      }
      if (a->gender[c.entity] != 0 && a->gender[c.entity] == p.gender) score += 0.2;
      score -= 0.01 * static_cast<double>(it - recent.rbegin());  // mild recency
      if (score > best_score) {
        best_score = score;
        best = c.entity;
      }
    }
    if (best >= 0) {
      m.entity = best;
      if (p.kind == 1 && a->gender[best] == 0) a->gender[best] = p.gender;
      recent.push_back(static_cast<int>(mi));
    }
  }
}

}  // namespace kg::extract::internal
