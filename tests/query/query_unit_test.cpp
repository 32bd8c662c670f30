// Unit tests of the stages that need no store (lexer, parser, values,
// formats, parameters) and of the guards (expansion cap, timeout) on a
// dense generated graph.
#include <algorithm>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>

#include "query/engine.h"
#include "query/format.h"
#include "query/lexer.h"
#include "query/parser.h"
#include "tests/test_util.h"
#include "tests/query/fixture.h"

using kg::query::Value;

namespace {

std::string ParseError(const std::string& q) {
  auto r = kg::query::Parse(q);
  if (auto* e = std::get_if<kg::query::QueryError>(&r)) return kg::query::FormatQueryError(q, *e);
  return "";
}

}  // namespace

TEST_CASE("lexer splits tokens and keeps positions", "[query]") {
  auto r = kg::query::Lex("MATCH (a)-[:warn*1..3]->(b)\n  WHERE a.x <> 2.5e1 // c\n /* x */ RETURN $p, `odd name`");
  REQUIRE(std::holds_alternative<std::vector<kg::query::Token>>(r));
  const auto& t = std::get<std::vector<kg::query::Token>>(r);
  std::string kinds;
  for (const auto& tok : t) kinds += kg::query::TokName(tok.kind) + " ";
  CHECK(kinds ==
        "a name '(' a name ')' '-' '[' ':' a name '*' an integer '..' an integer ']' '-' '>' '(' a name ')' "
        "a name a name '.' a name '<>' a number a name a $parameter ',' a `quoted name` end of query ");
  // WHERE is on line 2, column 3.
  CHECK(t[18].text == "WHERE");
  CHECK(t[18].pos.line == 2);
  CHECK(t[18].pos.column == 3);
  CHECK(t[23].float_value == 25.0);
  CHECK(t[25].text == "p");
  CHECK(t[27].text == "odd name");
}

TEST_CASE("lexer unescapes strings and rejects bad input", "[query]") {
  auto r = kg::query::Lex(R"('it\'s' "a\tb\u00e9\\")");
  REQUIRE(std::holds_alternative<std::vector<kg::query::Token>>(r));
  const auto& t = std::get<std::vector<kg::query::Token>>(r);
  CHECK(t[0].text == "it's");
  CHECK(t[1].text == "a\tb\xC3\xA9\\");
  CHECK(ParseError("RETURN \"abc") == "line 1, column 8: unterminated string\n  RETURN \"abc\n         ^");
  CHECK(ParseError("RETURN 1 /* open") == "line 1, column 10: unterminated /* comment\n  RETURN 1 /* open\n           ^");
  CHECK(ParseError("RETURN 99999999999999999999") ==
        "line 1, column 8: integer 99999999999999999999 is too large\n  RETURN 99999999999999999999\n         ^");
}

TEST_CASE("error carets count code points, not bytes", "[query]") {
  std::string q = "MATCH (a {name: \"Zelénsky\"}) RETRUN a";
  CHECK(ParseError(q) ==
        "line 1, column 30: unknown clause 'RETRUN'; did you mean 'RETURN'?\n"
        "  MATCH (a {name: \"Zelénsky\"}) RETRUN a\n"
        "                               ^");
}

TEST_CASE("parser builds the tree with column texts", "[query]") {
  auto r = kg::query::Parse("MATCH p = shortestPath((a:Person)-[*..4]-(b)) RETURN length(p) AS hops, a.name ORDER BY hops DESC LIMIT 2");
  REQUIRE(std::holds_alternative<kg::query::ast::Query>(r));
  const auto& q = std::get<kg::query::ast::Query>(r);
  REQUIRE(q.clauses.size() == 2);
  const auto& part = q.clauses[0].patterns[0];
  CHECK(part.kind == kg::query::ast::PatternPart::Kind::kShortest);
  CHECK(part.path_variable == "p");
  CHECK(part.nodes[0].labels == std::vector<std::string>{"Person"});
  CHECK(part.rels[0].variable_length);
  CHECK(!part.rels[0].min_hops.has_value());
  CHECK(*part.rels[0].max_hops == 4);
  const auto& ret = q.clauses[1].projection;
  CHECK(ret.items[0].alias == "hops");
  CHECK(ret.items[1].expr->text == "a.name");
  CHECK(ret.order_by[0].descending);
}

TEST_CASE("parser survives random and truncated input", "[query]") {
  const std::string seed =
      "MATCH p = (a:Person {name: 'x'})-[r:warn|meet*1..3]->(b) WHERE a.name =~ '(?i)r.*' AND NOT b.x IN [1,2] "
      "OPTIONAL MATCH (b)<-[]-(c) WITH a, count(*) AS n ORDER BY n DESC SKIP 1 LIMIT 2 UNWIND [1] AS u "
      "RETURN DISTINCT a.name AS name, collect(u)[0], {k: -1.5} AS m AS OF ARTICLE 3";
  std::mt19937 rng(42);
  for (size_t cut = 0; cut <= seed.size(); ++cut) (void)kg::query::Parse(seed.substr(0, cut));
  for (int i = 0; i < 3000; ++i) {
    std::string s = seed;
    int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % s.size();
      s[pos] = "()[]{}-<>:|*.,'\"`$=~ab1\n/"[rng() % 26];
    }
    (void)kg::query::Parse(s);
  }
  CHECK(ParseError("RETURN " + std::string(5000, '(')).find("nested too deeply") != std::string::npos);
  CHECK(ParseError("RETURN " + std::string(5000, '[')).find("nested too deeply") != std::string::npos);
}

TEST_CASE("parameters read literals and fall back to strings", "[query]") {
  std::pair<std::string, Value> p;
  REQUIRE(kg::query::ParseParam("n=42", &p).ok());
  CHECK(p.first == "n");
  CHECK(p.second.kind() == Value::Kind::kInt);
  REQUIRE(kg::query::ParseParam("x=-2.5", &p).ok());
  CHECK(p.second.as_float() == -2.5);
  REQUIRE(kg::query::ParseParam("who=Marco Rubio", &p).ok());
  CHECK(p.second.as_string() == "Marco Rubio");
  REQUIRE(kg::query::ParseParam("l=[1, \"a\", null]", &p).ok());
  CHECK(kg::query::ToDisplay(p.second) == "[1, \"a\", null]");
  REQUIRE(kg::query::ParseParam("b=true", &p).ok());
  CHECK(p.second.as_bool());
  CHECK(!kg::query::ParseParam("novalue", &p).ok());
  CHECK(!kg::query::ParseParam("bad-name=1", &p).ok());
}

TEST_CASE("values compare, group and print", "[query]") {
  CHECK(kg::query::CompareValues(Value::Int(2), Value::Float(2.5)) < 0);
  CHECK(kg::query::CompareValues(Value::String("b"), Value::Null()) < 0);
  CHECK(*kg::query::EqualValues(Value::Int(1), Value::Float(1.0)));
  CHECK(!kg::query::EqualValues(Value::Int(1), Value::Null()).has_value());
  CHECK(kg::query::ValueKey(Value::Int(1)) == kg::query::ValueKey(Value::Float(1.0)));
  CHECK(kg::query::ValueKey(Value::String("1")) != kg::query::ValueKey(Value::Int(1)));
  CHECK(kg::query::ToDisplay(Value::Float(0.5)) == "0.5");
  CHECK(kg::query::ToDisplay(Value::Float(3)) == "3.0");
  CHECK(kg::query::ToJson(Value::MakeMap({{"a\"b", Value::MakeList({Value::Bool(true), Value::Null()})}})) ==
        "{\"a\\\"b\":[true,null]}");
}

// DISTINCT builds its keys with AppendValueKey into one reused buffer; the
// keys must stay those of ValueKey, so "ab" + "c" and "a" + "bc" stay apart.
TEST_CASE("AppendValueKey appends exactly ValueKey", "[query]") {
  const std::vector<Value> values = {Value::String(""), Value::String("a string longer than fifteen bytes"),
                                     Value::Int(7), Value::Float(7.0), Value::Null(),
                                     Value::MakeList({Value::String("x"), Value::Int(1)})};
  std::string all;
  for (const auto& v : values) {
    std::string key = "prefix";
    kg::query::AppendValueKey(v, &key);
    CHECK(key == "prefix" + kg::query::ValueKey(v));
    kg::query::AppendValueKey(v, &all);
  }
  std::string ab_c, a_bc;
  kg::query::AppendValueKey(Value::String("ab"), &ab_c);
  kg::query::AppendValueKey(Value::String("c"), &ab_c);
  kg::query::AppendValueKey(Value::String("a"), &a_bc);
  kg::query::AppendValueKey(Value::String("bc"), &a_bc);
  CHECK(ab_c != a_bc);
}

TEST_CASE("csv and table formats quote and align", "[query]") {
  kg::query::ResultSet rs;
  rs.columns = {"name", "n"};
  rs.rows.push_back({Value::String("a,\"b\""), Value::Int(1)});
  rs.rows.push_back({Value::String("Zoë"), Value::Null()});
  std::ostringstream csv;
  kg::query::WriteResult(csv, rs, kg::query::OutputFormat::kCsv);
  CHECK(csv.str() == "name,n\r\n\"a,\"\"b\"\"\",1\r\nZoë,null\r\n");
  std::ostringstream table;
  kg::query::WriteResult(table, rs, kg::query::OutputFormat::kTable);
  CHECK(table.str() == "name  | n\n------+-----\na,\"b\" | 1\nZoë   | null\n(2 rows)\n");
}

namespace {

// A dense graph: 60 people who all warn each other.
std::unique_ptr<kg::store::Store> DenseStore(const kg::test::TempDir& dir) {
  auto opened = kg::store::Store::Open(dir.str(), kg::store::OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  auto store = std::move(opened).value();
  kg::test::FixtureArticle a("dense", "2025-01-01");
  std::vector<int> people;
  for (int i = 0; i < 60; ++i) people.push_back(a.Entity("Person Number" + std::to_string(i), kg::EntityType::kPerson));
  a.Sentence("Everyone warned everyone.");
  for (int i = 0; i < 60; ++i) {
    for (int j = 0; j < 60; ++j) {
      if (i != j) a.Fact(people[i], "warn", people[j], "warned", 0.5f);
    }
  }
  REQUIRE(a.CommitTo(*store).ok());
  return store;
}

}  // namespace

TEST_CASE("runaway patterns stop with a clear error", "[query]") {
  kg::test::TempDir dir;
  auto store = DenseStore(dir);
  kg::query::QueryOptions opt;
  opt.max_expansions = 100000;
  auto r = kg::query::RunQuery(*store, "MATCH (a)-[*6]->(b) RETURN count(*)", opt);
  REQUIRE(!r.ok());
  CHECK(r.status().code() == kg::Status::Code::kTimeout);
  CHECK(r.status().message().find("expansion cap") != std::string::npos);

  opt.max_expansions = UINT64_MAX;
  opt.timeout_seconds = 0.2;
  auto t0 = std::chrono::steady_clock::now();
  auto t = kg::query::RunQuery(*store, "MATCH (a)-[*6]->(b) RETURN count(*)", opt);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(!t.ok());
  CHECK(t.status().code() == kg::Status::Code::kTimeout);
  CHECK(t.status().message().find("timeout") != std::string::npos);
  CHECK(secs < 5.0);
}

TEST_CASE("LIMIT stops the scan early", "[query]") {
  kg::test::TempDir dir;
  auto store = DenseStore(dir);
  kg::query::QueryOptions opt;
  // A full 3-hop enumeration reads ~60^3 facts; with LIMIT 5 a cap of 2000 suffices.
  opt.max_expansions = 2000;
  auto r = kg::query::RunQuery(*store, "MATCH (a)-[:warn]->(b)-[:warn]->(c)-[:warn]->(d) RETURN d.name LIMIT 5", opt);
  REQUIRE(r.ok());
  CHECK(r->rows.size() == 5);
  auto s = kg::query::RunQuery(*store, "MATCH p = shortestPath((a {name: 'Person Number1'})-[*]->(b {name: 'Person Number2'})) RETURN length(p)", opt);
  REQUIRE(s.ok());
  REQUIRE(s->rows.size() == 1);
  CHECK(s->rows[0][0].as_int() == 1);
}

namespace {

// The names a one-column query returns, sorted.
std::vector<std::string> Names(kg::store::Store& store, const std::string& q,
                               const kg::query::QueryOptions& opt = kg::query::QueryOptions()) {
  auto r = kg::query::RunQuery(store, q, opt);
  INFO(q);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  std::vector<std::string> out;
  for (const auto& row : r->rows) out.push_back(row.at(0).is_null() ? "null" : row.at(0).as_string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

// Expansions read b.name and b.type from the index rows (store schema 3), not
// from the entity records: after a correction the rows must say what the
// records say.
TEST_CASE("names read from index rows follow kg split, merge and alias", "[query]") {
  kg::test::TempDir dir;
  auto opened = kg::store::Store::Open(dir.str(), kg::store::OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  auto store = std::move(opened).value();
  {
    kg::test::FixtureArticle a("basketball", "2025-01-01");
    int mj = a.Entity("Jordan", kg::EntityType::kPerson, {"Jordan", "Michael Jordan"});
    int bulls = a.Entity("Chicago Bulls", kg::EntityType::kOrganization);
    a.Sentence("Michael Jordan joined Chicago Bulls.");
    a.Fact(mj, "join", bulls, "joined", 0.9f);
    REQUIRE(a.CommitTo(*store).ok());
    kg::test::FixtureArticle b("physics", "2025-01-02");
    int jordan = b.Entity("Jordan", kg::EntityType::kPerson);
    int mit = b.Entity("MIT", kg::EntityType::kOrganization);
    int potus = b.Entity("The President", kg::EntityType::kPerson);
    int trump = b.Entity("Donald Trump", kg::EntityType::kPerson);
    b.Sentence("MIT hired Jordan.");
    b.Fact(mit, "hire", jordan, "hired", 0.9f);
    b.Sentence("The President praised MIT. Donald Trump spoke.");
    b.Fact(potus, "praise", mit, "praised", 0.9f);
    REQUIRE(b.CommitTo(*store).ok());
  }
  const std::string bulls_joiner = "MATCH (t {name: 'Chicago Bulls'})<-[:join]-(p) RETURN p.name";
  const std::string hired = "MATCH (m {name: 'MIT'})-[:hire]->(p) RETURN p.name";
  const std::string praiser = "MATCH (m {name: 'MIT'})-[]-(p) WHERE p.type = 'person' RETURN p.name";
  CHECK(Names(*store, bulls_joiner) == std::vector<std::string>{"Jordan"});
  CHECK(Names(*store, hired) == std::vector<std::string>{"Jordan"});
  CHECK(Names(*store, praiser) == std::vector<std::string>{"Jordan", "The President"});

  auto reader = store->NewReader();
  const kg::EntityId mj = reader->FindByName("Michael Jordan").at(0);
  const kg::EntityId trump = reader->FindByName("Donald Trump").at(0);
  const kg::EntityId potus = reader->FindByName("The President").at(0);
  const kg::EntityId mit = reader->FindByName("MIT").at(0);
  reader.reset();
  // Split: the physics article's Jordan is someone else; the basketball
  // player keeps "Michael Jordan" as his name.
  REQUIRE(store->SplitEntity(mj, {"Jordan"}).ok());
  CHECK(Names(*store, bulls_joiner) == std::vector<std::string>{"Michael Jordan"});
  CHECK(Names(*store, hired) == std::vector<std::string>{"Jordan"});
  // Merge: the President is Donald Trump.
  REQUIRE(store->MergeEntities(trump, potus).ok());
  CHECK(Names(*store, praiser) == std::vector<std::string>{"Donald Trump", "Jordan"});
  // Alias: a new name finds the start node; the rows' names stay canonical.
  REQUIRE(store->AddAlias(mit, "Massachusetts Institute").ok());
  CHECK(Names(*store, "MATCH (m {name: 'Massachusetts Institute'})-[:hire]->(p) RETURN p.name") ==
        std::vector<std::string>{"Jordan"});
  // Views: names are today's in a historical view too.
  CHECK(Names(*store, "AS OF ARTICLE 1 " + bulls_joiner) == std::vector<std::string>{"Michael Jordan"});
  CHECK(Names(*store, "FROM ARTICLE 'physics' " + praiser) == std::vector<std::string>{"Donald Trump", "Jordan"});
}

namespace {

// The names a one-column query with $name returns, sorted.
std::vector<std::string> NamesFor(kg::store::Store& store, const std::string& q, const std::string& name) {
  kg::query::QueryOptions opt;
  opt.params = {{"name", Value::String(name)}};
  return Names(store, q, opt);
}

}  // namespace

// The same query text runs from the parse cache and on iterators handed on
// by earlier readers (Store::Impl::idle_iters): both must see every write
// made between two runs, and a query's names resolve again each time.
TEST_CASE("a query run again sees new articles, merges and splits", "[query]") {
  kg::test::TempDir dir;
  auto opened = kg::store::Store::Open(dir.str(), kg::store::OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  auto store = std::move(opened).value();
  const std::string out = "MATCH (a {name: $name})-[r]->(b) RETURN b.name";
  {
    kg::test::FixtureArticle a("one", "2025-01-01");
    int mj = a.Entity("Jordan", kg::EntityType::kPerson, {"Jordan", "Michael Jordan"});
    int bulls = a.Entity("Chicago Bulls", kg::EntityType::kOrganization);
    a.Sentence("Michael Jordan joined Chicago Bulls.");
    a.Fact(mj, "join", bulls, "joined", 0.9f);
    REQUIRE(a.CommitTo(*store).ok());
  }
  for (int i = 0; i < 3; ++i) {  // warm both caches
    CHECK(NamesFor(*store, out, "Michael Jordan") == std::vector<std::string>{"Chicago Bulls"});
    CHECK(NamesFor(*store, out, "MIT").empty());
  }
  {
    kg::test::FixtureArticle b("two", "2025-01-02");
    int mit = b.Entity("MIT", kg::EntityType::kOrganization);
    int jordan = b.Entity("Jordan", kg::EntityType::kPerson);
    int potus = b.Entity("The President", kg::EntityType::kPerson);
    b.Sentence("MIT hired Jordan. The President praised MIT.");
    b.Fact(mit, "hire", jordan, "hired", 0.9f);
    b.Fact(potus, "praise", mit, "praised", 0.9f);
    REQUIRE(b.CommitTo(*store).ok());
  }
  // A new article: a new start node and a new row.
  CHECK(NamesFor(*store, out, "MIT") == std::vector<std::string>{"Jordan"});
  CHECK(NamesFor(*store, out, "The President") == std::vector<std::string>{"MIT"});
  auto reader = store->NewReader();
  const kg::EntityId mj = reader->FindByName("Michael Jordan").at(0);
  const kg::EntityId mit = reader->FindByName("MIT").at(0);
  const kg::EntityId potus = reader->FindByName("The President").at(0);
  reader.reset();
  // Split: "Jordan" names a new entity; MIT's row now ends there.
  REQUIRE(store->SplitEntity(mj, {"Jordan"}).ok());
  CHECK(NamesFor(*store, out, "Jordan").empty());
  CHECK(NamesFor(*store, out, "Michael Jordan") == std::vector<std::string>{"Chicago Bulls"});
  // Merge: the President's facts are MIT's now.
  REQUIRE(store->MergeEntities(mit, potus).ok());
  CHECK(NamesFor(*store, out, "The President") == std::vector<std::string>{"Jordan", "MIT"});
  // A reader made before a write keeps its state; one made after sees it.
  auto before = store->NewReader();
  REQUIRE(store->AddAlias(mit, "Massachusetts Institute").ok());
  CHECK(before->FindByName("Massachusetts Institute").empty());
  before.reset();
  CHECK(NamesFor(*store, out, "Massachusetts Institute") == std::vector<std::string>{"Jordan", "MIT"});
}

namespace {

// The fixture graph plus an article whose names and surface words are too
// long for std::string's inline buffer, then a retraction, so views differ
// and strings live on the heap.
void BuildLongFixture(kg::store::Store& store) {
  REQUIRE(kg::test::BuildFixtureGraph(store).ok());
  kg::test::FixtureArticle a("reuters-5", "2025-11-22");
  const int council = a.Entity("European Council on Foreign Relations", kg::EntityType::kOrganization);
  const int commission = a.Entity("International Atomic Energy Agency", kg::EntityType::kOrganization);
  const int rubio = a.Entity("Marco Rubio", kg::EntityType::kPerson, {"Rubio"});
  a.Sentence("The European Council on Foreign Relations strongly and repeatedly criticised the "
             "International Atomic Energy Agency.");
  a.Fact(council, "criticise", commission, "strongly and repeatedly criticised", 0.65f);
  a.Sentence("The International Atomic Energy Agency did not invite Rubio.");
  a.Fact(commission, "invite", rubio, "did not invite at all", 0.55f, true);
  REQUIRE(a.CommitTo(store).ok());
  REQUIRE(store.Retract(2).ok());  // reuters-2 withdrawn: the latest view loses its facts
}

// Every row of a query, each value as the table shows it, one line per row.
std::vector<std::string> Rendered(kg::store::Store& store, const std::string& q) {
  auto r = kg::query::RunQuery(store, q, kg::query::QueryOptions());
  INFO(q);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  std::vector<std::string> out;
  for (const auto& row : r->rows) {
    std::string line;
    for (const auto& v : row) line += kg::query::ToDisplay(v) + " | ";
    out.push_back(line);
  }
  return out;
}

}  // namespace

// An expansion whose relationship is read only through properties, type()
// and id() points the row at the reader's fact instead of copying it (and
// the reader decodes each index row once, strings as views): every property
// must read as it does through an owned copy (`WITH r` keeps the copy path),
// in the latest view, AS OF and FROM ARTICLE.
TEST_CASE("borrowed relationships read the same properties as owned copies in every view", "[query]") {
  kg::test::TempDir dir;
  auto opened = kg::store::Store::Open(dir.str(), kg::store::OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  auto& store = **opened;
  BuildLongFixture(store);
  const std::string items =
      "a.name, a.type, type(r), id(r), r.type, r.predicate, r.text, r.surface, r.confidence, r.polarity, "
      "r.negated, r.modality, r.support, r.first_seen, r.id, r.articles, b.name, b.type ORDER BY id(r)";
  const std::string views[] = {"", " AS OF ARTICLE 1", " AS OF ARTICLE 3", " AS OF ARTICLE 4",
                               " FROM ARTICLE \"reuters-3\"", " FROM ARTICLE \"reuters-5\"",
                               " AS OF DATE \"2025-11-21\""};
  size_t rows = 0;
  for (const std::string& view : views) {
    for (const std::string& match : {std::string("MATCH (a)-[r]->(b)"), std::string("MATCH (b)<-[r]-(a)"),
                                     std::string("MATCH (a {name: 'Rubio'})-[r]-(b)")}) {
      const auto borrowed = Rendered(store, match + " RETURN " + items + view);
      const auto owned = Rendered(store, match + " WITH a, r, b RETURN " + items + view);
      INFO(match + view);
      CHECK(borrowed == owned);
      rows += borrowed.size();
    }
  }
  CHECK(rows > 40);
  // A filter on a borrowed relationship, then a second hop, with long
  // strings: the values of one row are not overwritten by the next.
  const auto two_hop = Rendered(store, "MATCH (a)-[r1]->(b)-[r2]->(c) WHERE r2.confidence >= 0.5 "
                                       "RETURN a.name, r1.text, b.name, r2.text, c.name ORDER BY a.name, r1.text, c.name");
  const auto two_hop_owned = Rendered(store, "MATCH (a)-[r1]->(b)-[r2]->(c) WITH a, r1, b, r2, c "
                                             "WHERE r2.confidence >= 0.5 "
                                             "RETURN a.name, r1.text, b.name, r2.text, c.name ORDER BY a.name, r1.text, c.name");
  CHECK(two_hop == two_hop_owned);
  CHECK_FALSE(two_hop.empty());
  // Aggregation keeps rows past the scan: it must still see every value.
  const auto grouped = Rendered(store, "MATCH (a)-[r]->(b) RETURN r.text, count(*) ORDER BY r.text");
  const auto grouped_owned = Rendered(store, "MATCH (a)-[r]->(b) WITH r RETURN r.text, count(*) ORDER BY r.text");
  CHECK(grouped == grouped_owned);
  CHECK(std::find(grouped.begin(), grouped.end(), "strongly and repeatedly criticised | 1 | ") != grouped.end());
}
