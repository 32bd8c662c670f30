// The data model shared by every module: articles, entities, facts and the
// evidence that ties a fact to the sentence it was read from.
//
// Offsets everywhere in kg are UTF-8 BYTE offsets into the article text,
// half-open [begin, end).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kg {

using EntityId = uint64_t;   // 0 is never a valid id
using FactId = uint64_t;     // 0 is never a valid id
using ArticleSeq = uint64_t; // ingestion sequence number: 1, 2, 3, ... (one per log entry)

enum class EntityType : uint8_t {
  kPerson = 0,
  kOrganization = 1,
  kPlace = 2,      // countries, cities, regions
  kGroup = 3,      // nationalities, religious and political groups (NORP)
  kMisc = 4,       // other named things: events, products, laws, works
  kConcept = 5,    // a non-named argument: "weapons", "a peace plan"
};
inline constexpr int kEntityTypeCount = 6;

// "person", "organization", "place", "group", "misc", "concept".
std::string_view EntityTypeName(EntityType t);
// Accepts the names above, case-insensitively, plus common synonyms
// (PER, ORG, LOC, GPE, NORP, organisation). Returns false if unknown.
bool ParseEntityType(std::string_view s, EntityType* out);

struct Article {
  ArticleSeq seq = 0;          // assigned by the store
  std::string id;              // from the input (jsonl id, or file name)
  std::string title;
  std::string date;            // ISO 8601 "YYYY-MM-DD" when known, else ""
  std::string source;
  std::string url;
  std::string content_hash;    // hex digest of the text; equal text = same article
  uint64_t bytes = 0;          // size of the text
};

struct Entity {
  EntityId id = 0;
  std::string name;                   // canonical name
  EntityType type = EntityType::kMisc;
  std::vector<std::string> aliases;   // every surface name seen or given, canonical included
  uint64_t mentions = 0;              // number of mentions over all articles
  ArticleSeq first_seen = 0;
};

// Modality of a fact: what the clause says about its reality.
enum class Modality : uint8_t { kAsserted = 0, kPossible = 1, kNecessary = 2, kIntended = 3, kReported = 4 };
std::string_view ModalityName(Modality m);

struct Evidence {
  ArticleSeq article_seq = 0;
  std::string article_id;
  uint32_t sentence_index = 0;   // 0-based sentence number in the article
  uint64_t sentence_begin = 0;   // byte offsets of the sentence in the article text
  uint64_t sentence_end = 0;
  std::string sentence;          // the sentence text as written
  std::string surface;           // the predicate words as written ("cannot continue supplying")
  std::string attribution;       // who says so ("NBC News"), "" when the article itself asserts it
  float confidence = 0.0f;       // in [0, 1]
};

struct Fact {
  FactId id = 0;
  EntityId subject = 0;
  std::string predicate;         // normalised label, e.g. "disagree_with", "warn"
  EntityId object = 0;
  bool negated = false;          // a negated fact is never shown as a positive one
  Modality modality = Modality::kAsserted;
  // Aggregates over the evidence visible to the reader that produced them:
  ArticleSeq first_seen = 0;
  uint32_t support = 0;          // number of distinct articles
  float confidence = 0.0f;       // max confidence over the evidence
  std::string surface;           // surface words of the first evidence
};

// Lower-case, fold runs of white space, strip a leading "the ". Used for the
// alias index, so "The  Pentagon" and "pentagon" meet.
std::string NormalizeName(std::string_view name);

}  // namespace kg
