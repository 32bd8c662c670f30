#include "graph/status.h"

namespace kg {

std::string Status::ToString() const {
  const char* prefix = "";
  switch (code_) {
    case Code::kOk: return "ok";
    case Code::kNotFound: prefix = "not found: "; break;
    case Code::kInvalidArgument: prefix = ""; break;  // user errors read best unprefixed
    case Code::kCorruption: prefix = "corruption: "; break;
    case Code::kIoError: prefix = "I/O error: "; break;
    case Code::kBusy: prefix = ""; break;
    case Code::kVersionMismatch: prefix = "version mismatch: "; break;
    case Code::kTimeout: prefix = "timeout: "; break;
    case Code::kInternal: prefix = "internal error: "; break;
  }
  return prefix + message_;
}

}  // namespace kg
