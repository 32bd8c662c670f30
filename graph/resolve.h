// Cross-article entity resolution policy: does an entity seen in a new
// article join an entity already in the graph? A pure function, so the store
// (which gathers the candidates through its alias index) and the tests share
// one definition. Ambiguous cases stay apart rather than merging wrongly.
#pragma once

#include <vector>

#include "graph/extraction.h"
#include "graph/model.h"

namespace kg {

struct ResolveCandidate {
  Entity entity;                 // an existing entity one of the local names hit
  std::vector<std::string> hit_names;  // which of local.names hit its aliases (normalised)
};

// Returns the index in `candidates` of the entity `local` is, or -1 for a new
// entity.
int ResolveEntity(const LocalEntity& local, const std::vector<ResolveCandidate>& candidates);

}  // namespace kg
