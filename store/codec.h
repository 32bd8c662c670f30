// Internal to store/: the compact binary encodings of keys and records.
//
// Keys use fixed-width BIG-ENDIAN integers so that RocksDB's bytewise order is
// numeric order and a bound key prefix is a range. Record values use LEB128
// varints and length-prefixed strings. Layout: store/DESIGN.md.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace kg::store::codec {

inline void PutU64(std::string* s, uint64_t v) {
  for (int i = 7; i >= 0; --i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline void PutU32(std::string* s, uint32_t v) {
  for (int i = 3; i >= 0; --i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline void PutU16(std::string* s, uint16_t v) {
  s->push_back(static_cast<char>(v >> 8));
  s->push_back(static_cast<char>(v & 0xff));
}
inline uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
inline uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
inline uint16_t GetU16(const char* p) {
  return static_cast<uint16_t>((static_cast<unsigned char>(p[0]) << 8) |
                               static_cast<unsigned char>(p[1]));
}

inline std::string U64Key(uint64_t v) {
  std::string s;
  PutU64(&s, v);
  return s;
}

inline void PutVarint(std::string* s, uint64_t v) {
  while (v >= 0x80) {
    s->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  s->push_back(static_cast<char>(v));
}
inline void PutString(std::string* s, std::string_view v) {
  PutVarint(s, v.size());
  s->append(v.data(), v.size());
}
inline void PutFloat(std::string* s, float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  PutU32(s, bits);
}

// Reads a record; any overrun sets ok() to false and yields zeros.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}
  bool ok() const { return ok_; }
  bool done() const { return p_ == end_; }
  uint8_t Byte() {
    if (p_ >= end_) return Fail(), 0;
    return static_cast<uint8_t>(*p_++);
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) return Fail(), 0;
      auto b = static_cast<unsigned char>(*p_++);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail(), 0;
  }
  std::string String() {
    uint64_t n = Varint();
    if (!ok_ || n > static_cast<uint64_t>(end_ - p_)) return Fail(), std::string();
    std::string s(p_, n);
    p_ += n;
    return s;
  }
  // The string as a view into the input (valid as long as the input).
  std::string_view StringView() {
    uint64_t n = Varint();
    if (!ok_ || n > static_cast<uint64_t>(end_ - p_)) return Fail(), std::string_view();
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  // The next n bytes as a view into the input.
  std::string_view Bytes(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) return Fail(), std::string_view();
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  float Float() {
    if (end_ - p_ < 4) return Fail(), 0.0f;
    uint32_t bits = GetU32(p_);
    p_ += 4;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }

 private:
  void Fail() { ok_ = false; p_ = end_; }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace kg::store::codec
