// A read-only open of a database with a damaged table file: RocksDB's
// secondary instance leaves a table file the MANIFEST lists but that is
// missing or cut short out of its version without an error, and reads then
// answered without that file's rows. The open must refuse it instead.
#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "store/store.h"
#include "tests/store/article_builder.h"
#include "tests/store/store_fixture.h"
#include "tests/test_util.h"

using kg::EntityType;
using kg::store::OpenMode;
using kg::store::Store;
using kg::test::ArticleBuilder;
using kg::test::Commit;
using kg::test::OpenRw;
using kg::test::TempDir;

namespace fs = std::filesystem;

namespace {

// A small database whose rows all sit in table files (Upgrade compacts every
// family), and the path of its largest table file.
std::string DatabaseWithTables(const TempDir& dir) {
  const std::string path = dir.str() + "/db";
  {
    auto store = OpenRw(path);
    for (int i = 0; i < 20; ++i) {
      ArticleBuilder a("t" + std::to_string(i));
      int org = a.Entity("Org " + std::to_string(i), EntityType::kOrganization);
      int place = a.Entity("Place " + std::to_string(i % 3), EntityType::kPlace);
      a.Sentence("Org " + std::to_string(i) + " opened in Place " + std::to_string(i % 3) + ".");
      a.Fact(org, "open in", place);
      Commit(*store, a);
    }
  }
  auto up = Store::Upgrade(path);
  INFO(up.ToString());
  REQUIRE(up.ok());
  std::string largest;
  uintmax_t largest_size = 0;
  for (const auto& e : fs::directory_iterator(path)) {
    if (e.path().extension() != ".sst") continue;
    if (e.file_size() > largest_size) {
      largest_size = e.file_size();
      largest = e.path().string();
    }
  }
  REQUIRE(!largest.empty());
  // The intact database opens read-only (so the refusals below are the damage's).
  auto ro = Store::Open(path, OpenMode::kReadOnly);
  INFO(ro.status().ToString());
  REQUIRE(ro.ok());
  return largest;
}

}  // namespace

TEST_CASE("a read-only open refuses a database whose MANIFEST lists a deleted table file") {
  TempDir dir;
  const std::string table = DatabaseWithTables(dir);
  fs::remove(table);
  auto s = Store::Open(dir.str() + "/db", OpenMode::kReadOnly);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == kg::Status::Code::kCorruption);
  CHECK(s.status().message() == "database " + dir.str() + "/db is damaged: table file " + table +
                                    ", which its MANIFEST lists, is missing; refusing to answer without its "
                                    "rows (restore the directory from a copy)");
  // No private directory of the refused secondary instance is left behind.
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path())) {
    const std::string name = e.path().filename().string();
    if (name.rfind("kg-ro-" + std::to_string(::getpid()) + "-", 0) == 0) left.push_back(name);
  }
  CHECK(left.empty());
}

TEST_CASE("a read-only open refuses a database whose MANIFEST lists a truncated table file") {
  TempDir dir;
  const std::string table = DatabaseWithTables(dir);
  const uintmax_t size = fs::file_size(table);
  fs::resize_file(table, size / 2);
  auto s = Store::Open(dir.str() + "/db", OpenMode::kReadOnly);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == kg::Status::Code::kCorruption);
  CHECK(s.status().message() == "database " + dir.str() + "/db is damaged: table file " + table +
                                    ", which its MANIFEST lists, fails RocksDB's size check (" +
                                    std::to_string(size / 2) +
                                    " bytes: cut short or overwritten); refusing to answer without its rows "
                                    "(restore the directory from a copy)");
}
