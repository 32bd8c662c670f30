// Versioned binary model files. Layout: 8-byte magic "KGNLPMDL", a 4-byte
// little-endian format version, a length-prefixed kind string ("tagger",
// "parser", ...), then the model's own payload. Readers check everything
// (magic, version, kind, every length against the bytes left) and fail with
// a message instead of reading past the end.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace kg::nlp {

inline constexpr char kModelMagic[8] = {'K', 'G', 'N', 'L', 'P', 'M', 'D', 'L'};
inline constexpr uint32_t kModelVersion = 4;

class ModelWriter {
 public:
  explicit ModelWriter(const std::string& kind);
  template <typename T>
  void Put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const char* p = reinterpret_cast<const char*>(&v);
    buf_.append(p, sizeof(T));
  }
  void PutString(const std::string& s);
  template <typename T>
  void PutVector(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    Put<uint64_t>(v.size());
    if (!v.empty()) buf_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void PutStrings(const std::vector<std::string>& v);
  // Writes the buffer to `path`; false + *error on failure.
  bool Save(const std::string& path, std::string* error) const;
  const std::string& bytes() const { return buf_; }

 private:
  std::string buf_;
};

class ModelReader {
 public:
  // Reads the whole file and checks magic, version and kind.
  bool Open(const std::string& path, const std::string& kind, std::string* error);
  // From memory (tests).
  bool OpenBytes(std::string bytes, const std::string& kind, const std::string& name,
                 std::string* error);
  template <typename T>
  bool Get(T* v) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (pos_ + sizeof(T) > buf_.size()) return Fail();
    std::memcpy(v, buf_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool GetString(std::string* s);
  template <typename T>
  bool GetVector(std::vector<T>* v) {
    uint64_t n;
    if (!Get(&n)) return false;
    if (n > (buf_.size() - pos_) / sizeof(T)) return Fail();
    v->resize(n);
    if (n) std::memcpy(v->data(), buf_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return true;
  }
  bool GetStrings(std::vector<std::string>* v);
  bool ok() const { return ok_; }
  // Bytes not read yet (to bound element counts before allocating).
  size_t remaining() const { return buf_.size() - pos_; }
  std::string error() const { return name_ + ": truncated or corrupt model file"; }

 private:
  bool Fail() {
    ok_ = false;
    return false;
  }
  std::string buf_, name_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace kg::nlp
