// UTF-8 and character-class helpers used by the tokenizer and the feature
// extractors. Every decoder here checks bounds: it never reads past the end.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kg::nlp {

// Returns `s` with every invalid UTF-8 sequence (bad lead byte, truncated or
// overlong sequence, surrogate, > U+10FFFF) replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view s);

// Decodes the code point at s[i] (s must be valid UTF-8); sets *len to its
// byte length (>= 1). Returns U+FFFD on malformed input.
char32_t DecodeAt(std::string_view s, size_t i, int* len);

bool IsSpaceCp(char32_t c);   // Unicode white space incl. NBSP and control chars
bool IsAlphaCp(char32_t c);   // ASCII letters and any non-ASCII letter-like code point
bool IsDigitCp(char32_t c);
bool IsUpperCp(char32_t c);   // ASCII A-Z and Latin-1/Latin Extended-A capitals

// ASCII lower-casing (non-ASCII bytes unchanged).
std::string Lower(std::string_view s);

// Word shape: "Xxxx" -> "Xx", "U.S." -> "X.X.", "1,234" -> "d,d"; at most
// `max_len` shape characters, runs collapsed.
std::string Shape(std::string_view s, size_t max_len = 6);

// Last `n` code points of s (whole s if shorter).
std::string_view SuffixCp(std::string_view s, int n);
std::string_view PrefixCp(std::string_view s, int n);

}  // namespace kg::nlp
