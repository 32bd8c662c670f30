// Internal helpers shared by the writers (not part of the module's API).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kg::exports::internal {

// Copies `s`, replacing each byte that is not part of a well-formed UTF-8
// sequence by U+FFFD, so every writer emits valid UTF-8 whatever it is given.
std::string ValidUtf8(std::string_view s);

// Fixed formatting for floating point numbers ("%.4g"-like but never
// exponent notation for values in [1e-4, 1e6]), same on every platform.
std::string FormatNumber(double v, int decimals = 3);

// "disagree_with" -> "disagree with".
std::string PredicateWords(std::string_view predicate);

// A short human label for a fact: "may not disagree with".
std::string FactLabel(std::string_view predicate, bool negated, uint8_t modality);

}  // namespace kg::exports::internal
