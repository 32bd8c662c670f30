// The start entities kg-query-loop and kg-query-ab draw: `n` names of
// entities picked uniformly among the subjects of facts (like kg-bench-query's
// "uniform" row), from a seeded generator, so two runs ask the same. Empty
// when the store has no facts. Public store API only, and included by its
// path relative to the tools, so query_loop.cpp still builds alone against
// an older commit's libraries.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "store/store.h"

inline std::vector<std::string> UniformSubjectNames(const kg::store::Store& store, size_t n, uint64_t seed) {
  auto reader = store.NewReader();
  std::vector<kg::EntityId> subjects;
  (void)reader->ScanFacts({}, [&](const kg::Fact& f) {
    subjects.push_back(f.subject);
    return true;
  });
  std::sort(subjects.begin(), subjects.end());
  subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
  std::vector<std::string> names;
  if (subjects.empty()) return names;
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < n; ++i) {
    auto e = reader->GetEntity(subjects[std::uniform_int_distribution<size_t>(0, subjects.size() - 1)(rng)]);
    names.push_back(e ? e->name : std::string());
  }
  return names;
}
