// What extraction produces for one article: a pure function of its text.
//
// This is the contract between extract/ (which fills it) and store/ (which
// resolves its local entities against the graph and commits it). It is also
// the record format of `kg extract --format jsonl` / `kg ingest --extracted`,
// see ToJson/FromJson in graph/extraction_json.h.
//
// Indices: `LocalEntity` indices are positions in Extraction::entities;
// sentence indices are positions in Extraction::sentences. Offsets are UTF-8
// byte offsets into the article text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/model.h"

namespace kg {

struct SentenceSpan {
  uint64_t begin = 0;
  uint64_t end = 0;
};

// One occurrence of an entity in the text.
struct Mention {
  uint64_t begin = 0;        // byte offsets of the words as written ("He", "Rubio's")
  uint64_t end = 0;
  uint32_t sentence = 0;
  int32_t entity = -1;       // index into Extraction::entities
  enum class Kind : uint8_t { kName = 0, kPronoun = 1, kNominal = 2 } kind = Kind::kName;
};

// An entity as seen inside one article (within-article coreference done).
struct LocalEntity {
  std::string name;                  // best name in the article ("Marco Rubio")
  EntityType type = EntityType::kMisc;
  std::vector<std::string> names;    // every name form used ("Rubio", "Marco Rubio")
  std::vector<std::string> titles;   // role words tied to it ("Secretary of State")
};

struct ExtractedFact {
  int32_t subject = -1;              // index into Extraction::entities
  int32_t object = -1;
  std::string predicate;             // normalised label
  std::string surface;               // words as written
  bool negated = false;
  Modality modality = Modality::kAsserted;
  uint32_t sentence = 0;
  std::string attribution;           // "" or the source's name as written
  float confidence = 0.0f;
};

struct Extraction {
  std::vector<SentenceSpan> sentences;
  std::vector<LocalEntity> entities;
  std::vector<Mention> mentions;
  std::vector<ExtractedFact> facts;
  uint64_t tokens = 0;               // number of tokens read (for speed figures)
};

}  // namespace kg
