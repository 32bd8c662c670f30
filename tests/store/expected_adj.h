// What the adj family (schema 5) must hold given the spo rows: for every
// subject with 1..kAdjMaxRows rows, its rows in key order packed into one
// value. And what hubc (schema 6) must satisfy given spo and stpo
// (store/records.h).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "store/codec.h"
#include "store/records.h"

namespace kg::test {

inline std::map<std::string, std::string> ExpectedAdj(const std::map<std::string, std::string>& spo) {
  std::map<std::string, std::string> packed;
  std::map<std::string, size_t> rows;
  for (const auto& [k, v] : spo) {
    const std::string subject = k.substr(0, 8);
    store::internal::AppendAdjRow(&packed[subject], k, v);
    ++rows[subject];
  }
  for (const auto& [subject, n] : rows) {
    if (n > store::internal::kAdjMaxRows) packed.erase(subject);
  }
  return packed;
}

// The first way `hubc` differs from what spo and stpo imply, or "" when it
// holds exactly: a marker (the subject's key, empty value) for every hub (a
// subject with more than kAdjMaxRows spo rows) and no other subject; per
// (subject, type) group of a hub, chunks in key order whose rows,
// concatenated, are the group's stpo rows; each chunk 1..kHubChunkMaxRows
// rows and keyed by the stpo key of its first row. Chunk boundaries depend
// on the order of past commits, so only these properties are checked.
inline std::string HubChunkProblems(const std::map<std::string, std::string>& spo,
                                    const std::map<std::string, std::string>& stpo,
                                    const std::map<std::string, std::string>& hubc) {
  namespace in = store::internal;
  std::map<std::string, size_t> rows_of;
  for (const auto& [k, v] : spo) ++rows_of[k.substr(0, 8)];
  auto is_hub = [&](const std::string& subject) {
    auto it = rows_of.find(subject);
    return it != rows_of.end() && it->second > in::kAdjMaxRows;
  };
  size_t markers = 0, hubs = 0;
  for (const auto& [s, n] : rows_of) hubs += n > in::kAdjMaxRows ? 1 : 0;
  // group -> rows (stpo key, value) as the chunks hold them
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> chunked;
  for (const auto& [k, v] : hubc) {
    if (k.size() == 8) {
      if (!is_hub(k)) return "a marker of entity " + std::to_string(store::codec::GetU64(k.data())) + ", not a hub";
      if (!v.empty()) return "a marker with a value";
      ++markers;
      continue;
    }
    if (k.size() != in::kStpoKeySize) return "a key of " + std::to_string(k.size()) + " bytes";
    if (!is_hub(k.substr(0, 8))) return "a chunk of entity " + std::to_string(store::codec::GetU64(k.data())) + ", not a hub";
    const std::string group = k.substr(0, in::kStpoGroupSize);
    auto& rows = chunked[group];
    const size_t before = rows.size();
    const bool ok = in::ForEachAdjRow(v, [&](std::string_view suffix, std::string_view value) {
      rows.emplace_back(group + std::string(suffix), std::string(value));
      return true;
    });
    if (!ok) return "a chunk does not decode";
    const size_t n = rows.size() - before;
    if (n == 0 || n > in::kHubChunkMaxRows) return "a chunk of " + std::to_string(n) + " rows";
    if (rows[before].first != k) return "a chunk not keyed by its first row";
  }
  if (markers != hubs) return std::to_string(markers) + " markers, " + std::to_string(hubs) + " hubs";
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> want;
  for (const auto& [k, v] : stpo) {
    if (is_hub(k.substr(0, 8))) want[k.substr(0, in::kStpoGroupSize)].emplace_back(k, v);
  }
  if (chunked.size() != want.size()) {
    return std::to_string(chunked.size()) + " chunked groups, " + std::to_string(want.size()) + " groups of hubs";
  }
  for (const auto& [group, rows] : want) {
    auto it = chunked.find(group);
    if (it == chunked.end()) return "a group of a hub without chunks";
    if (it->second != rows) return "a group's chunks differ from its stpo rows";
  }
  return "";
}

}  // namespace kg::test
