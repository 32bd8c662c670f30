// JSON form of an extraction: the record of `kg extract --format jsonl` and
// the input of `kg ingest --extracted`. One record = one article: its
// metadata, its text and what extraction found in it. The schema is
// documented in docs/extraction.md.
//
// Pure functions; thread-safe. No JSON library types leak through this header.
#pragma once

#include <string>
#include <string_view>

#include "graph/extraction.h"
#include "graph/model.h"
#include "graph/status.h"

namespace kg {

struct ExtractedArticle {
  Article article;        // id, title, date, source, url (seq, content_hash, bytes are ignored)
  std::string text;       // the article text all offsets refer to
  Extraction extraction;
};

// One line of JSON (no trailing newline).
std::string ToJson(const ExtractedArticle& record);

// Parses one record. Errors are kInvalidArgument with a message naming the
// offending field (the caller adds file and line). Offsets and indices are
// checked: a mention outside the text or a fact naming a missing entity is an
// error, never undefined behaviour downstream.
Result<ExtractedArticle> FromJson(std::string_view line);

// The names used for Mention::Kind in JSON: "name", "pronoun", "nominal".
std::string_view MentionKindName(Mention::Kind k);

}  // namespace kg
