#include <iostream>

#include "cli/commands.h"

namespace kg::cli {

CLI::RuntimeError Fail(const std::string& cmd, const std::string& message, int code) {
  std::cerr << "kg " << cmd << ": " << message << "\n";
  return CLI::RuntimeError(code);
}

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk: return kExitOk;
    case Status::Code::kBusy: return kExitBusy;
    case Status::Code::kInvalidArgument: return kExitUsage;
    default: return kExitFailure;
  }
}

std::unique_ptr<store::Store> OpenStore(const GlobalOptions& g, const std::string& cmd,
                                        store::OpenMode mode) {
  auto s = store::Store::Open(g.db_path, mode);
  if (!s.ok()) throw Fail(cmd, s.status().ToString(), ExitCodeFor(s.status()));
  return std::move(s).value();
}

}  // namespace kg::cli
