// Helpers shared by the test executables.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <iostream>
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

}  // namespace kg::test

// Use at the top of a test that needs ../shared/data.
#define KG_REQUIRE_SHARED_DATA(var)                                             \
  const std::string var = ::kg::test::SharedData();                             \
  if (var.empty()) {                                                            \
    std::cout << "KG_SKIP: ../shared/data not found; set KG_SHARED_DATA\n";     \
    return;                                                                     \
  }
