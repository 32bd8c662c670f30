// Schema 6: a hub's stpo rows in hubc chunks, read by a typed scan of the
// hub. After every mutation (commits that add and re-evidence facts,
// retraction, merges that move rows between subjects and make and unmake
// hubs) the chunks must hold exactly the hub's stpo rows, each 1..64 rows and
// keyed by its first row, and typed scans through them must answer as stpo
// does, in every view. A damaged chunk is an error, missing chunks fall back
// to stpo, and a schema-5 database converts with Store::Upgrade.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

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
using kg::test::ArticleBuilder;
using kg::test::Commit;
using kg::test::OpenRw;
using kg::test::ReadFamily;
using kg::test::TempDir;
namespace internal = kg::store::internal;

namespace {

using Rows = std::map<std::string, std::string>;

// Call with the store closed: adj and hubc against spo and stpo.
void CheckHubChunks(const std::string& path, size_t* chunks = nullptr, size_t* hubs = nullptr) {
  kg::test::RawDb db(path);
  const Rows spo = ReadFamily(db, "spo");
  const Rows hubc = ReadFamily(db, "hubc");
  CHECK(ReadFamily(db, "adj") == kg::test::ExpectedAdj(spo));
  CHECK(kg::test::HubChunkProblems(spo, ReadFamily(db, "stpo"), hubc) == "");
  size_t markers = 0;
  for (const auto& [k, v] : hubc) markers += k.size() == 8 ? 1 : 0;
  if (chunks != nullptr) *chunks = hubc.size() - markers;
  if (hubs != nullptr) *hubs = markers;
}

const EntityType kTypes[] = {EntityType::kPlace, EntityType::kPerson, EntityType::kOrganization};
const char* const kPreds[] = {"meet", "fund", "visit", "warn"};

// Article `n` of a story about a hub: twelve facts from the hub (and one
// from a small entity) to objects drawn from 150 of three types; a drawn
// (predicate, object) pair seen before re-evidences that fact.
ArticleBuilder HubArticle(int n, const std::string& hub_name) {
  ArticleBuilder a("hub-" + std::to_string(n));
  const int hub = a.Entity(hub_name, EntityType::kOrganization);
  const int small = a.Entity("Small Firm", EntityType::kOrganization);
  uint32_t x = 2654435761u * static_cast<uint32_t>(n + 1);
  for (int i = 0; i < 12; ++i) {
    x = x * 1664525u + 1013904223u;
    const int obj = static_cast<int>((x >> 8) % 150);
    const std::string name = "Object " + std::to_string(obj);
    const int o = a.Entity(name, kTypes[obj % 3]);
    a.Sentence(hub_name + " dealt with " + name + ".");
    a.Fact(hub, kPreds[(x >> 20) % 4], o, false, 0.5f + 0.04f * static_cast<float>(i));
    if (i == 0) a.Fact(small, "meet", o);
  }
  return a;
}

using Typed = std::vector<std::tuple<kg::FactId, std::string, kg::EntityId, uint32_t, float, std::string>>;

// Every entity's typed out-scan, one type at a time, in store order.
std::map<std::pair<kg::EntityId, int>, Typed> TypedScans(Store& store, const kg::store::View& view) {
  std::vector<kg::EntityId> ids;
  REQUIRE(store.NewReader()->ScanEntities([&](const kg::Entity& e) { return ids.push_back(e.id), true; }).ok());
  auto r = store.NewReader(view);
  std::map<std::pair<kg::EntityId, int>, Typed> out;
  for (kg::EntityId id : ids) {
    for (int t = 0; t < kg::kEntityTypeCount; ++t) {
      Typed& got = out[{id, t}];
      kg::store::TriplePattern p{id, std::nullopt, std::nullopt, {}, {static_cast<EntityType>(t)}};
      REQUIRE(r->ScanFactsWithEnds(p, [&](const kg::Fact& f, const kg::store::FactEnds& e) {
        got.emplace_back(f.id, f.predicate, f.object, f.support, f.confidence, std::string(e.object_name));
        return true;
      }).ok());
    }
  }
  return out;
}

// The typed scans with chunk reads on (the default) and off (stpo) agree in
// the latest view and as of article `as_of`; returns how many rows.
size_t CheckChunkReads(const std::string& path, uint64_t as_of) {
  const std::vector<kg::store::View> views = {kg::store::View{}, kg::store::View{as_of, std::nullopt}};
  std::vector<std::map<std::pair<kg::EntityId, int>, Typed>> on, off;
  {
    auto store = OpenRw(path);
    for (const auto& v : views) on.push_back(TypedScans(*store, v));
  }
  {
    kg::store::OpenOptions o;
    o.hub_chunk_reads = false;
    auto store = Store::Open(path, OpenMode::kReadWrite, o);
    REQUIRE(store.ok());
    for (const auto& v : views) off.push_back(TypedScans(*store.value(), v));
  }
  size_t rows = 0;
  for (size_t i = 0; i < views.size(); ++i) {
    INFO("view " << i);
    CHECK(on[i] == off[i]);
    for (const auto& [k, v] : on[i]) rows += v.size();
  }
  return rows;
}

}  // namespace

TEST_CASE("hub chunks hold exactly the hub's stpo rows through commits, retraction and merges") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  size_t chunks = 0, hubs = 0, most_chunks = 0;
  for (int n = 0; n < 30; ++n) {
    {
      auto store = OpenRw(path);
      Commit(*store, HubArticle(n, "Hub Agency"));
    }
    INFO("after article " << n);
    CheckHubChunks(path, &chunks, &hubs);
    most_chunks = std::max(most_chunks, chunks);
    if (n == 4) CHECK(hubs == 0);  // 60 facts at most: not a hub yet
  }
  CHECK(hubs == 1);
  // Some group outgrew one chunk and was split: more chunks than groups.
  CHECK(most_chunks > 3);
  CHECK(CheckChunkReads(path, 12) > 300);

  // Retractions delete rows and lower support in place.
  for (uint64_t seq : {3, 17, 9, 28}) {
    {
      auto store = OpenRw(path);
      REQUIRE(store->Retract(seq).ok());
    }
    INFO("after retracting " << seq);
    CheckHubChunks(path);
  }
  CheckChunkReads(path, 20);

  // Merging two objects moves the hub's rows of the dropped one.
  {
    auto store = OpenRw(path);
    auto r = store->NewReader();
    const auto keep = r->FindByName("Object 3"), drop = r->FindByName("Object 6");
    REQUIRE(keep.size() == 1);
    REQUIRE(drop.size() == 1);
    REQUIRE(store->MergeEntities(keep[0], drop[0]).ok());
  }
  CheckHubChunks(path);
  CheckChunkReads(path, 20);

  // Merging the hub into a small entity: that one becomes the hub, the old
  // hub's chunks go.
  kg::EntityId small = 0;
  {
    auto store = OpenRw(path);
    auto r = store->NewReader();
    small = r->FindByName("Small Firm").at(0);
    REQUIRE(store->MergeEntities(small, r->FindByName("Hub Agency").at(0)).ok());
  }
  CheckHubChunks(path, &chunks, &hubs);
  CHECK(hubs == 1);
  {
    kg::test::RawDb db(path);
    CHECK(ReadFamily(db, "hubc").count(kg::store::codec::U64Key(small)) == 1);  // its marker
  }
  CheckChunkReads(path, 20);

  // Retracting the rest but the last two articles: retracted facts keep
  // their rows (earlier views read them), so the hub stays one.
  for (uint64_t seq = 1; seq <= 27; ++seq) {
    if (seq == 3 || seq == 9 || seq == 17) continue;
    auto store = OpenRw(path);
    REQUIRE(store->Retract(seq).ok());
  }
  CheckHubChunks(path, &chunks, &hubs);
  CHECK(hubs == 1);
  CheckChunkReads(path, 25);
}

TEST_CASE("a damaged hub chunk is an error, and missing chunks are read from stpo") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  kg::EntityId hub = 0;
  {
    auto store = OpenRw(path);
    for (int n = 0; n < 10; ++n) Commit(*store, HubArticle(n, "Hub Agency"));
    hub = store->NewReader()->FindByName("Hub Agency").at(0);
  }
  const size_t places = CheckChunkReads(path, 5);
  REQUIRE(places > 0);
  auto count_places = [&](Store& store, kg::Status* status) {
    size_t n = 0;
    *status = store.NewReader()->ScanFacts({hub, std::nullopt, std::nullopt, {}, {EntityType::kPlace}},
                                           [&](const kg::Fact&) { return ++n, true; });
    return n;
  };
  size_t want = 0;
  {
    kg::store::OpenOptions o;
    o.hub_chunk_reads = false;
    auto store = Store::Open(path, OpenMode::kReadWrite, o);
    REQUIRE(store.ok());
    kg::Status st;
    want = count_places(*store.value(), &st);
    REQUIRE(st.ok());
    REQUIRE(want > 0);
  }
  std::string group = kg::store::codec::U64Key(hub);
  group.push_back(static_cast<char>(EntityType::kPlace));
  {
    kg::test::RawDb db(path);
    std::string first;
    for (const auto& [k, v] : ReadFamily(db, "hubc")) {
      if (k.compare(0, group.size(), group) == 0) {
        first = k;
        break;
      }
    }
    REQUIRE_FALSE(first.empty());
    std::string v;
    REQUIRE(db->Get(rocksdb::ReadOptions(), db.cf("hubc"), first, &v).ok());
    v.resize(v.size() - 3);  // the last row cut short
    REQUIRE(db->Put(rocksdb::WriteOptions(), db.cf("hubc"), first, v).ok());
  }
  {
    auto store = OpenRw(path);
    kg::Status st;
    count_places(*store, &st);
    CHECK(st.code() == kg::Status::Code::kCorruption);
    CHECK_THAT(st.message(), Catch::Contains("hub chunk of entity " + std::to_string(hub)));
  }
  {
    kg::test::RawDb db(path);
    for (const auto& [k, v] : ReadFamily(db, "hubc")) REQUIRE(db->Delete(rocksdb::WriteOptions(), db.cf("hubc"), k).ok());
  }
  {
    auto store = OpenRw(path);
    kg::Status st;
    CHECK(count_places(*store, &st) == want);
    CHECK(st.ok());
  }
}

TEST_CASE("a schema-5 database is refused with the upgrade command, and kg upgrade writes the hub chunks, "
          "also when rerun after an interruption") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  {
    auto store = OpenRw(path);
    for (int n = 0; n < 12; ++n) Commit(*store, HubArticle(n, "Hub Agency"));
  }
  Rows adj, hubc;
  {
    kg::test::RawDb db(path);
    adj = ReadFamily(db, "adj");
    hubc = ReadFamily(db, "hubc");
    REQUIRE(hubc.size() >= 4);  // the hub's marker and its three groups
    // What kg wrote at schema 5: no hubc family.
    REQUIRE(db->DropColumnFamily(db.cf("hubc")).ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), db.cf("meta"), "schema_version", std::string{0, 0, 0, 5}).ok());
  }
  for (auto mode : {OpenMode::kReadOnly, OpenMode::kReadWrite}) {
    auto s = Store::Open(path, mode);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().code() == kg::Status::Code::kVersionMismatch);
    CHECK_THAT(s.status().message(), Catch::Contains("schema version 5"));
    CHECK_THAT(s.status().message(), Catch::Contains("kg upgrade"));
  }
  REQUIRE(Store::Upgrade(path).ok());
  CheckHubChunks(path);
  {
    kg::test::RawDb db(path);
    CHECK(ReadFamily(db, "adj") == adj);
    // Interrupted: half the chunks (or the marker) missing, one stale chunk
    // of an entity that is no hub, and the version still 5.
    int i = 0;
    for (const auto& [k, v] : ReadFamily(db, "hubc")) {
      if (i++ % 2 == 0) REQUIRE(db->Delete(rocksdb::WriteOptions(), db.cf("hubc"), k).ok());
    }
    REQUIRE(db->Put(rocksdb::WriteOptions(), db.cf("hubc"), internal::StpoKey(999999, EntityType::kPlace, 1, 2, 3),
                    "stale").ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), db.cf("meta"), "schema_version", std::string{0, 0, 0, 5}).ok());
  }
  REQUIRE_FALSE(Store::Open(path, OpenMode::kReadOnly).ok());
  REQUIRE(Store::Upgrade(path).ok());
  CheckHubChunks(path);
  CHECK(CheckChunkReads(path, 6) > 100);
}
