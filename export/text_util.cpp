#include "export/text_util.h"

#include <cmath>
#include <cstdio>

#include "graph/model.h"

namespace kg::exports::internal {

std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2; cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3; cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4; cp = c & 0x07;
    }
    bool ok = len != 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
               (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)) {
      ok = false;
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

std::string FormatNumber(double v, int decimals) {
  if (!std::isfinite(v)) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  // Trim trailing zeros ("0.500" -> "0.5", "2.000" -> "2").
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string PredicateWords(std::string_view predicate) {
  std::string out(predicate);
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  return out;
}

std::string FactLabel(std::string_view predicate, bool negated, uint8_t modality) {
  std::string prefix;
  switch (static_cast<Modality>(modality)) {
    case Modality::kPossible: prefix = "may "; break;
    case Modality::kNecessary: prefix = "must "; break;
    case Modality::kIntended: prefix = "intends: "; break;
    case Modality::kReported: prefix = "reportedly "; break;
    case Modality::kAsserted: break;
  }
  if (negated) prefix += "not ";
  return prefix + PredicateWords(predicate);
}

}  // namespace kg::exports::internal
