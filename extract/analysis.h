// Internal stages of extraction, each a function over the parsed document:
//   nlp::Document -> NER tags -> mentions -> within-article coreference
//   -> clauses (propositions) -> facts.
// Not part of the public API (extract/extractor.h is); exposed for tests and
// for `kg extract --format carb`.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "extract/ner.h"
#include "extract/nlp/document.h"
#include "graph/extraction.h"
#include "graph/model.h"

namespace kg::extract::internal {

// Word lists and tables read from models/lexicon.tsv (built at train time from
// WordNet) plus small built-in closed lists.
struct Lexicon {
  std::unordered_map<std::string, std::string> nominal_to_verb;  // "invasion" -> "invade"
  std::unordered_map<std::string, uint8_t> first_name_gender;    // 1 male, 2 female
  bool IsTitleWord(std::string_view lower) const;     // "secretary", "president", "envoy"
  bool IsTitleModifier(std::string_view lower) const; // "vice", "special", "former", "deputy"
  bool IsSpeechVerb(std::string_view lemma) const;    // "say", "report", "warn", "state"
  // Loads `path` (missing file = built-in lists only).
  static Lexicon Load(const std::string& path);
};

// One mention: a token span [b, e) in sentence `sent`.
struct MentionSpan {
  uint32_t sent = 0;
  uint32_t b = 0, e = 0;
  uint32_t head = 0;             // token index of the head (last name token)
  EntityType type = EntityType::kMisc;
  Mention::Kind kind = Mention::Kind::kName;
  int entity = -1;               // index into Analysis::entities
  std::string title;             // title words right before a person name
  int affiliation = -1;          // mention index of an org/place in the title run
};

struct Analysis {
  const nlp::Document* doc = nullptr;
  std::vector<std::vector<int>> ner;               // per sentence, per token tag id
  std::vector<MentionSpan> mentions;               // in text order, names first then others
  std::vector<std::vector<int>> token_mention;     // per sentence, per token: mention index or -1
  std::vector<LocalEntity> entities;
  std::vector<uint8_t> gender;                     // per entity: 0 unknown, 1 male, 2 female
  bool has_tree = false;
};

// Names, titles and pronouns, with within-article coreference.
void FindMentions(const nlp::Document& doc, const NerTagger* ner, const Lexicon& lex, Analysis* a);
void ResolveCoreference(const Lexicon& lex, Analysis* a, const Gazetteer* gazetteer = nullptr);

// An argument of a proposition.
struct Arg {
  int head = -1;            // token index in the sentence
  uint32_t b = 0, e = 0;    // token span of its words (CaRB text)
  std::string prep;         // "to", "with", "" for a core argument
  bool clausal = false;     // a clause (ccomp/xcomp) rather than a noun phrase
};

// One clause read off the dependency tree: subject, relation, arguments.
struct Proposition {
  uint32_t sent = 0;
  int pred = -1;                  // token index of the predicate word
  std::string lemma;              // normalised predicate without preposition ("warn", "back_down")
  std::string relation;           // CaRB relation words ("cannot continue supplying")
  Arg subj;
  std::vector<Arg> args;
  bool negated = false;
  Modality modality = Modality::kAsserted;
  bool passive = false;           // passive without agent: subj is the patient
  bool from_passive = false;      // turned active: args[0] was the passive subject
  bool nominal = false;           // read off a nominalisation ("invasion of")
  bool speech = false;            // a verb of saying with a clausal complement
  int attribution = -1;           // token index of the head of the source ("NBC", "Rubio")
  std::string attribution_text;   // the source's words ("Current and former U.S. officials")
  float confidence = 0.5f;
};

std::vector<Proposition> ExtractPropositions(const nlp::Document& doc, uint32_t sent, const Lexicon& lex);

// The whole extraction over an analysed document (tagged and parsed, or
// heuristic): what Extractor::Extract returns after the NLP pipeline.
Extraction ExtractFromDocument(const nlp::Document& doc, const NerTagger* ner, const Lexicon& lex,
                               bool entities_only);

// Words of [b, e) in sentence `s` joined with single spaces.
std::string SpanText(const nlp::Sentence& s, uint32_t b, uint32_t e);

}  // namespace kg::extract::internal
