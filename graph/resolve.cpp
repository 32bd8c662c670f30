#include "graph/resolve.h"

namespace kg {

namespace {
bool Compatible(EntityType a, EntityType b) {
  if (a == b) return true;
  // A name typed misc in one article may be typed precisely in another.
  return a == EntityType::kMisc || b == EntityType::kMisc;
}
}  // namespace

int ResolveEntity(const LocalEntity& local, const std::vector<ResolveCandidate>& candidates) {
  // First version: join when the best name of the article is already an alias
  // of exactly one compatible entity; several such entities = ambiguous.
  const std::string best = NormalizeName(local.name);
  int found = -1;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const auto& c = candidates[i];
    if (!Compatible(local.type, c.entity.type)) continue;
    bool hit_best = false;
    for (const auto& n : c.hit_names) hit_best = hit_best || n == best;
    if (!hit_best) continue;
    if (found >= 0) return -1;
    found = static_cast<int>(i);
  }
  return found;
}

}  // namespace kg
