// The NLP bench tools' command lines (bench/tool_args.h): --help, and bad
// options or numbers rejected with exit 2 and the argument named, never an
// uncaught exception.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "tests/test_util.h"

namespace {

kg::test::KgRun Run(const kg::test::TempDir& dir, const std::string& tool, const std::string& args) {
  return kg::test::RunTool(dir, tool, args);
}

}  // namespace

TEST_CASE("kg-nlp-run and kg-nlp-bench answer --help and reject bad arguments", "[nlp][tools]") {
  if (!std::filesystem::exists(std::string(KG_BINARY_DIR) + "/bench/nlp/kg-nlp-run")) {
    std::cout << "KG_SKIP: the bench tools are not built (KG_BUILD_BENCH=OFF)\n";
    return;
  }
  kg::test::TempDir dir;
  for (const std::string tool : {"bench/nlp/kg-nlp-run", "bench/nlp/kg-nlp-bench"}) {
    INFO(tool);
    auto r = Run(dir, tool, "--help");
    CHECK(r.status == 0);
    CHECK(r.out.find("--branches K") != std::string::npos);
    r = Run(dir, tool, "--branches many some.txt");
    CHECK(r.status == 2);
    CHECK(r.err.find("bad argument --branches many") != std::string::npos);
    r = Run(dir, tool, "--branches 65 some.txt");
    CHECK(r.status == 2);
    r = Run(dir, tool, "--frobnicate some.txt");
    CHECK(r.status == 2);
    CHECK(r.err.find("bad argument --frobnicate") != std::string::npos);
  }
  auto r = Run(dir, "bench/nlp/kg-nlp-run", "--input xml some.txt");
  CHECK(r.status == 2);
  CHECK(r.err.find("bad argument --input xml") != std::string::npos);
  r = Run(dir, "bench/nlp/kg-nlp-bench", "--limit -3");
  CHECK(r.status == 2);
  // A good command line still works: one sentence through the greedy parser.
  const std::string text = dir.str() + "/one.txt";
  { std::ofstream(text) << "The minister spoke in Kyiv.\n"; }
  r = Run(dir, "bench/nlp/kg-nlp-run", "--branches 0 " + text);
  CHECK(r.status == 0);
  CHECK(r.out.find("# text = The minister spoke in Kyiv.") != std::string::npos);
}
