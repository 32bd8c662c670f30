// Cross-article entity resolution policy: does an entity seen in a new
// article join an entity already in the graph? A pure function, so the store
// (which gathers the candidates through its alias index) and the tests share
// one definition. Ambiguous cases stay apart rather than merging wrongly.
#pragma once

#include <string>
#include <vector>

#include "graph/extraction.h"
#include "graph/model.h"

namespace kg {

struct ResolveCandidate {
  Entity entity;                 // an existing entity one of the local names hit
  std::vector<std::string> hit_names;  // which of local.names hit its aliases (normalised)
};

// A normalised organisation name without its trailing legal form
// ("apple inc." -> "apple", "airtanker ltd." -> "airtanker"); the name
// itself when it has none or is a single word. The store looks this form up
// too, so "Apple Inc." finds the entity named "Apple".
std::string NameCore(const std::string& normalized);

// Returns the index in `candidates` of the entity `local` is, or -1 for a new
// entity.
int ResolveEntity(const LocalEntity& local, const std::vector<ResolveCandidate>& candidates);

}  // namespace kg
