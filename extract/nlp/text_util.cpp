#include "extract/nlp/text_util.h"

namespace kg::nlp {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
int ValidSeqLen(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  int n;
  char32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (int k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n;
}

}  // namespace

std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const int n = ValidSeqLen(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  return out;
}

char32_t DecodeAt(std::string_view s, size_t i, int* len) {
  const int n = i < s.size() ? ValidSeqLen(s, i) : 0;
  if (n == 0) {
    *len = 1;
    return 0xFFFD;
  }
  *len = n;
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (n == 1) return b0;
  char32_t cp = b0 & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

bool IsSpaceCp(char32_t c) {
  return c <= 0x20 || c == 0x7F || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

bool IsAlphaCp(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  // Latin-1 letters, Latin Extended, Greek, Cyrillic, ... and CJK: treat as
  // letters. Punctuation blocks are excluded.
  if (c == 0xD7 || c == 0xF7) return false;
  if (c >= 0xC0 && c <= 0x24F) return true;
  if (c >= 0x370 && c <= 0x1FFF) return true;
  if (c >= 0x3040 && c <= 0xD7FF) return true;
  if (c >= 0xF900 && c <= 0xFAFF) return true;
  return false;
}

bool IsDigitCp(char32_t c) { return c >= '0' && c <= '9'; }

bool IsUpperCp(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return true;
  if (c >= 0x100 && c <= 0x17F) return (c % 2) == 0;
  return false;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
  return out;
}

std::string Shape(std::string_view s, size_t max_len) {
  std::string out;
  char last = 0;
  size_t i = 0;
  while (i < s.size() && out.size() < max_len) {
    int len;
    const char32_t c = DecodeAt(s, i, &len);
    char k;
    if (IsDigitCp(c)) k = 'd';
    else if (IsUpperCp(c)) k = 'X';
    else if (IsAlphaCp(c)) k = 'x';
    else if (c < 0x80) k = static_cast<char>(c);
    else k = '*';
    if (k != last) out += k;
    last = k;
    i += len;
  }
  return out;
}

std::string_view SuffixCp(std::string_view s, int n) {
  size_t i = s.size();
  while (i > 0 && n > 0) {
    --i;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    --n;
  }
  return s.substr(i);
}

std::string_view PrefixCp(std::string_view s, int n) {
  size_t i = 0;
  while (i < s.size() && n > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --n;
  }
  return s.substr(0, i);
}

}  // namespace kg::nlp
