// Schema 3: the fact index rows carry both ends' names and types
// (Reader::ScanFactsWithEnds). Every mutation that changes what an entity is
// called must leave them equal to the entity records, and a schema-2
// database converts with Store::Upgrade.
#include <algorithm>
#include <fstream>
#include <map>
#include <string>

#include <catch2/catch.hpp>
#include <rocksdb/db.h>
#include <rocksdb/convenience.h>
#include <rocksdb/table_properties.h>

#include "store/codec.h"
#include "store/records.h"
#include "store/store.h"
#include "tests/store/article_builder.h"
#include "tests/store/raw_db.h"
#include "tests/store/store_fixture.h"
#include "tests/test_util.h"

using kg::EntityType;
using kg::store::OpenMode;
using kg::store::Store;
using kg::store::View;
using kg::test::ArticleBuilder;
using kg::test::Commit;
using kg::test::OpenRw;
using kg::test::TempDir;

namespace {

// Scans every fact through each index (subject, object, predicate) and
// checks the ends the rows carry against the entity records. Returns the
// number of (fact, index) pairs checked.
int CheckEnds(Store& store, const View& view = View()) {
  auto r = store.NewReader(view);
  int checked = 0;
  auto check = [&](const kg::Fact& f, const kg::store::FactEnds& ends) {
    auto s = r->GetEntity(f.subject);
    auto o = r->GetEntity(f.object);
    REQUIRE(s);
    REQUIRE(o);
    CHECK(ends.subject_name == s->name);
    CHECK(ends.object_name == o->name);
    CHECK(ends.subject_type == s->type);
    CHECK(ends.object_type == o->type);
    ++checked;
    return true;
  };
  std::vector<kg::EntityId> ids;
  REQUIRE(r->ScanEntities([&](const kg::Entity& e) { return ids.push_back(e.id), true; }).ok());
  for (kg::EntityId id : ids) {
    REQUIRE(r->ScanFactsWithEnds({id, std::nullopt, std::nullopt}, check).ok());
    REQUIRE(r->ScanFactsWithEnds({std::nullopt, std::nullopt, id}, check).ok());
  }
  for (const auto& [pred, n] : r->Predicates()) {
    REQUIRE(r->ScanFactsWithEnds({std::nullopt, pred, std::nullopt}, check).ok());
  }
  return checked;
}

std::string ObjectNameOf(Store& store, const std::string& subject, const std::string& pred) {
  auto r = store.NewReader();
  std::string name;
  for (kg::EntityId id : r->FindByName(subject)) {
    REQUIRE(r->ScanFactsWithEnds({id, pred, std::nullopt}, [&](const kg::Fact&, const kg::store::FactEnds& e) {
      name = std::string(e.object_name);
      return false;
    }).ok());
  }
  return name;
}

// Michael Jordan (canonical name "Jordan") in two articles, one of which
// means someone else; both articles have facts.
void JordanArticles(Store& store) {
  ArticleBuilder a("basketball");
  int mj = a.Entity("Jordan", EntityType::kPerson, {"Jordan", "Michael Jordan"});
  int bulls = a.Entity("Chicago Bulls", EntityType::kOrganization);
  a.Sentence("Michael Jordan joined Chicago Bulls.");
  a.Fact(mj, "join", bulls);
  a.Sentence("Jordan scored.");
  Commit(store, a);
  ArticleBuilder b("physics");
  int jordan = b.Entity("Jordan", EntityType::kPerson);
  int mit = b.Entity("MIT", EntityType::kOrganization);
  b.Sentence("Jordan joined MIT.");
  b.Fact(jordan, "join", mit);
  b.Sentence("MIT hired Jordan.");
  b.Fact(mit, "hire", jordan);
  Commit(store, b);
  ArticleBuilder c("presidents");
  int trump = c.Entity("Donald Trump", EntityType::kPerson);
  int potus = c.Entity("The President", EntityType::kPerson);
  int bulls2 = c.Entity("Chicago Bulls", EntityType::kOrganization);
  int mit2 = c.Entity("MIT", EntityType::kOrganization);
  c.Sentence("Donald Trump met Chicago Bulls.");
  c.Fact(trump, "meet", bulls2);
  c.Sentence("The President praised MIT.");
  c.Fact(potus, "praise", mit2);
  Commit(store, c);
}

}  // namespace

TEST_CASE("index rows carry the ends' names and types through merge, alias, split and retraction") {
  TempDir dir;
  auto store = OpenRw(dir.str() + "/db");
  JordanArticles(*store);
  CHECK(CheckEnds(*store) > 0);
  CHECK(ObjectNameOf(*store, "MIT", "hire") == "Jordan");

  // Split off the canonical name: the old entity is renamed "Michael Jordan",
  // and its fact that stays (join Chicago Bulls) must carry the new name.
  kg::EntityId mj = store->NewReader()->FindByName("Michael Jordan").at(0);
  auto split = store->SplitEntity(mj, {"Jordan"});
  INFO(split.status().ToString());
  REQUIRE(split.ok());
  REQUIRE(store->NewReader()->GetEntity(mj)->name == "Michael Jordan");
  CHECK(CheckEnds(*store) > 0);
  {
    auto r = store->NewReader();
    REQUIRE(r->ScanFactsWithEnds({mj, std::nullopt, std::nullopt}, [&](const kg::Fact&, const kg::store::FactEnds& e) {
      CHECK(e.subject_name == "Michael Jordan");
      return true;
    }).ok());
  }
  CHECK(ObjectNameOf(*store, "MIT", "hire") == "Jordan");  // moved to the new entity

  // Merge: the dropped entity's facts name the kept one.
  kg::EntityId trump = store->NewReader()->FindByName("Donald Trump").at(0);
  kg::EntityId potus = store->NewReader()->FindByName("The President").at(0);
  REQUIRE(store->MergeEntities(trump, potus).ok());
  CHECK(CheckEnds(*store) > 0);
  {
    auto r = store->NewReader();
    int n = 0;
    REQUIRE(r->ScanFactsWithEnds({std::nullopt, std::string("praise"), std::nullopt},
                                 [&](const kg::Fact&, const kg::store::FactEnds& e) {
                                   CHECK(e.subject_name == "Donald Trump");
                                   return ++n, true;
                                 }).ok());
    CHECK(n == 1);
  }

  REQUIRE(store->AddAlias(trump, "POTUS").ok());
  CHECK(CheckEnds(*store) > 0);
  REQUIRE(store->Retract(2).ok());
  CHECK(CheckEnds(*store) > 0);
  View then;
  then.as_of = 2;  // before the retraction: names are today's in every view
  CHECK(CheckEnds(*store, then) > 0);
}

TEST_CASE("a schema-2 database is refused with the upgrade command, and kg upgrade converts it") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  {
    auto store = OpenRw(path);
    JordanArticles(*store);
  }
  // Turn it into what kg wrote at schema 2: index values = the fact record.
  {
    kg::test::RawDb db(path);
    auto cf = [&](const std::string& n) { return db.cf(n); };
    std::map<std::string, std::string> facts;  // fid key -> record
    {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf("facts")));
      for (it->SeekToFirst(); it->Valid(); it->Next()) facts[it->key().ToString()] = it->value().ToString();
    }
    REQUIRE_FALSE(facts.empty());
    int rows = 0;
    for (const char* index : {"spo", "pos", "osp"}) {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf(index)));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const std::string k = it->key().ToString();
        REQUIRE(db->Put(rocksdb::WriteOptions(), cf(index), k, facts.at(k.substr(k.size() - 8))).ok());
        ++rows;
      }
    }
    CHECK(rows == 3 * static_cast<int>(facts.size()));
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf("meta"), "schema_version", std::string{0, 0, 0, 2}).ok());
  }
  for (auto mode : {OpenMode::kReadWrite, OpenMode::kReadOnly}) {
    auto s = Store::Open(path, mode);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().code() == kg::Status::Code::kVersionMismatch);
    CHECK_THAT(s.status().message(), Catch::Contains("schema version 2"));
    CHECK_THAT(s.status().message(), Catch::Contains("kg upgrade"));
  }
  auto up = Store::Upgrade(path);
  INFO(up.ToString());
  REQUIRE(up.ok());
  auto store = OpenRw(path);
  CHECK(CheckEnds(*store) == 3 * 5);  // five facts, each through three indexes
  CHECK(ObjectNameOf(*store, "MIT", "hire") == "Jordan");
  {
    // 2 -> 3 -> 4: the stpo rows (typed out-scans) and the names rows too.
    auto r = store->NewReader();
    int typed = 0;
    REQUIRE(r->ScanEntities([&](const kg::Entity& e) {
      for (int t = 0; t < kg::kEntityTypeCount; ++t) {
        REQUIRE(r->ScanFactsWithEnds({e.id, std::nullopt, std::nullopt, {}, {static_cast<EntityType>(t)}},
                                     [&](const kg::Fact&, const kg::store::FactEnds& ends) {
                                       CHECK(static_cast<int>(ends.object_type) == t);
                                       return ++typed, true;
                                     }).ok());
      }
      return true;
    }).ok());
    CHECK(typed == 5);
    CHECK(r->FindByName("Chicago Bulls").size() == 1);
  }
  store.reset();
  CHECK(Store::Upgrade(path).ok());  // a current database: compacted, contents unchanged
}

TEST_CASE("PrefixEnd bounds a prefix scan, also for prefixes ending in 0xff bytes") {
  using kg::store::internal::PrefixEnd;
  CHECK(PrefixEnd("") == "");
  CHECK(PrefixEnd("ab") == "ac");
  CHECK(PrefixEnd(std::string("a\x00", 2)) == "a\x01");
  CHECK(PrefixEnd("a\xff\xff") == "b");
  CHECK(PrefixEnd("\xff\xff") == "");
  // Entity 255's spo prefix: past every key of entity 255, not past entity 256's.
  const std::string b = PrefixEnd(kg::store::codec::U64Key(255));
  CHECK(b == std::string(6, '\0') + "\x01");
  CHECK(b > kg::store::codec::U64Key(255) + std::string(12, '\xff'));
  CHECK(b <= kg::store::codec::U64Key(256));
}

TEST_CASE("kg upgrade compacts a current database: files written with older table options still read, "
          "and come out as one bottom-level run, uncompressed in the query families") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  {
    auto store = OpenRw(path);
    JordanArticles(*store);
  }
  // What an older kg left: the query families' files ZSTD-compressed.
  {
    kg::test::RawDb db(path);
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    for (const char* f : {"aliases", "entities", "spo", "pos", "osp"}) {
      REQUIRE(db->SetOptions(db.cf(f), {{"compression", "kZSTD"}, {"bottommost_compression", "kZSTD"}}).ok());
      REQUIRE(db->CompactRange(co, db.cf(f), nullptr, nullptr).ok());
    }
  }
  std::string before;
  {
    auto store = OpenRw(path);
    CHECK(CheckEnds(*store) == 3 * 5);
    before = ObjectNameOf(*store, "MIT", "hire");
    CHECK(before == "Jordan");
  }
  REQUIRE(Store::Upgrade(path).ok());
  {
    kg::test::RawDb db(path);
    for (const char* f : {"aliases", "entities", "spo", "pos", "osp", "facts", "evidence"}) {
      INFO(f);
      std::string l0;
      REQUIRE(db->GetProperty(db.cf(f), "rocksdb.num-files-at-level0", &l0));
      CHECK(l0 == "0");
    }
    // The query families are read in place through mmap (store.cpp
    // MakeCfOptions); the others stay compressed.
    for (const char* f : {"spo", "aliases", "entities"}) {
      INFO(f);
      rocksdb::TablePropertiesCollection props;
      REQUIRE(db->GetPropertiesOfAllTables(db.cf(f), &props).ok());
      REQUIRE(props.size() == 1);
      CHECK(props.begin()->second->compression_name == "NoCompression");
    }
    rocksdb::TablePropertiesCollection props;
    REQUIRE(db->GetPropertiesOfAllTables(db.cf("evidence"), &props).ok());
    REQUIRE(props.size() == 1);
    CHECK(props.begin()->second->compression_name != "NoCompression");
  }
  auto store = OpenRw(path);
  CHECK(CheckEnds(*store) == 3 * 5);
  CHECK(ObjectNameOf(*store, "MIT", "hire") == before);
}

// Scans decode each index row once, the record's strings as views into the
// row (schema 3 and 4 values): every field must equal what GetFact decodes
// from the fact record, through every index, in the latest view and in
// historical and single-article views, long strings included.
TEST_CASE("an open store reads its table files through mmap in both open modes") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  {
    auto store = OpenRw(path);
    JordanArticles(*store);
  }
  REQUIRE(Store::Upgrade(path).ok());  // everything in table files, none in the memtable
  // Linux: a mapped file's path is in /proc/self/maps while it is mapped.
  auto mapped_tables = [&] {
    std::ifstream maps("/proc/self/maps");
    int n = 0;
    for (std::string line; std::getline(maps, line);) {
      n += line.find(path + "/") != std::string::npos && line.find(".sst") != std::string::npos;
    }
    return n;
  };
  REQUIRE(mapped_tables() == 0);
  for (OpenMode mode : {OpenMode::kReadWrite, OpenMode::kReadOnly}) {
    auto opened = Store::Open(path, mode);
    REQUIRE(opened.ok());
    auto store = std::move(opened).value();
    CHECK(ObjectNameOf(*store, "MIT", "hire") == "Jordan");
    CHECK(mapped_tables() > 0);
  }
  CHECK(mapped_tables() == 0);  // unmapped when the stores close
  kg::store::OpenOptions pread;
  pread.mmap_reads = false;
  for (OpenMode mode : {OpenMode::kReadWrite, OpenMode::kReadOnly}) {
    auto opened = Store::Open(path, mode, pread);
    REQUIRE(opened.ok());
    auto store = std::move(opened).value();
    CHECK(ObjectNameOf(*store, "MIT", "hire") == "Jordan");
    CHECK(mapped_tables() == 0);
  }
}

TEST_CASE("scanned facts equal their records in every view", "[store]") {
  TempDir dir;
  auto store = OpenRw(dir);
  ArticleBuilder a("long-one");
  const int council = a.Entity("European Council on Foreign Relations", EntityType::kOrganization);
  const int agency = a.Entity("International Atomic Energy Agency", EntityType::kOrganization);
  const int iran = a.Entity("Iran", EntityType::kPlace);
  a.Sentence("European Council on Foreign Relations criticised International Atomic Energy Agency over Iran.");
  a.Fact(council, "criticise_strongly_and_repeatedly", agency, false, 0.65f);
  a.Fact(agency, "inspect", iran, true, 0.9f, kg::Modality::kPossible);
  Commit(*store, a);
  ArticleBuilder b("long-two");
  const int agency2 = b.Entity("International Atomic Energy Agency", EntityType::kOrganization);
  const int iran2 = b.Entity("Iran", EntityType::kPlace);
  b.Sentence("International Atomic Energy Agency visited Iran.");
  b.Fact(agency2, "visit", iran2, false, 0.7f);
  b.Fact(agency2, "inspect", iran2, true, 0.95f, kg::Modality::kPossible);
  Commit(*store, b);
  REQUIRE(store->Retract(1).ok());
  View only_two;
  only_two.only_article = 2;
  View as_of_one;
  as_of_one.as_of = 1;
  int checked = 0;
  // surface = false (TriplePattern::surface): the same facts, every field
  // but the surface words filled.
  for (const bool surface : {true, false}) {
    for (const View& view : {View(), as_of_one, only_two}) {
      auto r = store->NewReader(view);
      auto same = [&](const kg::Fact& f, const kg::store::FactEnds&) {
        auto g = r->GetFact(f.id);
        REQUIRE(g);
        CHECK(f.subject == g->subject);
        CHECK(f.object == g->object);
        CHECK(f.predicate == g->predicate);
        CHECK(f.negated == g->negated);
        CHECK(f.modality == g->modality);
        CHECK(f.first_seen == g->first_seen);
        CHECK(f.support == g->support);
        CHECK(f.confidence == g->confidence);
        CHECK(!g->surface.empty());
        CHECK(f.surface == (surface ? g->surface : std::string()));
        ++checked;
        return true;
      };
      auto pattern = [&](std::optional<kg::EntityId> s, std::optional<std::string> p, std::optional<kg::EntityId> o) {
        kg::store::TriplePattern t{s, std::move(p), o};
        t.surface = surface;
        return t;
      };
      std::vector<kg::EntityId> ids;
      REQUIRE(r->ScanEntities([&](const kg::Entity& e) { return ids.push_back(e.id), true; }).ok());
      for (kg::EntityId id : ids) {
        REQUIRE(r->ScanFactsWithEnds(pattern(id, std::nullopt, std::nullopt), same).ok());
        REQUIRE(r->ScanFactsWithEnds(pattern(std::nullopt, std::nullopt, id), same).ok());
        kg::store::TriplePattern typed = pattern(id, std::nullopt, std::nullopt);
        typed.object_types = {EntityType::kPlace, EntityType::kOrganization};
        REQUIRE(r->ScanFactsWithEnds(typed, same).ok());
      }
      REQUIRE(r->ScanFactsWithEnds(pattern(std::nullopt, std::string("inspect"), std::nullopt), same).ok());
      REQUIRE(r->ScanFacts(pattern(std::nullopt, std::string("visit"), std::nullopt),
                           [&](const kg::Fact& f) { return same(f, kg::store::FactEnds()); })
                  .ok());
    }
  }
  CHECK(checked >= 16);
}

// Readers hand their iterators and predicate labels to the next reader
// (store_impl.h ReaderScratch): a reader after a write must not read through
// iterators of the old state, a reader that outlives a newer one must not hand
// its old iterators on, and labels learnt by one reader serve the next.
TEST_CASE("readers that reuse an earlier reader's iterators and labels read their own state", "[store]") {
  TempDir dir;
  auto store = OpenRw(dir);
  auto facts_of = [&](kg::store::Reader& r, kg::EntityId id) {
    std::vector<std::string> out;
    REQUIRE(r.ScanFactsWithEnds({id, std::nullopt, std::nullopt}, [&](const kg::Fact& f, const kg::store::FactEnds& e) {
      out.push_back(f.predicate + " " + std::string(e.object_name));
      return true;
    }).ok());
    std::sort(out.begin(), out.end());
    return out;
  };
  ArticleBuilder a("one");
  const int rubio = a.Entity("Marco Rubio", EntityType::kPerson);
  const int iran = a.Entity("Iran", EntityType::kPlace);
  a.Sentence("Marco Rubio warned Iran.");
  a.Fact(rubio, "warn", iran);
  Commit(*store, a);
  kg::EntityId rubio_id = 0;
  {
    auto r = store->NewReader();
    auto ids = r->FindByName("Marco Rubio");
    REQUIRE(ids.size() == 1);
    rubio_id = ids[0];
    CHECK(facts_of(*r, rubio_id) == std::vector<std::string>{"warn Iran"});
  }
  auto old_reader = store->NewReader();  // takes the first reader's iterators
  CHECK(facts_of(*old_reader, rubio_id) == std::vector<std::string>{"warn Iran"});
  ArticleBuilder b("two");
  const int rubio2 = b.Entity("Marco Rubio", EntityType::kPerson);
  const int nato = b.Entity("NATO", EntityType::kOrganization);
  b.Sentence("Marco Rubio praised NATO.");
  b.Fact(rubio2, "praise", nato);
  Commit(*store, b);
  const std::vector<std::string> both = {"praise NATO", "warn Iran"};
  {
    auto r = store->NewReader();
    CHECK(facts_of(*r, rubio_id) == both);
  }
  // The old reader still reads its state, and ending after the newer one it
  // leaves that one's iterators for the next reader.
  CHECK(facts_of(*old_reader, rubio_id) == std::vector<std::string>{"warn Iran"});
  old_reader.reset();
  for (int i = 0; i < 3; ++i) {
    auto r = store->NewReader();
    CHECK(facts_of(*r, rubio_id) == both);
  }
}
