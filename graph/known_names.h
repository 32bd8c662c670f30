// Known names: the graph as a gazetteer.
//
// A tagger trained on web text leaves some names of a news story untagged in
// some articles ("Boeing 737s", an unknown company name read as a verb). Once
// the graph has seen a name in several earlier articles as an organisation,
// place or person, the same capitalised words in a new article are a mention
// of it. The graph is store state, so this step runs when an article is
// committed (store/), never in extract/: `kg extract` stays a pure function
// of the text, and `kg ingest --extracted` gives the same graph as a direct
// ingest.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "graph/extraction.h"
#include "graph/model.h"

namespace kg {

// Answers whether `written` (the words exactly as written, case included) is
// a well-attested name, and of which type. Called at most once per distinct
// candidate of an article.
using KnownNameLookup = std::function<std::optional<EntityType>(std::string_view written)>;

// Adds name mentions to `x` for the capitalised runs of `text` (UTF-8; the
// offsets of `x` are byte offsets into it) that overlap no mention of `x` and
// that `lookup` knows. A run is one or more capitalised words separated by
// single spaces, possibly joined by "of" or "&" ("Bank of America"),
// with a possessive "'s" dropped; the whole run must be the name (a known
// "France" inside "Air France" is not a mention), except that the first word
// of a sentence may be left out ("The Pentagon", "Shares of Boeing"). Each
// mention goes to the article's entity that already uses that exact name (a
// concept of that name takes the lookup's type), else to one new entity per
// name, typed by the lookup. Returns the number of mentions added.
size_t AddKnownNameMentions(std::string_view text, const KnownNameLookup& lookup, Extraction* x);

}  // namespace kg
