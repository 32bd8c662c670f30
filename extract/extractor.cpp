// MakeExtractor: the NLP pipeline (or the heuristic fallback), then NER,
// mentions and coreference, clauses, and facts between entities.
#include "extract/extractor.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "extract/analysis.h"
#include "extract/fallback_nlp.h"
#include "extract/ner.h"
#ifdef KG_EXTRACT_HAVE_NLP
#include "extract/nlp/pipeline.h"
#endif

namespace kg::extract {

namespace {

using internal::Analysis;
using internal::Arg;
using internal::Lexicon;
using internal::MentionSpan;
using internal::Proposition;
using internal::SpanText;

std::string Lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

// Nouns that stand for their possessor in a relation: "Rubio's camp".
bool IsProxyNoun(std::string_view lower) {
  static constexpr std::string_view kProxy[] = {"camp", "side", "team", "allies", "aides", "supporters", "people", "office"};
  return std::find(std::begin(kProxy), std::end(kProxy), lower) != std::end(kProxy);
}

// Verbs of saying whose object is the listener ("warned them"), unlike
// "say" or "report" whose object is the content.
bool TakesAddressee(std::string_view lemma) {
  static constexpr std::string_view kVerbs[] = {"warn", "tell", "inform", "assure", "advise", "urge",
                                                "brief", "caution", "remind", "notify", "promise", "ask"};
  return std::find(std::begin(kVerbs), std::end(kVerbs), lemma) != std::end(kVerbs);
}

struct Side {
  int entity = -1;        // index into the output entity list
  bool named = false;     // a named entity (not a concept)
  bool pronoun = false;   // reached through a pronoun
};

class ExtractorImpl final : public Extractor {
 public:
  ExtractorImpl(const ExtractorOptions& options, std::unique_ptr<NerTagger> ner, Lexicon lex)
      : options_(options), ner_(std::move(ner)), lex_(std::move(lex)) {}
#ifdef KG_EXTRACT_HAVE_NLP
  void set_pipeline(std::unique_ptr<nlp::Pipeline> p) { pipeline_ = std::move(p); }
#endif

  bool uses_parser() const override {
#ifdef KG_EXTRACT_HAVE_NLP
    return pipeline_ != nullptr;
#else
    return false;
#endif
  }

  std::string fallback_reason() const override { return fallback_reason_; }
  void set_fallback_reason(std::string r) { fallback_reason_ = std::move(r); }

  nlp::Document Analyze(std::string_view text) const {
#ifdef KG_EXTRACT_HAVE_NLP
    if (pipeline_ != nullptr) return pipeline_->Process(text);
#endif
    return internal::HeuristicAnalyze(text);
  }

  Extraction Extract(std::string_view text) const override;
  std::vector<OpenTuple> ExtractTuples(std::string_view sentence) const override;

 private:
  ExtractorOptions options_;
  std::string fallback_reason_;
  std::unique_ptr<NerTagger> ner_;
  Lexicon lex_;
#ifdef KG_EXTRACT_HAVE_NLP
  std::unique_ptr<nlp::Pipeline> pipeline_;
#endif
};

// Builds the output for one article.
class FactBuilder {
 public:
  FactBuilder(const Analysis& a, bool entities_only, Extraction* out)
      : a_(a), entities_only_(entities_only), out_(out), titled_affiliation_(a.mentions.size(), false) {
    // Mentions that open a person's title ("U.S. Army" in "U.S. Army
    // Secretary Dan Driscoll"), found once per article.
    for (const MentionSpan& pm : a.mentions) {
      if (pm.affiliation >= 0 && !pm.title.empty() && pm.type == EntityType::kPerson &&
          static_cast<size_t>(pm.affiliation) < titled_affiliation_.size()) {
        titled_affiliation_[static_cast<size_t>(pm.affiliation)] = true;
      }
    }
  }

  // The entity or concept an argument head stands for.
  Side Resolve(uint32_t sent, int head) {
    const nlp::Sentence& s = a_.doc->sentences[sent];
    if (head < 0 || head >= static_cast<int>(s.tokens.size())) return {};
    int m = a_.token_mention[sent][static_cast<size_t>(head)];
    // An organisation that opens a person's title ("U.S. Army" in "U.S.
    // Army Secretary Dan Driscoll", parsed with "Army" as the head) stands
    // for the person when the name hangs below it; see the loop below.
    const bool titled_affiliation = m >= 0 && titled_affiliation_[static_cast<size_t>(m)];
    if (m >= 0 && a_.mentions[static_cast<size_t>(m)].entity >= 0 && !titled_affiliation) {
      const MentionSpan& ms = a_.mentions[static_cast<size_t>(m)];
      return {ms.entity, true, ms.kind == Mention::Kind::kPronoun};
    }
    const nlp::Token& t = s.tokens[static_cast<size_t>(head)];
    // A title or organisation word heading a name ("Secretary of State Marco
    // Rubio" parsed with "Secretary" as head): the name in its flat/compound
    // dependents, a person first, else the rightmost name.
    {
      int best = -1;
      bool best_person = false;
      for (size_t k = 0; k < s.tokens.size(); ++k) {
        int h = s.tokens[k].head - 1;
        if (h != head) {
          // One level further down a flat/compound chain.
          if (h < 0 || s.tokens[static_cast<size_t>(h)].head - 1 != head) continue;
          const std::string& r1 = s.tokens[static_cast<size_t>(h)].deprel;
          if (r1 != "flat" && r1 != "compound" && r1 != "nmod:desc" && r1 != "appos") continue;
        }
        const std::string& r = s.tokens[k].deprel;
        if (r != "flat" && r != "compound" && r != "nmod:desc" && r != "appos" && r != "flat:name") continue;
        int cm = a_.token_mention[sent][k];
        if (cm < 0 || a_.mentions[static_cast<size_t>(cm)].entity < 0) continue;
        const MentionSpan& ms = a_.mentions[static_cast<size_t>(cm)];
        bool person = ms.type == EntityType::kPerson;
        if (best < 0 || (person && !best_person) || (person == best_person)) {
          best = cm;
          best_person = person;
        }
      }
      if (best >= 0 && best_person) {
        const MentionSpan& ms = a_.mentions[static_cast<size_t>(best)];
        return {ms.entity, true, ms.kind == Mention::Kind::kPronoun};
      }
    }
    if (m >= 0 && a_.mentions[static_cast<size_t>(m)].entity >= 0) {
      const MentionSpan& ms = a_.mentions[static_cast<size_t>(m)];
      return {ms.entity, true, ms.kind == Mention::Kind::kPronoun};
    }
    // Children: a proxy noun's possessor.
    for (size_t k = 0; k < s.tokens.size(); ++k) {
      if (s.tokens[k].head - 1 != head) continue;
      int cm = a_.token_mention[sent][k];
      if (cm < 0 || a_.mentions[static_cast<size_t>(cm)].entity < 0) continue;
      const MentionSpan& ms = a_.mentions[static_cast<size_t>(cm)];
      if (s.tokens[k].deprel == "nmod:poss" && IsProxyNoun(Lower(t.form))) {
        return {ms.entity, true, ms.kind == Mention::Kind::kPronoun};
      }
    }
    if (t.upos != "NOUN" && t.upos != "PROPN") return {};
    return {Concept(sent, head), false, false};
  }

  int Concept(uint32_t sent, int head) {
    const nlp::Sentence& s = a_.doc->sentences[sent];
    // Head noun with its adjacent compound / adjective / number modifiers.
    int b = head;
    while (b > 0) {
      const nlp::Token& p = s.tokens[static_cast<size_t>(b - 1)];
      if (p.head - 1 != head && !(p.head - 1 > b - 1 && p.head - 1 <= head)) break;
      if (p.deprel != "compound" && p.deprel != "amod" && p.deprel != "nummod" && p.deprel != "flat") break;
      --b;
    }
    std::string name;
    for (int i = b; i <= head; ++i) {
      const nlp::Token& t = s.tokens[static_cast<size_t>(i)];
      if (!name.empty()) name.push_back(' ');
      bool keep_case = t.upos == "PROPN" || (t.upos == "ADJ" && !t.form.empty() && std::isupper(static_cast<unsigned char>(t.form[0])));
      name += keep_case ? t.form : Lower(t.form);
    }
    return ConceptByName(name);
  }

  int ConceptByName(const std::string& name) {
    auto it = concepts_.find(name);
    if (it != concepts_.end()) return it->second;
    LocalEntity e;
    e.name = name;
    e.type = EntityType::kConcept;
    e.names.push_back(name);
    out_->entities.push_back(std::move(e));
    int idx = static_cast<int>(out_->entities.size() - 1);
    concepts_.emplace(name, idx);
    return idx;
  }

  void Add(const Side& s, const std::string& predicate, const Side& o, const std::string& surface,
           uint32_t sent, bool negated, Modality modality, const std::string& attribution, float confidence) {
    if (s.entity < 0 || o.entity < 0 || s.entity == o.entity || predicate.empty()) return;
    if (!s.named && !o.named) return;
    if (entities_only_ && !(s.named && o.named)) return;
    float c = confidence;
    if (s.pronoun || o.pronoun) c -= 0.1f;
    if (!s.named || !o.named) c -= 0.05f;
    c = std::clamp(c, 0.01f, 0.99f);
    auto key = std::make_tuple(s.entity, predicate, o.entity, sent, negated);
    auto it = seen_.find(key);
    if (it != seen_.end()) {
      auto& f = out_->facts[it->second];
      f.confidence = std::max(f.confidence, c);
      return;
    }
    ExtractedFact f;
    f.subject = s.entity;
    f.object = o.entity;
    f.predicate = predicate;
    f.surface = surface;
    f.negated = negated;
    f.modality = modality;
    f.sentence = sent;
    f.attribution = attribution;
    f.confidence = c;
    seen_.emplace(key, out_->facts.size());
    out_->facts.push_back(std::move(f));
  }

 private:
  const Analysis& a_;
  bool entities_only_;
  Extraction* out_;
  std::vector<bool> titled_affiliation_;  // per mention: opens a titled person's name
  std::unordered_map<std::string, int> concepts_;
  std::map<std::tuple<int, std::string, int, uint32_t, bool>, size_t> seen_;
};

std::string PredicateLabel(const std::string& lemma, const std::string& prep) {
  std::string p = lemma;
  for (auto& c : p) {
    if (c == ' ') c = '_';
  }
  if (!prep.empty()) p += "_" + prep;
  return p;
}

bool IsPersonish(const Extraction& x, int e) {
  return e >= 0 && (x.entities[static_cast<size_t>(e)].type == EntityType::kPerson ||
                    x.entities[static_cast<size_t>(e)].type == EntityType::kGroup ||
                    x.entities[static_cast<size_t>(e)].type == EntityType::kConcept ||
                    x.entities[static_cast<size_t>(e)].type == EntityType::kOrganization);
}

// Maps byte offsets in `sanitized` (the pipeline's copy of the text, with
// every invalid UTF-8 byte replaced by U+FFFD, 3 bytes) back to `original`.
std::vector<uint64_t> OffsetMap(std::string_view original, std::string_view sanitized) {
  std::vector<uint64_t> map(sanitized.size() + 1, original.size());
  size_t i = 0, j = 0;
  while (j < sanitized.size() && i < original.size()) {
    auto lead = static_cast<unsigned char>(original[i]);
    size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
    if (i + len <= original.size() && j + len <= sanitized.size() &&
        original.substr(i, len) == sanitized.substr(j, len)) {
      for (size_t k = 0; k < len; ++k) map[j + k] = i + k;
      i += len;
      j += len;
    } else if (sanitized.substr(j, 3) == "\xEF\xBF\xBD") {
      for (size_t k = 0; k < 3; ++k) map[j + k] = i;
      i += 1;
      j += 3;
    } else {
      map[j] = i;
      ++i;
      ++j;
    }
  }
  map[sanitized.size()] = original.size();
  return map;
}

Extraction ExtractorImpl::Extract(std::string_view text) const {
  nlp::Document doc = Analyze(text);
  Extraction x = internal::ExtractFromDocument(doc, ner_.get(), lex_, options_.entities_only);
  if (doc.text != text) {
    // Offsets must point into the caller's text, not the repaired copy.
    auto map = OffsetMap(text, doc.text);
    auto fix = [&](uint64_t o) { return map[std::min<uint64_t>(o, map.size() - 1)]; };
    for (auto& s : x.sentences) {
      s.begin = fix(s.begin);
      s.end = std::max(s.begin, fix(s.end));
    }
    for (auto& m : x.mentions) {
      m.begin = fix(m.begin);
      m.end = std::max(m.begin, fix(m.end));
    }
  }
  return x;
}

}  // namespace

namespace internal {

Extraction ExtractFromDocument(const nlp::Document& doc, const NerTagger* ner, const Lexicon& lex,
                               bool entities_only) {
  const Lexicon& lex_ = lex;
  Extraction x;
  Analysis a;
  internal::FindMentions(doc, ner, lex_, &a);
  internal::ResolveCoreference(lex_, &a, ner != nullptr ? &ner->gazetteer() : nullptr);
  for (const auto& s : doc.sentences) {
    x.sentences.push_back({s.begin, s.end});
    x.tokens += s.tokens.size();
  }
  x.entities = a.entities;
  for (const auto& m : a.mentions) {
    if (m.entity < 0) continue;
    const auto& s = doc.sentences[m.sent];
    Mention out;
    out.begin = s.tokens[m.b].begin;
    out.end = s.tokens[m.e - 1].end;
    out.sentence = m.sent;
    out.entity = m.entity;
    out.kind = m.kind;
    x.mentions.push_back(out);
  }
  FactBuilder fb(a, entities_only, &x);

  // Titles and affiliations written next to a name.
  for (const auto& m : a.mentions) {
    if (m.entity < 0 || m.kind != Mention::Kind::kName) continue;
    const auto& s = doc.sentences[m.sent];
    Side person{m.entity, true, false};
    if (!m.title.empty()) {
      Side title{fb.ConceptByName(m.title), false, false};
      fb.Add(person, "has_title", title, m.title, m.sent, false, Modality::kAsserted, "", 0.85f);
    }
    if (m.affiliation >= 0 && a.mentions[static_cast<size_t>(m.affiliation)].entity >= 0) {
      Side org{a.mentions[static_cast<size_t>(m.affiliation)].entity, true, false};
      fb.Add(person, "affiliated_with", org, SpanText(s, a.mentions[static_cast<size_t>(m.affiliation)].b, m.b), m.sent,
             false, Modality::kAsserted, "", 0.75f);
    }
  }

  // Who a speaker last addressed: carried to a later verb of saying by the
  // same speaker with no addressee of its own ("He warned that ...").
  struct Addressee {
    uint32_t sent;
    Side who;
  };
  std::unordered_map<int, Addressee> last_addressee;

  for (uint32_t si = 0; si < doc.sentences.size(); ++si) {
    const auto& s = doc.sentences[si];
    if (!a.has_tree || s.tokens.empty() || s.tokens[0].head < 0) {
      // Surface fallback: "NAME <a few words with a verb> NAME".
      std::vector<const MentionSpan*> ms;
      for (const auto& m : a.mentions) {
        if (m.sent == si && m.entity >= 0) ms.push_back(&m);
      }
      for (size_t k = 0; k + 1 < ms.size(); ++k) {
        uint32_t gb = ms[k]->e, ge = ms[k + 1]->b;
        if (ge <= gb || ge - gb > 5) continue;
        std::string pred;
        bool verb = false, punct = false;
        for (uint32_t q = gb; q < ge; ++q) {
          const auto& t = s.tokens[q];
          if (t.upos == "PUNCT") punct = true;
          if (t.upos == "VERB" || t.upos == "AUX") verb = true;
          if (t.upos == "DET") continue;
          if (!pred.empty()) pred.push_back('_');
          pred += Lower(t.form);
        }
        if (!verb || punct) continue;
        fb.Add({ms[k]->entity, true, ms[k]->kind == Mention::Kind::kPronoun}, pred,
               {ms[k + 1]->entity, true, ms[k + 1]->kind == Mention::Kind::kPronoun}, SpanText(s, gb, ge), si, false,
               Modality::kAsserted, "", 0.3f);
      }
      continue;
    }
    std::vector<Proposition> props = internal::ExtractPropositions(doc, si, lex_);
    for (const Proposition& p : props) {
      if (p.passive) continue;  // no agent: the subject slot holds the patient
      Side subj = fb.Resolve(si, p.subj.head);
      if (subj.entity < 0) continue;
      std::string attribution;
      if (p.attribution >= 0) {
        int m = a.token_mention[si][static_cast<size_t>(p.attribution)];
        if (m >= 0 && a.mentions[static_cast<size_t>(m)].entity >= 0) {
          const auto& ms = a.mentions[static_cast<size_t>(m)];
          attribution = ms.kind == Mention::Kind::kName ? SpanText(s, ms.b, ms.e)
                                                        : x.entities[static_cast<size_t>(ms.entity)].name;
        } else {
          attribution = p.attribution_text;
        }
      }
      bool addressed = false;
      for (const Arg& arg : p.args) {
        if (arg.clausal) continue;
        Side obj = fb.Resolve(si, arg.head);
        if (obj.entity < 0) continue;
        float c = p.confidence - (arg.prep.empty() ? 0.0f : 0.05f);
        std::string pred = PredicateLabel(p.lemma, arg.prep);
        if (p.lemma == "be" && arg.prep.empty()) {
          // "X is Y" / "X, Y" between two names is nearly always a dateline,
          // a "City, State" pair or a misparse, not an identity.
          if (subj.named && obj.named) continue;
          // "Rubio, the Secretary of State": a title.
          const auto& head_form = s.tokens[static_cast<size_t>(arg.head)].form;
          std::string low = Lower(head_form);
          if (subj.named && lex_.IsTitleWord(low) && x.entities[static_cast<size_t>(subj.entity)].type == EntityType::kPerson) {
            pred = "has_title";
          }
        }
        std::string surface = p.relation + (arg.prep.empty() ? "" : " " + arg.prep);
        fb.Add(subj, pred, obj, surface, si, p.negated, p.modality, attribution, c);
        // Remember addressees of communication and meetings.
        if (subj.named && IsPersonish(x, obj.entity) &&
            (p.speech || lex_.IsSpeechVerb(p.lemma) || p.lemma == "meet" || p.lemma == "talk")) {
          if (arg.prep.empty() || arg.prep == "with" || arg.prep == "to") {
            last_addressee[subj.entity] = {si, obj};
            addressed = true;
          }
        }
      }
      if (p.speech && subj.named && !addressed) {
        auto it = last_addressee.find(subj.entity);
        if (it != last_addressee.end() && si - it->second.sent <= 2 && TakesAddressee(p.lemma)) {
          fb.Add(subj, PredicateLabel(p.lemma, ""), it->second.who, p.relation, si, p.negated, p.modality,
                 attribution, p.confidence - 0.25f);
        } else {
          // The speech fact itself: who says what, the content as a concept
          // ("NBC News - report - informed sources confirmed ...").
          for (const Arg& arg : p.args) {
            if (!arg.clausal) continue;
            uint32_t b = arg.b;
            if (b < arg.e && Lower(s.tokens[b].form) == "that") ++b;
            uint32_t e = std::min(arg.e, b + 12);
            if (e <= b) continue;
            std::string content = SpanText(s, b, e) + (e < arg.e ? " ..." : "");
            fb.Add(subj, PredicateLabel(p.lemma, ""), {fb.ConceptByName(content), false, false}, p.relation, si,
                   p.negated, p.modality, attribution, p.confidence - 0.2f);
            break;
          }
        }
      }
    }
  }
  return x;
}

}  // namespace internal

namespace {

std::vector<OpenTuple> ExtractorImpl::ExtractTuples(std::string_view sentence) const {
  std::vector<OpenTuple> out;
  nlp::Document doc = Analyze(sentence);
  for (uint32_t si = 0; si < doc.sentences.size(); ++si) {
    const auto& s = doc.sentences[si];
    for (const Proposition& p : internal::ExtractPropositions(doc, si, lex_)) {
      OpenTuple t;
      t.confidence = p.confidence;
      std::vector<Arg> args = p.args;
      Arg subj = p.subj;
      std::string rel = p.relation;
      if (p.from_passive && !args.empty()) {
        // CaRB keeps the passive as written: "Ukraine | was invaded by | Russia".
        Arg patient = args.front();
        args.erase(args.begin());
        args.insert(args.begin(), subj);
        subj = patient;
        rel += " by";
      } else if (p.nominal) {
        continue;  // nominalisations feed the graph, not the clause benchmark
      }
      t.args.push_back(SpanText(s, subj.b, subj.e));
      bool first = true;
      for (const Arg& arg : args) {
        if (first && !arg.prep.empty() && !p.from_passive) {
          rel += " " + arg.prep;
          for (auto& c : rel) if (c == '_') c = ' ';
          t.args.push_back(SpanText(s, arg.b, arg.e));
        } else {
          std::string prep = arg.prep;
          for (auto& c : prep) if (c == '_') c = ' ';
          t.args.push_back((prep.empty() ? "" : prep + " ") + SpanText(s, arg.b, arg.e));
        }
        first = false;
      }
      t.relation = rel;
      out.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Extractor>> MakeExtractor(const ExtractorOptions& options) {
  std::string dir = options.model_dir;
#ifdef KG_EXTRACT_HAVE_NLP
  if (dir.empty()) dir = nlp::DefaultModelDir();
#else
  if (dir.empty()) dir = KG_EXTRACT_DEFAULT_MODEL_DIR;
#endif
  std::unique_ptr<NerTagger> ner;
  const std::string ner_path = dir + "/ner.bin";
  if (std::filesystem::exists(ner_path)) {
    auto r = NerTagger::Load(ner_path);
    if (!r.ok()) return r.status();
    ner = std::move(r).value();
  } else if (!options.allow_heuristic_fallback) {
    return Status::NotFound("NER model not found: " + ner_path);
  }
  Lexicon lex = Lexicon::Load(dir + "/lexicon.tsv");
  auto impl = std::make_unique<ExtractorImpl>(options, std::move(ner), std::move(lex));
#ifdef KG_EXTRACT_HAVE_NLP
  std::string error;
  auto pipeline = nlp::Pipeline::Load(dir, &error);
  if (pipeline == nullptr && !options.allow_heuristic_fallback) {
    return Status::NotFound("NLP models: " + error);
  }
  if (pipeline == nullptr) impl->set_fallback_reason(error);
  if (pipeline != nullptr && options.parser_branches >= 0) pipeline->set_parser_branches(options.parser_branches);
  impl->set_pipeline(std::move(pipeline));
#else
  impl->set_fallback_reason("built without extract/nlp");
#endif
  return std::unique_ptr<Extractor>(std::move(impl));
}

}  // namespace kg::extract
