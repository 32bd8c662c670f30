// End to end: the built `kg` ingests Wikinews articles in date order, then
// log, diff, AS OF (stats/export --as-of) and retract are checked against
// counts computed here independently, by full scans of store views.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "store/store.h"
#include "tests/test_util.h"

namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs kg with `args`; stdout into *out; returns the exit status.
int Kg(const std::string& db, const std::string& args, std::string* out) {
  const fs::path tmp = fs::temp_directory_path() / ("kg-e2e-" + std::to_string(::getpid()) + ".out");
  const std::string cmd = std::string(KG_BINARY_DIR) + "/cli/kg --quiet --db '" + db + "' " + args + " >" +
                          tmp.string() + " 2>" + tmp.string() + ".err";
  const int rc = std::system(cmd.c_str());
  if (out != nullptr) *out = Slurp(tmp);
  const std::string err = Slurp(tmp.string() + ".err");
  if (!err.empty()) std::cout << "kg " << args << ": " << err;
  fs::remove(tmp);
  fs::remove(tmp.string() + ".err");
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

struct Views {
  std::unique_ptr<kg::store::Store> store;
  std::unique_ptr<kg::store::Reader> At(kg::ArticleSeq seq) const {
    kg::store::View v;
    v.as_of = seq;
    return store->NewReader(v);
  }
  size_t Facts(kg::ArticleSeq seq) const {
    size_t n = 0;
    (void)At(seq)->ScanFacts(kg::store::TriplePattern{}, [&](const kg::Fact&) {
      ++n;
      return true;
    });
    return n;
  }
  size_t Entities(kg::ArticleSeq seq) const {
    size_t n = 0;
    (void)At(seq)->ScanEntities([&](const kg::Entity&) {
      ++n;
      return true;
    });
    return n;
  }
};

Views Open(const std::string& db) {
  auto s = kg::store::Store::Open(db, kg::store::OpenMode::kReadOnly);
  REQUIRE(s.ok());
  return Views{std::move(s).value()};
}

}  // namespace

TEST_CASE("history end to end on Wikinews: log, diff, as-of, retract", "[cli][history][e2e]") {
  KG_REQUIRE_SHARED_DATA(shared);
  const fs::path source = fs::path(shared) / "news/wikinews-2019-2020/articles.jsonl";
  if (!fs::exists(source)) {
    std::cout << "KG_SKIP: " << source << " not found\n";
    return;
  }
  if (Kg("/nonexistent", "ingest --help", nullptr) != 0) {
    std::cout << "KG_SKIP: this kg has no ingest command\n";
    return;
  }
  kg::test::TempDir dir;
  const std::string db = (dir.path() / "kg.db").string();
  // The first articles of the file (sorted by date), written in that order.
  constexpr int kArticles = 8;
  std::vector<std::string> ids;
  {
    std::ifstream in(source);
    std::ofstream out(dir.path() / "in.jsonl");
    std::string line;
    while (static_cast<int>(ids.size()) < kArticles && std::getline(in, line)) {
      ids.push_back(nlohmann::json::parse(line)["id"].get<std::string>());
      out << line << "\n";
    }
  }
  std::string out;
  REQUIRE(Kg(db, "ingest " + (dir.path() / "in.jsonl").string(), &out) == 0);

  // ---- log: one entry per article, in input order; counts add up to the views.
  REQUIRE(Kg(db, "log --json", &out) == 0);
  auto log = nlohmann::json::parse(out);
  REQUIRE(log.size() == ids.size());
  uint64_t new_facts = 0, new_entities = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    CHECK(log[i]["seq"] == i + 1);
    CHECK(log[i]["id"] == ids[i]);
    new_facts += log[i]["new_facts"].get<uint64_t>();
    new_entities += log[i]["new_entities"].get<uint64_t>();
  }
  {
    Views v = Open(db);
    CHECK(new_facts == v.Facts(UINT64_MAX));
    CHECK(new_entities == v.Entities(UINT64_MAX));
    REQUIRE(v.Facts(UINT64_MAX) > 0);
    // As of each seq: prefix sums of the log equal full scans of that view.
    uint64_t sum = 0;
    for (size_t i = 0; i < log.size(); ++i) {
      sum += log[i]["new_facts"].get<uint64_t>();
      CHECK(sum == v.Facts(i + 1));
    }
  }

  // ---- diff 2..6: added = growth of the fact count; reinforced = facts
  // visible at 2 with evidence from 3..6 (counted here from the evidence).
  REQUIRE(Kg(db, "diff 2 6 --format json", &out) == 0);
  auto diff = nlohmann::json::parse(out);
  {
    Views v = Open(db);
    CHECK(diff["added"].size() == v.Facts(6) - v.Facts(2));
    auto r2 = v.At(2);
    auto r6 = v.At(6);
    size_t reinforced = 0;
    (void)r2->ScanFacts(kg::store::TriplePattern{}, [&](const kg::Fact& f) {
      bool later = false;
      (void)r6->ScanEvidence(f.id, [&](const kg::Evidence& ev) {
        later = later || (ev.article_seq > 2 && ev.article_seq <= 6);
        return true;
      });
      reinforced += later;
      return true;
    });
    CHECK(diff["reinforced"].size() == reinforced);
    CHECK(diff["retracted"].empty());
    CHECK(diff["entries"].size() == 4);
  }
  // Dates and ids name the same points.
  std::string by_id;
  REQUIRE(Kg(db, "diff " + ids[1] + " " + ids[5] + " --format json", &by_id) == 0);
  CHECK(nlohmann::json::parse(by_id)["added"].size() == diff["added"].size());

  // ---- AS OF in stats and export.
  REQUIRE(Kg(db, "stats --as-of 3 --format json", &out) == 0);
  auto stats3 = nlohmann::json::parse(out);
  REQUIRE(Kg(db, "export --format json --as-of 3", &out) == 0);
  auto export3 = nlohmann::json::parse(out);
  {
    Views v = Open(db);
    CHECK(stats3["facts"] == v.Facts(3));
    CHECK(stats3["entities"] == v.Entities(3));
    CHECK(export3["facts"].size() == v.Facts(3));
    CHECK(export3["entities"].size() == v.Entities(3));
  }

  // ---- retract article 3: a log entry; AS OF before it keeps the old state.
  size_t facts_before = 0, only_in_3 = 0;
  {
    Views v = Open(db);
    facts_before = v.Facts(UINT64_MAX);
    auto r = v.At(UINT64_MAX);
    std::set<kg::FactId> facts_of_3;
    (void)r->ScanArticleFacts(3, [&](const kg::Fact& f, const kg::Evidence&, bool) {
      facts_of_3.insert(f.id);
      return true;
    });
    for (kg::FactId id : facts_of_3) {
      bool elsewhere = false;
      (void)r->ScanEvidence(id, [&](const kg::Evidence& ev) {
        elsewhere = elsewhere || ev.article_seq != 3;
        return true;
      });
      only_in_3 += !elsewhere;
    }
  }
  REQUIRE(Kg(db, "retract " + ids[2], &out) == 0);
  REQUIRE(Kg(db, "log --json", &out) == 0);
  log = nlohmann::json::parse(out);
  REQUIRE(log.size() == ids.size() + 1);
  CHECK(log.back()["kind"] == "retraction");
  CHECK(log.back()["retracts"] == 3);
  const auto last = log.back()["seq"].get<uint64_t>();
  {
    Views v = Open(db);
    CHECK(v.Facts(UINT64_MAX) == facts_before - only_in_3);
    CHECK(v.Facts(last - 1) == facts_before);
  }
  REQUIRE(Kg(db, "stats --as-of " + std::to_string(last - 1) + " --format json", &out) == 0);
  CHECK(nlohmann::json::parse(out)["facts"] == facts_before);
  REQUIRE(Kg(db, "stats --format json", &out) == 0);
  CHECK(nlohmann::json::parse(out)["facts"] == facts_before - only_in_3);
  REQUIRE(Kg(db, "diff " + std::to_string(last - 1) + " " + std::to_string(last) + " --format json", &out) == 0);
  CHECK(nlohmann::json::parse(out)["retracted"].size() == only_in_3);
  CHECK(Kg(db, "retract " + ids[2], nullptr) != 0);  // already retracted

  // ---- every format on real text parses with the tools that read it.
  auto have = [](const char* tool) { return std::system(("command -v " + std::string(tool) + " >/dev/null 2>&1").c_str()) == 0; };
  const std::string d = dir.path().string();
  REQUIRE(Kg(db, "export --format dot --max-nodes 0 --out " + d + "/g.dot", nullptr) == 0);
  if (have("dot")) CHECK(std::system(("dot -Tsvg -o /dev/null " + d + "/g.dot").c_str()) == 0);
  REQUIRE(Kg(db, "export --format nquads --out " + d + "/g.nq", nullptr) == 0);
  if (have("rapper")) CHECK(std::system(("rapper -q -i nquads -c " + d + "/g.nq 2>/dev/null").c_str()) == 0);
  REQUIRE(Kg(db, "export --format graphml --out " + d + "/g.graphml", nullptr) == 0);
  if (have("xmllint")) CHECK(std::system(("xmllint --noout " + d + "/g.graphml").c_str()) == 0);
  REQUIRE(Kg(db, "stats --plot " + d + "/growth.svg", nullptr) == 0);
  if (have("xmllint")) CHECK(std::system(("xmllint --noout " + d + "/growth.svg").c_str()) == 0);
  REQUIRE(Kg(db, "export --format csv --out " + d + "/csv", nullptr) == 0);
  {
    Views v = Open(db);
    // entities.csv: a header plus one row per entity of the latest view.
    std::ifstream f(d + "/csv/entities.csv");
    std::string line;
    size_t rows = 0;
    std::getline(f, line);
    CHECK(line.rfind("entityId:ID(Entity),", 0) == 0);
    while (std::getline(f, line)) ++rows;
    CHECK(rows == v.Entities(UINT64_MAX));
  }
  // Clear failures.
  CHECK(Kg(db, "export --format csv", nullptr) == 2);
  CHECK(Kg(db, "export --center 'No Such Entity'", nullptr) != 0);
  CHECK(Kg(db, "diff 1 banana", nullptr) == 2);
}
