// Schema 4: the stpo index (subject, object type, predicate, object, fact id;
// value as the spo row's) and the per-name rows (normalised alias -> the
// live entities with their mentions). Both must equal what the spo rows and
// the entity records say after every mutation, and a schema-3 database
// converts with Store::Upgrade (also when an upgrade was interrupted).
#include <algorithm>
#include <map>
#include <set>

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

// What the stpo family must hold: one row per spo row, keyed by the object's
// type that the spo value carries, with the same value.
Rows ExpectedStpo(const Rows& spo) {
  Rows out;
  for (const auto& [k, v] : spo) {
    REQUIRE(k.size() == 28);
    internal::EndView s, o;
    REQUIRE(internal::DecodeIndexEnds(v, &s, &o));
    out[internal::StpoKey(kg::store::codec::GetU64(k.data()), o.type, kg::store::codec::GetU32(k.data() + 8),
                          kg::store::codec::GetU64(k.data() + 12), kg::store::codec::GetU64(k.data() + 20))] = v;
  }
  return out;
}

// What the names family must hold: for every normalised alias of a live
// entity record, the live entities with it and their mentions.
Rows ExpectedNames(const Rows& entities) {
  std::map<std::string, std::vector<internal::NameHit>> names;
  for (const auto& [k, v] : entities) {
    internal::EntityRec rec;
    REQUIRE(internal::DecodeEntity(v, &rec));
    if (rec.live_articles == 0) continue;
    std::set<std::string> norms;
    for (const auto& a : rec.aliases) norms.insert(kg::NormalizeName(a));
    for (const auto& n : norms) names[n].push_back({kg::store::codec::GetU64(k.data()), rec.live_mentions});
  }
  Rows out;
  for (auto& [n, hits] : names) out[n] = internal::EncodeNameRow(hits);
  return out;
}

// Closes nothing: call with the store closed. Checks both schema-4
// structures, schema 5's adj values and schema 6's hub chunks against the
// rows they derive from, exactly (no stale row).
void CheckRaw(const std::string& path) {
  kg::test::RawDb db(path);
  const Rows spo = ReadFamily(db, "spo");
  CHECK(ReadFamily(db, "stpo") == ExpectedStpo(spo));
  CHECK(ReadFamily(db, "adj") == kg::test::ExpectedAdj(spo));
  CHECK(kg::test::HubChunkProblems(spo, ReadFamily(db, "stpo"), ReadFamily(db, "hubc")) == "");
  CHECK(ReadFamily(db, "names") == ExpectedNames(ReadFamily(db, "entities")));
}

// Every entity's typed out-scans (through stpo) return exactly its untyped
// out-facts whose object has that type, also with a predicate bound.
int CheckTypedScans(Store& store) {
  auto r = store.NewReader();
  std::vector<kg::EntityId> ids;
  REQUIRE(r->ScanEntities([&](const kg::Entity& e) { return ids.push_back(e.id), true; }).ok());
  int checked = 0;
  for (kg::EntityId id : ids) {
    std::multiset<std::tuple<int, std::string, kg::FactId>> all;  // (object type, predicate, fact)
    REQUIRE(r->ScanFactsWithEnds({id, std::nullopt, std::nullopt}, [&](const kg::Fact& f, const kg::store::FactEnds& e) {
      all.emplace(static_cast<int>(e.object_type), f.predicate, f.id);
      CHECK(r->GetEntity(f.object)->type == e.object_type);
      return true;
    }).ok());
    std::multiset<std::tuple<int, std::string, kg::FactId>> typed;
    for (int t = 0; t < kg::kEntityTypeCount; ++t) {
      TriplePattern p{id, std::nullopt, std::nullopt, {}, {static_cast<EntityType>(t)}};
      REQUIRE(r->ScanFactsWithEnds(p, [&](const kg::Fact& f, const kg::store::FactEnds& e) {
        CHECK(static_cast<int>(e.object_type) == t);
        typed.emplace(t, f.predicate, f.id);
        // The same fact through stpo with its predicate bound.
        TriplePattern q{id, f.predicate, std::nullopt, {}, {static_cast<EntityType>(t)}};
        bool seen = false;
        REQUIRE(r->ScanFacts(q, [&](const kg::Fact& g) { return seen = seen || g.id == f.id, true; }).ok());
        CHECK(seen);
        return true;
      }).ok());
    }
    CHECK(typed == all);
    checked += static_cast<int>(all.size());
  }
  return checked;
}

// FindByName (names rows, latest view) against the live entity records:
// the entities with that name among their aliases, most mentions first.
void CheckNames(Store& store, const std::vector<std::string>& names) {
  auto latest = store.NewReader();
  for (const auto& n : names) {
    INFO(n);
    std::vector<std::pair<uint64_t, kg::EntityId>> want;  // (mentions, id) from the records
    std::vector<kg::EntityId> got = latest->FindByName(n);
    std::vector<kg::EntityId> expect;
    REQUIRE(latest->ScanEntities([&](const kg::Entity& e) {
      for (const auto& a : e.aliases) {
        if (kg::NormalizeName(a) == kg::NormalizeName(n)) {
          want.emplace_back(e.mentions, e.id);
          break;
        }
      }
      return true;
    }).ok());
    std::sort(want.begin(), want.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto& w : want) expect.push_back(w.second);
    CHECK(got == expect);
  }
}

// Entities of several types; "Paris" once as an organisation by mistake.
void Articles(Store& store) {
  ArticleBuilder a("one");
  int trump = a.Entity("Donald Trump", EntityType::kPerson, {"Donald Trump", "Trump"});
  int paris = a.Entity("Paris", EntityType::kPlace);
  int macron = a.Entity("Emmanuel Macron", EntityType::kPerson, {"Emmanuel Macron", "Macron"});
  int nato = a.Entity("NATO", EntityType::kOrganization);
  a.Sentence("Trump visited Paris and met Macron.");
  a.Fact(trump, "visit", paris);
  a.Fact(trump, "meet", macron);
  a.Sentence("Trump criticised NATO.");
  a.Fact(trump, "criticise", nato);
  Commit(store, a);
  ArticleBuilder b("two");
  int trump2 = b.Entity("Donald Trump", EntityType::kPerson, {"Donald Trump", "Trump"});
  int paris_org = b.Entity("Lutetia Holdings", EntityType::kOrganization, {"Lutetia Holdings", "Lutetia"});
  int berlin = b.Entity("Berlin", EntityType::kPlace);
  b.Sentence("Trump warned Lutetia Holdings in Berlin.");
  b.Fact(trump2, "warn", paris_org);
  b.Fact(trump2, "visit", berlin);
  Commit(store, b);
  ArticleBuilder c("three");
  int macron3 = c.Entity("Macron", EntityType::kPerson);
  int berlin3 = c.Entity("Berlin", EntityType::kPlace);
  c.Sentence("Macron visited Berlin. Macron spoke.");
  c.Fact(macron3, "visit", berlin3);
  Commit(store, c);
}

const std::vector<std::string> kNames = {"Donald Trump", "Trump", "Paris", "Lutetia Holdings", "Lutetia",
                                         "Macron", "Emmanuel Macron", "Berlin", "NATO", "the Alliance",
                                         "nobody"};

void CheckAll(const std::string& path) {
  {
    auto store = OpenRw(path);
    CHECK(CheckTypedScans(*store) > 0);
    CheckNames(*store, kNames);
  }
  CheckRaw(path);
}

}  // namespace

TEST_CASE("stpo rows, names rows and adj values follow commit, merge across types, split, alias and retraction") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  {
    auto store = OpenRw(path);
    Articles(*store);
  }
  CheckAll(path);
  {
    auto store = OpenRw(path);
    auto r = store->NewReader();
    // Trump is in two articles with more mentions than anyone else.
    REQUIRE(r->FindByName("trump").size() == 1);
    const kg::EntityId trump = r->FindByName("trump")[0];
    int places = 0;
    REQUIRE(r->ScanFacts({trump, std::nullopt, std::nullopt, {}, {EntityType::kPlace}}, [&](const kg::Fact&) {
      return ++places, true;
    }).ok());
    CHECK(places == 2);  // Paris, Berlin; not Macron, NATO, Lutetia Holdings
    // Two types: a callback's stop ends the scan of both.
    int calls = 0;
    REQUIRE(r->ScanFacts({trump, std::nullopt, std::nullopt, {}, {EntityType::kPlace, EntityType::kOrganization}},
                         [&](const kg::Fact&) { return ++calls, false; }).ok());
    CHECK(calls == 1);
  }
  // Merge an organisation into a place: Trump's "warn" fact now has a place
  // object, so its stpo row moves from the organisation rows to the place rows.
  {
    auto store = OpenRw(path);
    auto r = store->NewReader();
    const kg::EntityId paris = r->FindByName("Paris").at(0);
    const kg::EntityId club = r->FindByName("Lutetia Holdings").at(0);
    r.reset();
    REQUIRE(store->MergeEntities(paris, club).ok());
    CHECK(store->NewReader()->FindByName("Lutetia") == std::vector<kg::EntityId>{paris});
  }
  CheckAll(path);
  {
    auto store = OpenRw(path);
    const kg::EntityId trump = store->NewReader()->FindByName("trump").at(0);
    int places = 0;
    REQUIRE(store->NewReader()->ScanFacts({trump, std::nullopt, std::nullopt, {}, {EntityType::kPlace}},
                                          [&](const kg::Fact&) { return ++places, true; }).ok());
    CHECK(places == 3);
  }
  // Split "Macron" off Emmanuel Macron: article three named him only so.
  {
    auto store = OpenRw(path);
    const kg::EntityId macron = store->NewReader()->FindByName("Emmanuel Macron").at(0);
    auto split = store->SplitEntity(macron, {"Macron"});
    INFO(split.status().ToString());
    REQUIRE(split.ok());
    CHECK(store->NewReader()->FindByName("Macron") == std::vector<kg::EntityId>{split.value()});
  }
  CheckAll(path);
  {
    auto store = OpenRw(path);
    const kg::EntityId nato = store->NewReader()->FindByName("NATO").at(0);
    REQUIRE(store->AddAlias(nato, "the Alliance").ok());
    auto r = store->NewReader();
    const auto hits = r->FindByName("THE alliance");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0] == nato);
  }
  CheckAll(path);
  // Retract article one: NATO is mentioned nowhere else and disappears from
  // its names rows; Trump's mentions drop.
  {
    auto store = OpenRw(path);
    REQUIRE(store->Retract(1).ok());
    CHECK(store->NewReader()->FindByName("NATO").empty());
    CHECK(store->NewReader()->FindByName("the Alliance").empty());
  }
  CheckAll(path);
  // A new article after all that.
  {
    auto store = OpenRw(path);
    ArticleBuilder d("four");
    int nato = d.Entity("NATO", EntityType::kOrganization);
    int berlin = d.Entity("Berlin", EntityType::kPlace);
    d.Sentence("NATO met in Berlin.");
    d.Fact(nato, "meet_in", berlin);
    Commit(*store, d);
  }
  CheckAll(path);
}

TEST_CASE("a schema-3 database is refused with the upgrade command, and kg upgrade adds stpo and names rows, "
          "also when rerun after an interruption") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  {
    auto store = OpenRw(path);
    Articles(*store);
  }
  // Answers before, through the spo index and the alias index (the typed
  // scan below filters the untyped one; FindByName is compared by CheckNames).
  CheckAll(path);
  Rows stpo_before, names_before;
  {
    kg::test::RawDb db(path);
    stpo_before = ReadFamily(db, "stpo");
    names_before = ReadFamily(db, "names");
  }
  REQUIRE_FALSE(stpo_before.empty());
  REQUIRE_FALSE(names_before.empty());
  // What kg wrote at schema 3: no stpo and no names family.
  {
    kg::test::RawDb db(path);
    REQUIRE(db->DropColumnFamily(db.cf("stpo")).ok());
    REQUIRE(db->DropColumnFamily(db.cf("names")).ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), db.cf("meta"), "schema_version", std::string{0, 0, 0, 3}).ok());
  }
  for (auto mode : {OpenMode::kReadOnly, OpenMode::kReadWrite}) {
    auto s = Store::Open(path, mode);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().code() == kg::Status::Code::kVersionMismatch);
    CHECK_THAT(s.status().message(), Catch::Contains("schema version 3"));
    CHECK_THAT(s.status().message(), Catch::Contains("kg upgrade"));
  }
  auto up = Store::Upgrade(path);
  INFO(up.ToString());
  REQUIRE(up.ok());
  {
    kg::test::RawDb db(path);
    CHECK(ReadFamily(db, "stpo") == stpo_before);
    CHECK(ReadFamily(db, "names") == names_before);
  }
  CheckAll(path);
  // An interrupted upgrade: version 3 and only some of the new rows written.
  {
    kg::test::RawDb db(path);
    int i = 0;
    for (const char* cf : {"stpo", "names"}) {
      for (const auto& [k, v] : ReadFamily(db, cf)) {
        if (i++ % 2 == 0) REQUIRE(db->Delete(rocksdb::WriteOptions(), db.cf(cf), k).ok());
      }
    }
    REQUIRE(db->Put(rocksdb::WriteOptions(), db.cf("meta"), "schema_version", std::string{0, 0, 0, 3}).ok());
  }
  REQUIRE_FALSE(Store::Open(path, OpenMode::kReadOnly).ok());
  REQUIRE(Store::Upgrade(path).ok());
  {
    kg::test::RawDb db(path);
    CHECK(ReadFamily(db, "stpo") == stpo_before);
    CHECK(ReadFamily(db, "names") == names_before);
  }
  CheckAll(path);
  auto ro = Store::Open(path, OpenMode::kReadOnly);
  REQUIRE(ro.ok());
  CHECK(ro.value()->NewReader()->FindByName("Berlin").size() == 1);
}
