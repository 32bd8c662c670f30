// Input reading: formats, order, and a clear message for every bad input.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "ingest/input.h"
#include "tests/test_util.h"

using kg::ingest::InputItem;
using kg::ingest::OpenInputs;
using kg::test::TempDir;
namespace fs = std::filesystem;

namespace {

void Write(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

std::vector<InputItem> ReadAll(const std::vector<std::string>& paths, const std::string& stdin_text = "",
                               kg::ingest::InputOptions opt = {}) {
  std::istringstream in(stdin_text);
  auto src = OpenInputs(paths, in, opt);
  std::vector<InputItem> out;
  InputItem item;
  while (src->Next(&item)) out.push_back(item);
  return out;
}

}  // namespace

TEST_CASE("a plain-text file: id is the file name + title the short first line") {
  TempDir dir;
  Write(dir.path() / "rift.txt", "US and Ukraine at odds\n\nThe Pentagon paused aid. Kyiv protested.\n");
  Write(dir.path() / "notitle.txt", "One long paragraph without a title line.");
  auto items = ReadAll({(dir.path() / "rift.txt").string(), (dir.path() / "notitle.txt").string()});
  REQUIRE(items.size() == 2);
  CHECK(items[0].error.empty());
  CHECK(items[0].article.id == "rift.txt");
  CHECK(items[0].article.title == "US and Ukraine at odds");
  CHECK(items[0].text == "US and Ukraine at odds\n\nThe Pentagon paused aid. Kyiv protested.\n");
  CHECK(items[1].article.title.empty());
}

TEST_CASE("directories are read recursively in name order - hidden and non-article files skipped") {
  TempDir dir;
  Write(dir.path() / "b.txt", "B text.");
  Write(dir.path() / "a" / "z.txt", "AZ text.");
  Write(dir.path() / "a" / "c.txt", "AC text.");
  Write(dir.path() / ".hidden" / "x.txt", "hidden.");
  Write(dir.path() / ".dot.txt", "hidden too.");
  Write(dir.path() / "README.md", "not an article.");
  Write(dir.path() / "run.sh", "echo not an article");
  auto items = ReadAll({dir.str()});
  std::vector<std::string> texts;
  for (const auto& i : items) texts.push_back(i.text);
  CHECK(texts == std::vector<std::string>{"AC text.", "AZ text.", "B text."});
}

TEST_CASE("JSON Lines: fields + nulls + dates + and a malformed line named by file:line") {
  TempDir dir;
  const fs::path p = dir.path() / "news.jsonl";
  Write(p,
        R"({"id": "r-1", "title": "T1", "date": "1987-02-26T15:01:01", "source": "Reuters", "url": null, "text": "First text."})"
        "\n\n"
        R"({"id": "r-2", "text": "Second)"
        "\n"
        R"({"id": 3, "text": "Third text.", "date": "2020-01-02"})"
        "\n"
        R"([1, 2])"
        "\n"
        R"({"id": "r-5", "title": "no text"})"
        "\n"
        R"({"id": "r-6", "text": "   "})"
        "\n"
        R"({"text": "Nameless.", "title": ["x"]})"
        "\n");
  auto items = ReadAll({p.string()});
  REQUIRE(items.size() == 7);
  CHECK(items[0].error.empty());
  CHECK(items[0].article.id == "r-1");
  CHECK(items[0].article.title == "T1");
  CHECK(items[0].article.date == "1987-02-26");
  CHECK(items[0].article.source == "Reuters");
  CHECK(items[0].article.url.empty());
  CHECK(items[0].text == "First text.");
  CHECK(items[0].origin == p.string() + ":1");
  CHECK_THAT(items[1].error, Catch::StartsWith(p.string() + ":3: malformed JSON"));
  CHECK(items[2].error.empty());
  CHECK(items[2].article.id == "3");
  CHECK(items[2].article.date == "2020-01-02");
  CHECK(items[3].error == p.string() + ":5: expected a JSON object with a \"text\" field");
  CHECK(items[4].error == p.string() + ":6: no \"text\" field");
  CHECK(items[5].error == p.string() + ":7: empty article (no text)");
  CHECK(items[6].error == p.string() + ":8: field \"title\" must be a string");
}

TEST_CASE("bad files get a message naming them and the batch goes on") {
  TempDir dir;
  Write(dir.path() / "1-empty.txt", "");
  Write(dir.path() / "2-blank.txt", " \n\t\n");
  Write(dir.path() / "3-binary", std::string("PK\x03\x04\0\0data", 10));
  Write(dir.path() / "4-latin1.txt", "Caf\xe9 au lait.");
  Write(dir.path() / "5-good.txt", "Good text.");
  Write(dir.path() / "6-surrogate.txt", "bad \xed\xa0\x80 surrogate");
  const std::string missing = (dir.path() / "missing.txt").string();
  auto items = ReadAll({dir.str(), missing});
  REQUIRE(items.size() == 7);
  auto name = [&](const char* f) { return (dir.path() / f).string(); };
  CHECK(items[0].error == name("1-empty.txt") + ": empty article (no text)");
  CHECK(items[1].error == name("2-blank.txt") + ": empty article (no text)");
  CHECK(items[2].error == name("3-binary") + ": binary data (NUL byte at byte offset 4)");
  CHECK(items[3].error == name("4-latin1.txt") + ": invalid UTF-8 at byte offset 3");
  CHECK(items[4].error.empty());
  CHECK(items[5].error == name("6-surrogate.txt") + ": invalid UTF-8 at byte offset 4");
  CHECK(items[6].error == missing + ": no such file or directory");
}

TEST_CASE("unreadable paths are reported + not fatal") {
  TempDir dir;
  Write(dir.path() / "file.txt", "text");
  const std::string inside = (dir.path() / "file.txt" / "inner.txt").string();
  auto items = ReadAll({inside, (dir.path() / "file.txt").string()});
  REQUIRE(items.size() == 2);
  CHECK_THAT(items[0].error, Catch::StartsWith(inside + ": "));
  CHECK(items[1].error.empty());
  if (::geteuid() != 0) {  // root reads everything
    fs::permissions(dir.path() / "file.txt", fs::perms::none);
    items = ReadAll({(dir.path() / "file.txt").string()});
    REQUIRE(items.size() == 1);
    CHECK_THAT(items[0].error, Catch::Contains("cannot open"));
  }
}

TEST_CASE("a 50 MB single-line file is refused with its size + without stopping the batch") {
  TempDir dir;
  const std::string big(50'000'000, 'a');
  Write(dir.path() / "big.txt", big);
  Write(dir.path() / "big.jsonl", "{\"id\": \"x\", \"text\": \"" + big + "\"}\n{\"id\": \"y\", \"text\": \"Small.\"}\n");
  Write(dir.path() / "small.txt", "Small text.");
  auto items = ReadAll({(dir.path() / "big.txt").string(), (dir.path() / "big.jsonl").string(),
                        (dir.path() / "small.txt").string()});
  REQUIRE(items.size() == 4);
  CHECK_THAT(items[0].error, Catch::Contains("big.txt: article too large (50.0 MB; the limit is 8.4 MB)"));
  CHECK_THAT(items[1].error, Catch::Contains("big.jsonl:1: line too long (50.0 MB"));
  CHECK(items[2].error.empty());
  CHECK(items[2].article.id == "y");
  CHECK(items[3].error.empty());
}

TEST_CASE("stdin: JSON Lines when it starts with '{' + else one plain-text article") {
  auto items = ReadAll({"-"}, "\n {\"id\": \"s1\", \"text\": \"One.\"}\n{\"id\": \"s2\", \"text\": \"Two.\"}\n");
  REQUIRE(items.size() == 2);
  CHECK(items[0].article.id == "s1");
  CHECK(items[0].origin == "<stdin>:2");
  CHECK(items[1].text == "Two.");
  items = ReadAll({"-"}, "Headline\nBody of the article.\n");
  REQUIRE(items.size() == 1);
  CHECK(items[0].article.id == "stdin");
  CHECK(items[0].article.title == "Headline");
  items = ReadAll({"-"}, "");
  REQUIRE(items.size() == 1);
  CHECK(items[0].error == "<stdin>: empty article (no text)");
}

TEST_CASE("FindInvalidUtf8 accepts valid UTF-8 and points at the first bad byte") {
  using kg::ingest::FindInvalidUtf8;
  CHECK_FALSE(FindInvalidUtf8("plain ascii"));
  CHECK_FALSE(FindInvalidUtf8("Kyiv — Київ 😀"));
  CHECK(FindInvalidUtf8("ab\x80") == std::optional<size_t>(2));
  CHECK(FindInvalidUtf8("\xc0\xaf") == std::optional<size_t>(0));          // overlong '/'
  CHECK(FindInvalidUtf8("x\xe0\x80\xaf") == std::optional<size_t>(1));      // overlong 3-byte
  CHECK(FindInvalidUtf8("\xf4\x90\x80\x80") == std::optional<size_t>(0));   // > U+10FFFF
  CHECK(FindInvalidUtf8("ok \xe2\x82") == std::optional<size_t>(3));        // truncated
}
