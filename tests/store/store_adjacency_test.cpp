// Schema 5: the adj family, one value per subject holding its spo rows, read
// by a subject-bound scan instead of an spo prefix scan. Reads through it must
// equal reads through spo (in every view, with and without a predicate), a
// hub over the cap has none and is read from its hubc chunks (schema 6; one
// object type) or from spo, a damaged value is an error, and a
// schema-4 database converts with Store::Upgrade.
#include <map>
#include <set>
#include <tuple>

#include <catch2/catch.hpp>
#include <rocksdb/db.h>

#include "store/codec.h"
#include "store/records.h"
#include "store/store.h"
#include "tests/store/article_builder.h"
#include "tests/store/expected_adj.h"
#include "tests/store/raw_db.h"
#include "tests/store/store_fixture.h"
#include "tests/test_util.h"

using kg::EntityType;
using kg::store::OpenMode;
using kg::store::Store;
using kg::store::TriplePattern;
using kg::test::ArticleBuilder;
using kg::test::Commit;
using kg::test::OpenRw;
using kg::test::TempDir;
namespace internal = kg::store::internal;

namespace {

using Rows = std::map<std::string, std::string>;

using kg::test::ReadFamily;

void ClearFamily(const std::string& path, const std::string& cf) {
  kg::test::RawDb db(path);
  for (const auto& [k, v] : ReadFamily(db, cf)) REQUIRE(db->Delete(rocksdb::WriteOptions(), db.cf(cf), k).ok());
}

// Two articles; "Hub" has more out-facts than an adj value holds.
const int kHubFacts = static_cast<int>(internal::kAdjMaxRows) + 40;
void Articles(Store& store) {
  ArticleBuilder a("one");
  int hub = a.Entity("Hub Agency", EntityType::kOrganization, {"Hub Agency", "Hub"});
  int ann = a.Entity("Ann Lee", EntityType::kPerson, {"Ann Lee", "Lee"});
  int rome = a.Entity("Rome", EntityType::kPlace);
  a.Sentence("Lee visited Rome and met Hub Agency.");
  a.Fact(ann, "visit", rome);
  a.Fact(ann, "meet", hub, false, 0.9f);
  a.Fact(ann, "meet", rome, true, 0.6f);
  for (int i = 0; i < kHubFacts; ++i) {
    int o = a.Entity("Office " + std::to_string(i), EntityType::kPlace);
    a.Sentence("Hub Agency opened Office " + std::to_string(i) + ".");
    a.Fact(hub, i % 3 == 0 ? "open" : "fund", o);
  }
  Commit(store, a);
  ArticleBuilder b("two");
  int ann2 = b.Entity("Ann Lee", EntityType::kPerson, {"Ann Lee", "Lee"});
  int rome2 = b.Entity("Rome", EntityType::kPlace);
  int bo = b.Entity("Bo Chan", EntityType::kPerson);
  b.Sentence("Ann Lee visited Rome again with Bo Chan.");
  b.Fact(ann2, "visit", rome2, false, 0.7f);
  b.Fact(ann2, "travel_with", bo);
  b.Fact(bo, "visit", rome2);
  Commit(store, b);
}

using Got = std::vector<std::tuple<kg::FactId, std::string, kg::EntityId, uint32_t, float, std::string, std::string,
                                   std::string, bool>>;

// Every subject-bound scan (each entity, without and with each predicate it
// has) in `view`, in the order the store returns them.
std::map<std::pair<kg::EntityId, std::string>, Got> AllSubjectScans(Store& store, const kg::store::View& view) {
  auto r = store.NewReader(view);
  std::vector<kg::EntityId> ids;
  REQUIRE(store.NewReader()->ScanEntities([&](const kg::Entity& e) { return ids.push_back(e.id), true; }).ok());
  std::map<std::pair<kg::EntityId, std::string>, Got> out;
  for (kg::EntityId id : ids) {
    std::set<std::string> preds{""};
    Got& all = out[{id, ""}];
    REQUIRE(r->ScanFactsWithEnds({id, std::nullopt, std::nullopt}, [&](const kg::Fact& f, const kg::store::FactEnds& e) {
      all.emplace_back(f.id, f.predicate, f.object, f.support, f.confidence, f.surface, std::string(e.subject_name),
                       std::string(e.object_name), f.negated);
      preds.insert(f.predicate);
      return true;
    }).ok());
    for (int t = 0; t < kg::kEntityTypeCount; ++t) {  // one object type (adj, else stpo)
      Got& typed = out[{id, "type " + std::to_string(t)}];
      REQUIRE(r->ScanFacts({id, std::nullopt, std::nullopt, {}, {static_cast<EntityType>(t)}}, [&](const kg::Fact& f) {
        typed.emplace_back(f.id, f.predicate, f.object, f.support, f.confidence, f.surface, "", "", f.negated);
        return true;
      }).ok());
    }
    for (const auto& p : preds) {
      if (p.empty()) continue;
      Got& one = out[{id, p}];
      REQUIRE(r->ScanFacts({id, p, std::nullopt}, [&](const kg::Fact& f) {
        one.emplace_back(f.id, f.predicate, f.object, f.support, f.confidence, f.surface, "", "", f.negated);
        return true;
      }).ok());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("subject scans read the adj value and answer as the spo rows do, in every view, a hub from its chunks") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  {
    auto store = OpenRw(path);
    Articles(*store);
  }
  Rows adj;
  {
    kg::test::RawDb db(path);
    adj = ReadFamily(db, "adj");
    CHECK(adj == kg::test::ExpectedAdj(ReadFamily(db, "spo")));
    CHECK(kg::test::HubChunkProblems(ReadFamily(db, "spo"), ReadFamily(db, "stpo"), ReadFamily(db, "hubc")) == "");
    CHECK(ReadFamily(db, "hubc").size() == 4);  // the hub's marker, its 104 place rows in three chunks
  }
  kg::EntityId hub = 0, ann = 0;
  {
    auto store = OpenRw(path);
    hub = store->NewReader()->FindByName("Hub").at(0);
    ann = store->NewReader()->FindByName("Ann Lee").at(0);
  }
  CHECK(adj.count(kg::store::codec::U64Key(ann)) == 1);
  CHECK(adj.count(kg::store::codec::U64Key(hub)) == 0);  // over the cap: a hub
  const std::vector<kg::store::View> views = {kg::store::View{}, kg::store::View{1, std::nullopt},
                                              kg::store::View{UINT64_MAX, 2}};
  std::vector<std::map<std::pair<kg::EntityId, std::string>, Got>> through_adj;
  {
    auto store = OpenRw(path);
    for (const auto& v : views) through_adj.push_back(AllSubjectScans(*store, v));
    // The hub's facts all come back (from spo), with a predicate too.
    CHECK(through_adj[0].at({hub, ""}).size() == static_cast<size_t>(kHubFacts));
    CHECK(through_adj[0].at({hub, "open"}).size() == static_cast<size_t>((kHubFacts + 2) / 3));
    CHECK(through_adj[0].at({ann, ""}).size() == 4);  // visit x1 (two articles), meet x2, travel_with
    CHECK(through_adj[0].at({ann, "meet"}).size() == 2);
    CHECK(through_adj[0].at({ann, "type " + std::to_string(static_cast<int>(EntityType::kPlace))}).size() == 2);
    CHECK(through_adj[0].at({hub, "type " + std::to_string(static_cast<int>(EntityType::kPlace))}).size() ==
          static_cast<size_t>(kHubFacts));
    CHECK(through_adj[1].at({ann, ""}).size() == 3);  // AS OF ARTICLE 1
    CHECK(through_adj[2].at({ann, ""}).size() == 2);  // FROM ARTICLE 2
    // A stop from the callback ends the scan after one row.
    int calls = 0;
    REQUIRE(store->NewReader()->ScanFacts({ann, std::nullopt, std::nullopt}, [&](const kg::Fact&) {
      return ++calls, false;
    }).ok());
    CHECK(calls == 1);
  }
  // The same scans with adjacency reads off (OpenOptions), then with the adj
  // family emptied: every subject read from spo.
  {
    kg::store::OpenOptions no_adj;
    no_adj.adjacency_reads = false;
    auto store = Store::Open(path, OpenMode::kReadWrite, no_adj);
    REQUIRE(store.ok());
    for (size_t i = 0; i < views.size(); ++i) {
      INFO("view " << i);
      CHECK(AllSubjectScans(*store.value(), views[i]) == through_adj[i]);
    }
  }
  {
    kg::store::OpenOptions no_chunks;
    no_chunks.hub_chunk_reads = false;
    auto store = Store::Open(path, OpenMode::kReadWrite, no_chunks);
    REQUIRE(store.ok());
    for (size_t i = 0; i < views.size(); ++i) {
      INFO("view " << i);
      CHECK(AllSubjectScans(*store.value(), views[i]) == through_adj[i]);
    }
  }
  ClearFamily(path, "adj");
  {
    auto store = OpenRw(path);
    for (size_t i = 0; i < views.size(); ++i) {
      INFO("view " << i);
      CHECK(AllSubjectScans(*store, views[i]) == through_adj[i]);
    }
  }
}

TEST_CASE("a damaged adj value is an error, not a short answer") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  kg::EntityId ann = 0;
  {
    auto store = OpenRw(path);
    Articles(*store);
    ann = store->NewReader()->FindByName("Ann Lee").at(0);
  }
  {
    kg::test::RawDb db(path);
    std::string v;
    REQUIRE(db->Get(rocksdb::ReadOptions(), db.cf("adj"), kg::store::codec::U64Key(ann), &v).ok());
    v.resize(v.size() - 3);  // the last row cut short
    REQUIRE(db->Put(rocksdb::WriteOptions(), db.cf("adj"), kg::store::codec::U64Key(ann), v).ok());
  }
  auto store = OpenRw(path);
  const kg::Status s = store->NewReader()->ScanFacts({ann, std::nullopt, std::nullopt}, [](const kg::Fact&) {
    return true;
  });
  CHECK(s.code() == kg::Status::Code::kCorruption);
  CHECK_THAT(s.message(), Catch::Contains("adjacency value of entity " + std::to_string(ann)));
}

TEST_CASE("a schema-4 database is refused with the upgrade command, and kg upgrade writes the adj values, "
          "also when rerun after an interruption") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  {
    auto store = OpenRw(path);
    Articles(*store);
  }
  Rows expected;
  {
    kg::test::RawDb db(path);
    expected = kg::test::ExpectedAdj(ReadFamily(db, "spo"));
    REQUIRE(expected.size() == 2);  // Ann Lee and Bo Chan; not the hub
    // What kg wrote at schema 4: no adj family, no hubc family.
    REQUIRE(db->DropColumnFamily(db.cf("adj")).ok());
    REQUIRE(db->DropColumnFamily(db.cf("hubc")).ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), db.cf("meta"), "schema_version", std::string{0, 0, 0, 4}).ok());
  }
  for (auto mode : {OpenMode::kReadOnly, OpenMode::kReadWrite}) {
    auto s = Store::Open(path, mode);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().code() == kg::Status::Code::kVersionMismatch);
    CHECK_THAT(s.status().message(), Catch::Contains("schema version 4"));
    CHECK_THAT(s.status().message(), Catch::Contains("kg upgrade"));
  }
  REQUIRE(Store::Upgrade(path).ok());
  {
    kg::test::RawDb db(path);
    CHECK(ReadFamily(db, "adj") == expected);
    // Interrupted: half the values missing, one stale value of a subject
    // without facts, and the version still 4.
    int i = 0;
    for (const auto& [k, v] : ReadFamily(db, "adj")) {
      if (i++ % 2 == 0) REQUIRE(db->Delete(rocksdb::WriteOptions(), db.cf("adj"), k).ok());
    }
    REQUIRE(db->Put(rocksdb::WriteOptions(), db.cf("adj"), kg::store::codec::U64Key(999999), "stale").ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), db.cf("meta"), "schema_version", std::string{0, 0, 0, 4}).ok());
  }
  REQUIRE_FALSE(Store::Open(path, OpenMode::kReadOnly).ok());
  REQUIRE(Store::Upgrade(path).ok());
  {
    kg::test::RawDb db(path);
    CHECK(ReadFamily(db, "adj") == expected);
    CHECK(kg::test::HubChunkProblems(ReadFamily(db, "spo"), ReadFamily(db, "stpo"), ReadFamily(db, "hubc")) == "");
  }
  auto ro = Store::Open(path, OpenMode::kReadOnly);
  REQUIRE(ro.ok());
  const kg::EntityId ann = ro.value()->NewReader()->FindByName("Ann Lee").at(0);
  int facts = 0;
  REQUIRE(ro.value()->NewReader()->ScanFacts({ann, std::nullopt, std::nullopt}, [&](const kg::Fact&) {
    return ++facts, true;
  }).ok());
  CHECK(facts == 4);
}
