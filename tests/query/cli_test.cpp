// The query commands end to end: runs the built `kg` binary (skipped when it
// has not been built) on the fixture graph and checks output and exit codes.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/query/fixture.h"
#include "tests/test_util.h"

namespace {

struct Run {
  std::string out;
  int status = -1;
};

Run Sh(const std::string& cmd) {
  Run r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace

TEST_CASE("kg query, shell and the shortcuts run on a read-only store", "[query][cli]") {
  const std::string kg = std::string(KG_BINARY_DIR) + "/cli/kg";
  if (!std::filesystem::exists(kg)) {
    std::cout << "KG_SKIP: " << kg << " not built\n";
    return;
  }
  kg::test::TempDir dir;
  {
    auto opened = kg::store::Store::Open(dir.str(), kg::store::OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    REQUIRE(kg::test::BuildFixtureGraph(**opened).ok());
  }
  const std::string base = kg + " --db " + dir.str() + " ";

  Run q = Sh(base + "query 'MATCH (a {name: $who})-[r:warn]->(b) RETURN b.name AS target ORDER BY target' "
                    "--param who=Rubio --format csv");
  CHECK(q.status == 0);
  CHECK(q.out == "target\r\nIran\r\nRussia\r\n");

  Run bad = Sh(base + "query 'MATCH (a:Persn) RETURN a'");
  CHECK(bad.status == 2);
  CHECK(bad.out ==
        "kg query: line 1, column 10: unknown label 'Persn'; did you mean 'Person'?\n"
        "  MATCH (a:Persn) RETURN a\n"
        "           ^\n");

  Run as_of = Sh(base + "query 'MATCH (a:Person) RETURN count(*) AS n' --as-of 2025-11-19 --format jsonl");
  CHECK(as_of.status == 0);
  CHECK(as_of.out == "{\"n\":2}\n");

  std::ofstream(dir.path() / "q.cypher") << "// from a file\nMATCH (a {name: 'Kyiv'})\nRETURN a.type AS t\n";
  Run file = Sh(base + "query -f " + (dir.path() / "q.cypher").string() + " --format jsonl");
  CHECK(file.status == 0);
  CHECK(file.out == "{\"t\":\"place\"}\n");

  Run path = Sh(base + "path Trump Iran --format jsonl");
  CHECK(path.status == 0);
  CHECK(path.out.find("\"hops\":3") != std::string::npos);

  Run facts = Sh(base + "facts Russia --format csv");
  CHECK(facts.status == 0);
  CHECK(facts.out.find("Russia,attack,NATO,negative,asserted,reuters-2,Russia did not attack NATO.") !=
        std::string::npos);

  Run nb = Sh(base + "neighbors NATO --format csv");
  CHECK(nb.status == 0);
  CHECK(nb.out ==
        "neighbor,type,subject,relation,object,polarity,support\r\n"
        "Russia,place,Russia,attack,NATO,negative,1\r\n"
        "Russia,place,NATO,warn,Russia,positive,1\r\n"
        "Ukraine,place,Ukraine,join,NATO,positive,1\r\n");

  // The shell reads piped input: multi-line queries end with ';', errors do
  // not stop it, and the exit status reports them.
  Run shell = Sh("printf 'MATCH (a:Person)\\nRETURN count(*) AS n;\\n:format jsonl\\nMATCH (a) RETRUN a;\\n"
                 "MATCH (a {name: \"Iran\"}) RETURN a.name AS name;\\n' | HOME=" + dir.str() + " " + base + "shell");
  CHECK(shell.status == 1);
  CHECK(shell.out.find("n\n-\n3\n(1 row)\n") != std::string::npos);
  CHECK(shell.out.find("error: line 1, column 11: unknown clause 'RETRUN'; did you mean 'RETURN'?") != std::string::npos);
  CHECK(shell.out.find("{\"name\":\"Iran\"}") != std::string::npos);
  std::ifstream hist(dir.path() / ".kg_history");
  std::string first;
  std::getline(hist, first);
  CHECK(first == "MATCH (a:Person) RETURN count(*) AS n");
}
