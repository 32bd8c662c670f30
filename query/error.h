// Query errors: a position, a message, and the rendering that points at the
// spot:
//
//   line 1, column 10: unknown label 'Persn'; did you mean 'Person'?
//     MATCH (a:Persn) RETURN a
//              ^
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "graph/status.h"

namespace kg::query {

// A position in the query text. line and column are 1-based; column counts
// code points (so the caret lines up under UTF-8 text); offset is in bytes.
struct SourcePos {
  int line = 1;
  int column = 1;
  size_t offset = 0;
};

struct QueryError {
  SourcePos pos;
  std::string message;
};

// "line L, column C: message\n  <the line>\n  <spaces>^".
std::string FormatQueryError(std::string_view query, const QueryError& error);
// The same as an InvalidArgument Status.
Status ToStatus(std::string_view query, const QueryError& error);

// The candidate closest to `word` by edit distance (case-insensitive), or ""
// when none is close enough to be a plausible misspelling.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);
// "; did you mean 'X'?" or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace kg::query
