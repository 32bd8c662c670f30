// What the adj family (schema 5) must hold given the spo rows: for every
// subject with 1..kAdjMaxRows rows, its rows in key order packed into one
// value (store/records.h).
#pragma once

#include <map>
#include <string>

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

}  // namespace kg::test
