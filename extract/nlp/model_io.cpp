#include "extract/nlp/model_io.h"

#include <fstream>
#include <iterator>

namespace kg::nlp {

ModelWriter::ModelWriter(const std::string& kind) {
  buf_.append(kModelMagic, sizeof(kModelMagic));
  Put<uint32_t>(kModelVersion);
  PutString(kind);
}

void ModelWriter::PutString(const std::string& s) {
  Put<uint32_t>(static_cast<uint32_t>(s.size()));
  buf_ += s;
}

void ModelWriter::PutStrings(const std::vector<std::string>& v) {
  Put<uint64_t>(v.size());
  for (const auto& s : v) PutString(s);
}

bool ModelWriter::Save(const std::string& path, std::string* error) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  out.close();
  if (!out) {
    if (error) *error = path + ": cannot write model file";
    return false;
  }
  return true;
}

bool ModelReader::Open(const std::string& path, const std::string& kind, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = path + ": cannot open model file";
    return false;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return OpenBytes(std::move(bytes), kind, path, error);
}

bool ModelReader::OpenBytes(std::string bytes, const std::string& kind, const std::string& name,
                            std::string* error) {
  buf_ = std::move(bytes);
  name_ = name;
  pos_ = 0;
  ok_ = true;
  if (buf_.size() < sizeof(kModelMagic) || std::memcmp(buf_.data(), kModelMagic, 8) != 0) {
    if (error) *error = name + ": not a kg NLP model file (bad magic)";
    return false;
  }
  pos_ = sizeof(kModelMagic);
  uint32_t version = 0;
  std::string got_kind;
  if (!Get(&version) || !GetString(&got_kind)) {
    if (error) *error = this->error();
    return false;
  }
  if (version != kModelVersion) {
    if (error)
      *error = name + ": model format version " + std::to_string(version) + ", this build reads " +
               std::to_string(kModelVersion) + " (retrain with models/train.sh)";
    return false;
  }
  if (got_kind != kind) {
    if (error) *error = name + ": is a '" + got_kind + "' model, expected '" + kind + "'";
    return false;
  }
  return true;
}

bool ModelReader::GetString(std::string* s) {
  uint32_t n;
  if (!Get(&n)) return false;
  if (n > buf_.size() - pos_) return Fail();
  s->assign(buf_.data() + pos_, n);
  pos_ += n;
  return true;
}

bool ModelReader::GetStrings(std::vector<std::string>* v) {
  uint64_t n;
  if (!Get(&n)) return false;
  if (n > buf_.size() - pos_) return Fail();  // each string needs >= 4 bytes
  v->resize(n);
  for (auto& s : *v)
    if (!GetString(&s)) return false;
  return true;
}

}  // namespace kg::nlp
