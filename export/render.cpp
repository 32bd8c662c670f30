#include "export/render.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace kg::exports {

std::optional<std::string> FindProgram(std::string_view program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string_view rest = path;
  while (true) {
    const size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + std::string(program);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

Status RenderDot(const std::string& dot, std::string_view engine, std::string_view format,
                 const std::string& out_path) {
  if (format != "svg" && format != "png" && format != "pdf") {
    return Status::InvalidArgument("cannot render to '" + std::string(format) + "' (svg, png or pdf)");
  }
  auto exe = FindProgram(engine);
  if (!exe) {
    return Status::NotFound("Graphviz '" + std::string(engine) +
                            "' is not installed (apt-get install graphviz), so --format " +
                            std::string(format) + " is unavailable; --format dot writes the source");
  }
  // The DOT goes through a temp file rather than a pipe: no deadlock risk on
  // large graphs and Graphviz's error messages name a real file.
  namespace fs = std::filesystem;
  const fs::path tmp = fs::temp_directory_path() /
                       ("kg-render-" + std::to_string(::getpid()) + "-" +
                        std::to_string(reinterpret_cast<uintptr_t>(&dot)));
  const std::string in_path = tmp.string() + ".dot";
  const std::string err_path = tmp.string() + ".err";
  {
    std::ofstream f(in_path, std::ios::binary);
    f << dot;
    if (!f) return Status::IoError("cannot write temporary file " + in_path);
  }
  std::vector<std::string> args = {*exe, "-T" + std::string(format), "-o", out_path, in_path};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, exe->c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  std::error_code ec;
  if (rc != 0) {
    fs::remove(in_path, ec);
    fs::remove(err_path, ec);
    return Status::IoError("cannot run " + *exe);
  }
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  std::ostringstream err;
  {
    std::ifstream f(err_path);
    err << f.rdbuf();
  }
  fs::remove(in_path, ec);
  fs::remove(err_path, ec);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    std::string msg = err.str();
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Status::IoError(std::string(engine) + " failed writing " + out_path +
                           (msg.empty() ? std::string() : ": " + msg));
  }
  return Status::Ok();
}

}  // namespace kg::exports
