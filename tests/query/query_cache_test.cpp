// The query cache (query/engine.cpp): a query text run again with new
// $parameters reuses the bound form of its last run (query::Rebind) and must
// return exactly what binding afresh returns; a write to the store (a new
// article, an alias), another view or other options bind afresh.
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "query/engine.h"
#include "query/format.h"
#include "tests/query/fixture.h"
#include "tests/test_util.h"

using kg::query::Value;

namespace {

// Columns, then each row with values as the table shows them; an error as
// its first line.
std::vector<std::string> Render(const kg::store::Store& store, const std::string& q,
                                const kg::query::QueryOptions& opt) {
  auto r = kg::query::RunQuery(store, q, opt);
  if (!r.ok()) {
    std::string msg = r.status().ToString();
    return {"error: " + msg.substr(0, msg.find('\n'))};
  }
  std::vector<std::string> out;
  std::string line;
  for (const auto& c : r->columns) line += c + " | ";
  out.push_back(line);
  for (const auto& row : r->rows) {
    line.clear();
    for (const auto& v : row) line += kg::query::ToDisplay(v) + " | ";
    out.push_back(line);
  }
  return out;
}

// The same query bound from scratch: a comment makes its text, the cache's
// key, one never seen before.
std::vector<std::string> Fresh(const kg::store::Store& store, const std::string& q,
                               const kg::query::QueryOptions& opt) {
  static int n = 0;  // main thread only
  return Render(store, q + " /* fresh " + std::to_string(++n) + " */", opt);
}

kg::query::QueryOptions With(kg::query::Params params) {
  kg::query::QueryOptions opt;
  opt.params = std::move(params);
  return opt;
}

Value S(const char* s) { return Value::String(s); }

struct Case {
  std::string query;
  std::vector<kg::query::Params> runs;
  bool reuses;  // whether later runs may skip binding
};

}  // namespace

TEST_CASE("a query run again with new parameters returns what binding afresh returns", "[query]") {
  kg::test::TempDir dir;
  auto opened = kg::store::Store::Open(dir.str(), kg::store::OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  auto store = std::move(opened).value();
  REQUIRE(kg::test::BuildFixtureGraph(*store).ok());

  const std::vector<Case> cases = {
      // A node named by a parameter: the alias index, a last name, no match,
      // then a value of another kind (binds afresh).
      {"MATCH (a {name: $a})-[r]->(b) RETURN type(r), b.name",
       {{{"a", S("Marco Rubio")}}, {{"a", S("Zelensky")}}, {{"a", S("Nobody")}}, {{"a", S("Trump")}},
        {{"a", S("Russia")}}, {{"a", Value::Int(3)}}, {{"a", S("NATO")}}, {}},
       true},
      // WHERE a.name = $a pushed into the start node, a filter on the fact.
      {"MATCH (a)-[r]-(b) WHERE a.name = $a AND r.confidence >= $c "
       "RETURN a.name, type(r), b.name, r.confidence ORDER BY r.confidence DESC, b.name",
       {{{"a", S("Marco Rubio")}, {"c", Value::Float(0.8)}},
        {{"a", S("Rubio")}, {"c", Value::Float(0.8)}},
        {{"a", S("Marco Rubio")}, {"c", Value::Float(0.5)}},
        {{"a", S("Russia")}, {"c", Value::Float(0.0)}},
        {{"a", S("Russia")}, {"c", Value::Int(1)}}},
       true},
      // A type equality the planner checks in the scan.
      {"MATCH (a {name: $a})-[]-(b)-[r]-(c) WHERE c.type = $t RETURN DISTINCT c.name ORDER BY c.name",
       {{{"a", S("Marco Rubio")}, {"t", S("place")}},
        {{"a", S("Marco Rubio")}, {"t", S("organization")}},
        {{"a", S("Zelensky")}, {"t", S("person")}},
        {{"a", S("NATO")}, {"t", S("place")}}},
       true},
      // Two named nodes: which one the plan starts from depends on the names.
      {"MATCH (a {name: $a})-[r]-(b {name: $b}) RETURN a.name, type(r), b.name, r.support ORDER BY type(r)",
       {{{"a", S("Rubio")}, {"b", S("Iran")}},
        {{"a", S("Zelensky")}, {"b", S("Rubio")}},
        {{"a", S("NATO")}, {"b", S("Russia")}},
        {{"a", S("Marco Rubio")}, {"b", S("Nobody")}}},
       true},
      // Parameters as plain values.
      {"UNWIND $xs AS x RETURN x, $tag AS tag",
       {{{"xs", Value::MakeList({Value::Int(1), Value::Int(2)})}, {"tag", S("one")}},
        {{"xs", Value::MakeList({})}, {"tag", S("two")}},
        {{"xs", Value::MakeList({S("a"), Value::Null()})}, {"tag", Value::Int(3)}}},
       true},
      // The view from parameters.
      {"MATCH (a {name: $a})-[r]->(b) RETURN type(r), b.name, r.support AS OF ARTICLE $n",
       {{{"a", S("Rubio")}, {"n", Value::Int(1)}},
        {{"a", S("Rubio")}, {"n", Value::Int(3)}},
        {{"a", S("Rubio")}, {"n", Value::Int(3)}},
        {{"a", S("Zelensky")}, {"n", Value::Int(4)}}},
       true},
      {"FROM ARTICLE $id MATCH (a {name: $a})-[r]-(b) RETURN type(r), b.name ORDER BY b.name",
       {{{"a", S("Rubio")}, {"id", S("reuters-3")}},
        {{"a", S("Rubio")}, {"id", S("reuters-2")}},
        {{"a", S("Zelensky")}, {"id", S("reuters-2")}}},
       true},
      // A parameter's value shaping more than a constant: bound every time.
      {"MATCH (a {name: $a})-[r]->(b) RETURN b.name ORDER BY b.name LIMIT $n",
       {{{"a", S("Rubio")}, {"n", Value::Int(1)}}, {{"a", S("Rubio")}, {"n", Value::Int(3)}}},
       false},
      {"MATCH (a) WHERE a.name =~ $re RETURN a.name ORDER BY a.name",
       {{{"re", S("(?i)r.*")}}, {{"re", S(".*o")}}},
       false},
      {"MATCH (a {name: $a})-[r]->(b) WHERE r.confidence IN [$c, 0.9] RETURN b.name",
       {{{"a", S("Rubio")}, {"c", Value::Float(0.85)}}, {{"a", S("Rubio")}, {"c", Value::Float(0.7)}}},
       false},
  };
  for (const Case& c : cases) {
    const uint64_t before = kg::query::BoundQueryReuses();
    for (int round = 0; round < 2; ++round) {
      for (const auto& params : c.runs) {
        INFO(c.query);
        INFO("run " << &params - &c.runs[0] << ", round " << round);
        const auto opt = With(params);
        const auto got = Render(*store, c.query, opt);
        CHECK(got == Fresh(*store, c.query, opt));
        CHECK(got.size() >= 1);
      }
    }
    INFO(c.query);
    if (c.reuses) {
      CHECK(kg::query::BoundQueryReuses() > before);
    } else {
      CHECK(kg::query::BoundQueryReuses() == before);
    }
  }

  // The view and the options are part of what was bound.
  const std::string q = "MATCH (a {name: $a})-[r]->(b) RETURN type(r), b.name";
  for (kg::ArticleSeq as_of : {kg::ArticleSeq{1}, kg::ArticleSeq{2}, UINT64_MAX}) {
    auto opt = With({{"a", S("Marco Rubio")}});
    opt.view.as_of = as_of;
    CHECK(Render(*store, q, opt) == Fresh(*store, q, opt));
  }
  const std::string hops = "MATCH (a {name: $a})-[*]->(b) RETURN DISTINCT b.name ORDER BY b.name";
  for (int max_hops : {1, 3, 1}) {
    auto opt = With({{"a", S("Zelensky")}});
    opt.default_max_hops = max_hops;
    CHECK(Render(*store, hops, opt) == Fresh(*store, hops, opt));
  }
}

TEST_CASE("a reused bound query is bound afresh after any write to the store", "[query]") {
  kg::test::TempDir dir;
  auto opened = kg::store::Store::Open(dir.str(), kg::store::OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  auto store = std::move(opened).value();
  REQUIRE(kg::test::BuildFixtureGraph(*store).ok());
  // A constant name is resolved when binding; a predicate one typo away
  // from one in use is an error, one far from all is not.
  const std::string named = "MATCH (a {name: \"Michael Jordan\"})-[r]->(b) RETURN type(r), b.name";
  const std::string typo = "MATCH (a)-[r:hires]->(b) RETURN a.name, b.name";
  const kg::query::QueryOptions none;
  for (int i = 0; i < 3; ++i) {
    CHECK(Render(*store, named, none) == std::vector<std::string>{"type(r) | b.name | "});
    CHECK(Render(*store, typo, none) == std::vector<std::string>{"a.name | b.name | "});
  }
  uint64_t reuses = kg::query::BoundQueryReuses();
  CHECK(Render(*store, named, none) == Fresh(*store, named, none));
  CHECK(kg::query::BoundQueryReuses() == reuses + 1);  // nothing written: reused

  {
    kg::test::FixtureArticle a("five", "2025-11-22");
    int mj = a.Entity("Michael Jordan", kg::EntityType::kPerson);
    int bulls = a.Entity("Chicago Bulls", kg::EntityType::kOrganization);
    a.Sentence("The Chicago Bulls hire Michael Jordan.");
    a.Fact(bulls, "hire", mj, "hire", 0.9f);
    a.Fact(mj, "join", bulls, "joins", 0.9f);
    REQUIRE(a.CommitTo(*store).ok());
  }
  reuses = kg::query::BoundQueryReuses();
  CHECK(Render(*store, named, none) == std::vector<std::string>{"type(r) | b.name | ", "join | Chicago Bulls | "});
  CHECK(kg::query::BoundQueryReuses() == reuses);  // the commit: bound afresh
  const auto typo_now = Render(*store, typo, none);
  REQUIRE(typo_now.size() == 1);
  CHECK(typo_now[0].find("unknown relationship type 'hires'") != std::string::npos);
  CHECK(typo_now == Fresh(*store, typo, none));
  CHECK(Render(*store, named, none) == Fresh(*store, named, none));
  CHECK(kg::query::BoundQueryReuses() == reuses + 1);  // nothing written since: reused again

  // An alias is a write too.
  const std::string alias = "MATCH (a {name: \"MJ\"})-[r]->(b) RETURN b.name";
  CHECK(Render(*store, alias, none) == std::vector<std::string>{"b.name | "});
  auto reader = store->NewReader();
  const kg::EntityId mj = reader->FindByName("Michael Jordan").at(0);
  reader.reset();
  REQUIRE(store->AddAlias(mj, "MJ").ok());
  CHECK(Render(*store, alias, none) == std::vector<std::string>{"b.name | ", "Chicago Bulls | "});

  // Another Store object at the same sequence number is another state.
  const std::string q = "MATCH (a {name: $a})-[r]->(b) RETURN b.name";
  CHECK(Render(*store, q, With({{"a", S("MJ")}})) == std::vector<std::string>{"b.name | ", "Chicago Bulls | "});
  kg::test::TempDir dir2;
  auto opened2 = kg::store::Store::Open(dir2.str(), kg::store::OpenMode::kReadWrite);
  REQUIRE(opened2.ok());
  auto other = std::move(opened2).value();
  CHECK(Render(*other, q, With({{"a", S("MJ")}})) == std::vector<std::string>{"b.name | "});
}

// One run at a time borrows a text's bound form; runs of the same text on
// other threads at the same moment bind their own. Every thread must get
// the rows of its own parameters.
TEST_CASE("threads running one query text with different parameters get their own rows", "[query]") {
  kg::test::TempDir dir;
  auto opened = kg::store::Store::Open(dir.str(), kg::store::OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  auto store = std::move(opened).value();
  REQUIRE(kg::test::BuildFixtureGraph(*store).ok());
  const std::string q = "MATCH (a {name: $a})-[r]-(b) WHERE r.confidence >= $c RETURN type(r), b.name ORDER BY b.name";
  const std::vector<kg::query::Params> params = {
      {{"a", S("Marco Rubio")}, {"c", Value::Float(0.0)}},
      {{"a", S("Zelensky")}, {"c", Value::Float(0.0)}},
      {{"a", S("Russia")}, {"c", Value::Float(0.7)}},
      {{"a", S("NATO")}, {"c", Value::Float(0.0)}},
  };
  std::vector<std::vector<std::string>> expected;
  for (const auto& p : params) expected.push_back(Fresh(*store, q, With(p)));
  std::vector<int> mismatches(params.size(), 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < params.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const size_t k = (t + static_cast<size_t>(i)) % params.size();
        if (Render(*store, q, With(params[k])) != expected[k]) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (size_t t = 0; t < params.size(); ++t) CHECK(mismatches[t] == 0);
}

TEST_CASE("a rebound query keeps its plan only when planning afresh would give the same one", "[query]") {
  kg::test::TempDir dir;
  auto opened = kg::store::Store::Open(dir.str(), kg::store::OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  auto store = std::move(opened).value();
  REQUIRE(kg::test::BuildFixtureGraph(*store).ok());
  int fresh = 0;
  // The plan the cached run used, and the plan of the same query bound from
  // scratch (a new text).
  auto plans = [&](const std::string& q, const kg::query::QueryOptions& opt) {
    auto cached = kg::query::ExplainQuery(*store, q, opt);
    auto scratch = kg::query::ExplainQuery(*store, q + " /* plan " + std::to_string(++fresh) + " */", opt);
    REQUIRE(cached.ok());
    REQUIRE(scratch.ok());
    return std::make_pair(*cached, *scratch);
  };
  // Which end the plan starts from follows the names' candidate counts: none
  // for "Nobody", so b first; then back to a.
  const std::string q = "MATCH (a {name: $a})-[r]-(b {name: $b}) RETURN a.name, type(r), b.name";
  const std::vector<kg::query::Params> runs = {
      {{"a", S("Rubio")}, {"b", S("Iran")}},   {{"a", S("Zelensky")}, {"b", S("Russia")}},
      {{"a", S("Rubio")}, {"b", S("Nobody")}}, {{"a", S("NATO")}, {"b", S("Nobody")}},
      {{"a", S("Rubio")}, {"b", S("Iran")}},   {{"a", S("Nobody")}, {"b", S("Iran")}},
  };
  const uint64_t before = kg::query::PlanReuses();
  std::vector<std::string> seen;
  for (int round = 0; round < 2; ++round) {
    for (const auto& params : runs) {
      INFO("run " << &params - &runs[0] << ", round " << round);
      const auto opt = With(params);
      const auto [cached, scratch] = plans(q, opt);
      CHECK(cached == scratch);
      CHECK(Render(*store, q, opt) == Fresh(*store, q, opt));
      if (std::find(seen.begin(), seen.end(), cached) == seen.end()) seen.push_back(cached);
    }
  }
  CHECK(seen.size() >= 2);  // the names did change the plan
  CHECK(kg::query::PlanReuses() > before);  // and equal counts kept it

  // A type from a parameter is checked in the scan: a new type is a new plan
  // (the rows would differ if the old one ran).
  const std::string typed = "MATCH (a {name: $a})-[]-(b)-[r]-(c) WHERE c.type = $t RETURN DISTINCT c.name ORDER BY c.name";
  for (const char* t : {"place", "organization", "place", "person"}) {
    const auto opt = With({{"a", S("Marco Rubio")}, {"t", S(t)}});
    const auto [cached, scratch] = plans(typed, opt);
    CHECK(cached == scratch);
    CHECK(Render(*store, typed, opt) == Fresh(*store, typed, opt));
  }
}
