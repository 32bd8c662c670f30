#include "query/error.h"

#include <algorithm>
#include <cctype>

namespace kg::query {

std::string FormatQueryError(std::string_view query, const QueryError& error) {
  std::string out = "line " + std::to_string(error.pos.line) + ", column " +
                    std::to_string(error.pos.column) + ": " + error.message;
  // Find the line the error is on.
  size_t begin = 0;
  for (int line = 1; line < error.pos.line && begin < query.size(); ++line) {
    size_t nl = query.find('\n', begin);
    if (nl == std::string_view::npos) {
      begin = query.size();
      break;
    }
    begin = nl + 1;
  }
  size_t end = query.find('\n', begin);
  if (end == std::string_view::npos) end = query.size();
  std::string text(query.substr(begin, end - begin));
  // Tabs would misalign the caret.
  std::replace(text.begin(), text.end(), '\t', ' ');
  if (!text.empty() && text.back() == '\r') text.pop_back();
  out += "\n  " + text + "\n  " + std::string(static_cast<size_t>(std::max(0, error.pos.column - 1)), ' ') + "^";
  return out;
}

Status ToStatus(std::string_view query, const QueryError& error) {
  return Status::InvalidArgument(FormatQueryError(query, error));
}

namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Optimal string alignment distance (Levenshtein plus adjacent swaps),
// case-insensitive.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
      // A swap of two neighbours ("wran" for "warn") is one typo, not two.
      if (i > 1 && j > 1 && Lower(a[i - 1]) == Lower(b[j - 2]) && Lower(a[i - 2]) == Lower(b[j - 1])) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    prev2 = prev;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.empty() || word.size() > 64) return "";
  // A typo is at most one edit in short words, two in longer ones, three in long ones.
  size_t budget = word.size() <= 4 ? 1 : (word.size() <= 10 ? 2 : 3);
  std::string best;
  size_t best_distance = budget + 1;
  for (const auto& c : candidates) {
    // The word itself is not a suggestion.
    if (EditDistance(word, c) == 0) return "";
    if (c.size() > word.size() + budget || c.size() + budget < word.size()) continue;
    size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (best.empty() && word.size() >= 4) {
    // A prefix of a longer name ("disagree" for "disagree_with").
    for (const auto& c : candidates) {
      if (c.size() > word.size() && EditDistance(word, c.substr(0, word.size())) == 0) return c;
    }
  }
  return best;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best = ClosestMatch(word, candidates);
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

}  // namespace kg::query
