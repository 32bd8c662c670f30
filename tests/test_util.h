// Helpers shared by the test executables.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <unistd.h>

namespace kg::test {

// ../shared/data, or $KG_SHARED_DATA. Empty when absent.
inline std::string SharedData() {
  const char* env = std::getenv("KG_SHARED_DATA");
  std::string dir = (env != nullptr && *env != '\0') ? env : KG_SHARED_DATA;
  return std::filesystem::is_directory(dir) ? dir : std::string();
}

// A fresh empty directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("kg-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// The whole content of a file ("" when it cannot be read).
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct KgRun {
  int status = -1;       // exit status, -1 when killed by a signal
  std::string out, err;
};

// Runs the built program `tool` (a path under the build directory, such as
// "cli/kg") with `args` (already shell-quoted), standard input from
// `stdin_file`; output is captured through files in `dir`.
inline KgRun RunTool(const TempDir& dir, const std::string& tool, const std::string& args,
                     const std::string& stdin_file = "/dev/null") {
  const std::string out = dir.str() + "/kg-out.txt", err = dir.str() + "/kg-err.txt";
  const std::string cmd = std::string(KG_BINARY_DIR) + "/" + tool + " " + args + " <" + stdin_file +
                          " >" + out + " 2>" + err;
  KgRun r;
  const int st = std::system(cmd.c_str());
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

// Runs the built `kg` (see RunTool).
inline KgRun RunKg(const TempDir& dir, const std::string& args,
                   const std::string& stdin_file = "/dev/null") {
  return RunTool(dir, "cli/kg", args, stdin_file);
}

}  // namespace kg::test

// Use at the top of a test that needs ../shared/data.
#define KG_REQUIRE_SHARED_DATA(var)                                             \
  const std::string var = ::kg::test::SharedData();                             \
  if (var.empty()) {                                                            \
    std::cout << "KG_SKIP: ../shared/data not found; set KG_SHARED_DATA\n";     \
    return;                                                                     \
  }
