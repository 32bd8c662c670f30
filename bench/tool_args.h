// Small helpers for the bench and development tools' command lines: --help
// anywhere on the line, and whole-string integer options (no exceptions, so
// a bad number is an error message, not an abort).
#pragma once

#include <charconv>
#include <string>

namespace kg::bench {

inline bool WantsHelp(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

// `text` as an integer in [lo, hi]; false if it is not one.
template <typename T>
bool ParseInt(const std::string& text, T lo, T hi, T* out) {
  T v{};
  const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || err != std::errc() || end != text.data() + text.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

}  // namespace kg::bench
