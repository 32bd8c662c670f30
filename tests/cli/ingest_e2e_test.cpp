// `kg ingest`, `kg entities`, `kg merge`, `kg alias` run as a user would.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "store/store.h"
#include "tests/test_util.h"

using kg::test::TempDir;

namespace {

using Run = kg::test::KgRun;

// Runs `kg ARGS` with the database in `dir`; `stdin_file` is fed on stdin.
Run Kg(const TempDir& dir, const std::string& args, const std::string& stdin_file = "/dev/null") {
  return kg::test::RunKg(dir, "--db " + dir.str() + "/kg.db " + args, stdin_file);
}

void Write(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

const std::string kExamples = std::string(KG_SOURCE_DIR) + "/examples";

}  // namespace

TEST_CASE("kg ingest examples/: articles + facts and entities land in the database - again is a no-op") {
  TempDir dir;
  Run r = Kg(dir, "ingest --json " + kExamples);
  INFO(r.err);
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  const uint64_t articles = j["articles"];
  CHECK(articles >= 2);
  CHECK(j["errors"] == 0);
  CHECK(j["new_facts"].get<uint64_t>() > 0);
  CHECK(j["new_entities"].get<uint64_t>() > 0);
  {
    auto store = kg::store::Store::Open(dir.str() + "/kg.db", kg::store::OpenMode::kReadOnly);
    REQUIRE(store.ok());
    auto reader = store.value()->NewReader();
    CHECK(reader->LastSeq() == articles);
    CHECK_FALSE(reader->FindByName("Ukraine").empty());
    CHECK(reader->FindArticle("us-ukraine-rift.txt"));
    auto st = store.value()->Stats();
    REQUIRE(st.ok());
    CHECK(st->facts == j["new_facts"].get<uint64_t>());
  }
  r = Kg(dir, "ingest " + kExamples);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("ingested 0 articles"));
  CHECK_THAT(r.out, Catch::Contains(std::to_string(articles) + " skipped (already in the graph)"));
}

TEST_CASE("kg ingest: bad inputs are named + the rest is ingested + the exit status says so") {
  TempDir dir;
  const std::string in = dir.str() + "/in";
  std::filesystem::create_directories(in);
  Write(in + "/a-good.txt", "Acme Corp bought Globex in Paris.\n");
  Write(in + "/b-empty.txt", "");
  Write(in + "/c-binary.txt", std::string("\x7f" "ELF\0\0\0", 7));
  Write(in + "/d-latin1.txt", "Caf\xe9 Paris.");
  Write(in + "/e-news.jsonl", "{\"id\": \"n1\", \"text\": \"Kyiv welcomed the plan.\"}\n{oops\n");
  Run r = Kg(dir, "ingest --json " + in + " " + dir.str() + "/missing.txt");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains(in + "/b-empty.txt: empty article"));
  CHECK_THAT(r.err, Catch::Contains(in + "/c-binary.txt: binary data"));
  CHECK_THAT(r.err, Catch::Contains(in + "/d-latin1.txt: invalid UTF-8 at byte offset 3"));
  CHECK_THAT(r.err, Catch::Contains(in + "/e-news.jsonl:2: malformed JSON"));
  CHECK_THAT(r.err, Catch::Contains(dir.str() + "/missing.txt: no such file or directory"));
  CHECK_THAT(r.err, Catch::Contains("5 inputs could not be ingested"));
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["articles"] == 2);
  CHECK(j["errors"] == 5);
}

TEST_CASE("kg ingest - reads stdin - nothing to ingest is a usage error") {
  TempDir dir;
  Write(dir.str() + "/story.txt", "Ukraine and Poland signed a treaty.\n");
  Run r = Kg(dir, "ingest --json -", dir.str() + "/story.txt");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(nlohmann::json::parse(r.out)["articles"] == 1);
  r = Kg(dir, "ingest");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("nothing to ingest"));
}

TEST_CASE("kg ingest fails at once with exit status 3 while another process writes") {
  TempDir dir;
  auto holder = kg::store::Store::Open(dir.str() + "/kg.db", kg::store::OpenMode::kReadWrite);
  REQUIRE(holder.ok());
  Write(dir.str() + "/story.txt", "Ukraine and Poland signed a treaty.\n");
  Run r = Kg(dir, "ingest " + dir.str() + "/story.txt");
  CHECK(r.status == 3);
  CHECK_THAT(r.err, Catch::Contains("kg ingest: database " + dir.str() + "/kg.db is locked by another kg process (pid"));
  // Readers still work meanwhile.
  r = Kg(dir, "entities");
  CHECK(r.status == 0);
}

TEST_CASE("kg ingest --jobs 1 and --jobs 3 build the same graph") {
  TempDir a, b;
  REQUIRE(Kg(a, "ingest --jobs 1 " + kExamples).status == 0);
  REQUIRE(Kg(b, "ingest --jobs 3 " + kExamples).status == 0);
  Run ea = Kg(a, "entities --json"), eb = Kg(b, "entities --json");
  REQUIRE(ea.status == 0);
  CHECK(ea.out.size() > 100);
  CHECK(ea.out == eb.out);
}

TEST_CASE("kg entities: types + limits + order - kg alias and kg merge correct resolution") {
  TempDir dir;
  REQUIRE(Kg(dir, "ingest " + kExamples).status == 0);
  Run r = Kg(dir, "entities --type place --limit 3 --json");
  REQUIRE(r.status == 0);
  auto places = nlohmann::json::parse(r.out);
  REQUIRE(places.size() >= 2);
  CHECK(places.size() <= 3);
  for (size_t i = 0; i < places.size(); ++i) {
    CHECK(places[i]["type"] == "place");
    if (i > 0) CHECK(places[i - 1]["mentions"].get<uint64_t>() >= places[i]["mentions"].get<uint64_t>());
  }
  CHECK(Kg(dir, "entities --type nonsense").status == 2);
  r = Kg(dir, "entities");
  CHECK_THAT(r.out, Catch::StartsWith("ID      TYPE          MENTIONS  NAME\n"));

  // alias: a new name for the top place.
  const std::string top = places[0]["name"];
  const uint64_t top_id = places[0]["id"];
  r = Kg(dir, "alias \"The Homeland\" \"" + top + "\"");
  INFO(r.err);
  REQUIRE(r.status == 0);
  auto all = nlohmann::json::parse(Kg(dir, "entities --json").out);
  bool has_alias = false;
  for (const auto& e : all) {
    if (e["id"] == top_id) {
      for (const auto& a : e["aliases"]) has_alias = has_alias || a == "The Homeland";
    }
  }
  CHECK(has_alias);

  // merge: the second place into the first, by id.
  const uint64_t second_id = places[1]["id"];
  const uint64_t total = places[0]["mentions"].get<uint64_t>() + places[1]["mentions"].get<uint64_t>();
  r = Kg(dir, "merge '#" + std::to_string(top_id) + "' " + std::to_string(second_id));
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::StartsWith("merged "));
  auto after = nlohmann::json::parse(Kg(dir, "entities --json").out);
  CHECK(after.size() == all.size() - 1);
  for (const auto& e : after) {
    CHECK(e["id"] != second_id);
    if (e["id"] == top_id) CHECK(e["mentions"] == total);
  }
  r = Kg(dir, "merge \"No Such Entity\" " + std::to_string(top_id));
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("no entity named \"No Such Entity\""));
}

TEST_CASE("kg ingest --extracted stores what kg extract found + like a direct ingest") {
  TempDir direct, via;
  const std::string article = kExamples + "/us-ukraine-rift.txt";
  REQUIRE(Kg(direct, "ingest " + article).status == 0);
  Run x = Kg(via, "extract --format jsonl " + article);
  REQUIRE(x.status == 0);
  Write(via.str() + "/x.jsonl", x.out);
  Run r = Kg(via, "ingest --json --extracted - ", via.str() + "/x.jsonl");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(nlohmann::json::parse(r.out)["articles"] == 1);
  Run a = Kg(direct, "entities --json"), b = Kg(via, "entities --json");
  CHECK(a.out.size() > 100);
  CHECK(a.out == b.out);
  Write(via.str() + "/bad.jsonl", "{\"id\": \"x\"}\n");
  r = Kg(via, "ingest --extracted " + via.str() + "/bad.jsonl");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains(via.str() + "/bad.jsonl:1: "));
}

// Known names (graph/known_names.h) depend on the store, so they are added at
// commit: both paths must give them. Invented articles: the tagger finds the
// made-up company "Dorning" in the first two only.
TEST_CASE("kg ingest --extracted equals a direct ingest - known names added at commit included") {
  TempDir direct, via;
  const std::string articles = direct.str() + "/dorning.jsonl";
  Write(articles,
        "{\"id\":\"k1\",\"title\":\"t1\",\"text\":\"The aircraft maker Dorning said on Monday that it would cut "
        "500 jobs. Shares of Dorning fell 3 percent.\"}\n"
        "{\"id\":\"k2\",\"title\":\"t2\",\"text\":\"Airlines ordered 40 jets from Dorning, the company said in a "
        "statement.\"}\n"
        "{\"id\":\"k3\",\"title\":\"t3\",\"text\":\"Dorning delivered ten planes to Ryanair last month. Analysts "
        "expect more orders.\"}\n"
        "{\"id\":\"k4\",\"title\":\"t4\",\"text\":\"Ryanair will buy more Dorning 737s next year, the airline "
        "said.\"}\n");
  REQUIRE(Kg(direct, "ingest " + articles).status == 0);
  Run x = Kg(via, "extract --format jsonl " + articles);
  REQUIRE(x.status == 0);
  // The extraction alone misses Dorning in k3 and k4.
  int extracted = 0;
  std::istringstream lines(x.out);
  for (std::string line; std::getline(lines, line);) {
    auto rec = nlohmann::json::parse(line);
    for (const auto& m : rec["mentions"]) {
      const std::string text = rec["text"];
      extracted += text.substr(m["begin"], m["end"].get<size_t>() - m["begin"].get<size_t>()) == "Dorning";
    }
  }
  CHECK(extracted == 3);
  Write(via.str() + "/x.jsonl", x.out);
  Run r = Kg(via, "ingest --json --extracted " + via.str() + "/x.jsonl");
  INFO(r.err);
  REQUIRE(r.status == 0);
  Run a = Kg(direct, "entities --json"), b = Kg(via, "entities --json");
  CHECK(a.out == b.out);
  auto entities = nlohmann::json::parse(a.out);
  REQUIRE(!entities.empty());
  CHECK(entities[0]["name"] == "Dorning");
  CHECK(entities[0]["mentions"] == 6);  // 3 names and "it" from extraction, then k3 and k4
}

// A secondary instance used to leave a missing table file out of its version
// silently: `kg query` answered without that file's rows and exited 0.
TEST_CASE("kg query and kg stats on a database with a deleted table file fail + name the file") {
  TempDir dir;
  Run r = Kg(dir, "ingest " + kExamples);
  INFO(r.err);
  REQUIRE(r.status == 0);
  r = Kg(dir, "upgrade");  // compacts every family into table files
  REQUIRE(r.status == 0);
  const std::string db = dir.str() + "/kg.db";
  std::string largest;
  uintmax_t largest_size = 0;
  for (const auto& e : std::filesystem::directory_iterator(db)) {
    if (e.path().extension() == ".sst" && e.file_size() > largest_size) {
      largest_size = e.file_size();
      largest = e.path().string();
    }
  }
  REQUIRE(!largest.empty());
  std::filesystem::remove(largest);
  for (const std::string cmd : {"query 'MATCH (a)-[r]->(b) RETURN count(*)'", "stats"}) {
    INFO(cmd);
    r = Kg(dir, cmd);
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("database " + db + " is damaged: table file " + largest +
                                      ", which its MANIFEST lists, is missing"));
  }
}
