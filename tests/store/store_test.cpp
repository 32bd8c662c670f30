// Store basics: commit and read back, resolution, identity, duplicates,
// corrections, locking and the schema check.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <rocksdb/db.h>

#include "store/store.h"
#include "tests/store/article_builder.h"
#include "tests/store/raw_db.h"
#include "tests/store/store_fixture.h"
#include "tests/test_util.h"

using kg::EntityType;
using kg::store::OpenMode;
using kg::store::Store;
using kg::test::ArticleBuilder;
using kg::test::Commit;
using kg::test::OpenRw;
using kg::test::TempDir;
using kg::store::View;

namespace {

ArticleBuilder RubioArticle() {
  ArticleBuilder a("a1");
  int rubio = a.Entity("Marco Rubio", EntityType::kPerson, {"Marco Rubio", "Rubio"});
  int ukraine = a.Entity("Ukraine", EntityType::kPlace);
  a.Sentence("Marco Rubio warned Ukraine.");
  a.Fact(rubio, "warn", ukraine);
  a.Sentence("Rubio did not praise Ukraine.");
  a.Fact(rubio, "praise", ukraine, /*negated=*/true);
  return a;
}

}  // namespace

// FindByName keeps the entities it decoded for the reader's next GetEntity
// of them (a name lookup then reads the node's properties without a second
// point read); every GetEntity must still return the whole record.
TEST_CASE("GetEntity after FindByName returns the whole entity, also when asked twice") {
  TempDir dir;
  auto store = OpenRw(dir);
  Commit(*store, RubioArticle());
  auto plain = store->NewReader();
  auto ids = plain->FindByName("rubio");
  REQUIRE(ids.size() == 1);
  auto expected = store->NewReader()->GetEntity(ids[0]);
  REQUIRE(expected);
  auto same = [&](const std::optional<kg::Entity>& e) {
    REQUIRE(e);
    CHECK(e->id == expected->id);
    CHECK(e->name == expected->name);
    CHECK(e->type == expected->type);
    CHECK(e->mentions == expected->mentions);
    CHECK(e->first_seen == expected->first_seen);
    CHECK(e->aliases == expected->aliases);
  };
  same(plain->GetEntity(ids[0]));  // the one FindByName kept
  same(plain->GetEntity(ids[0]));  // read again from the store
  CHECK(plain->FindByName("Marco Rubio") == ids);
  CHECK(plain->FindByName("nobody") == std::vector<kg::EntityId>{});
  same(plain->GetEntity(ids[0]));  // the lookup that found nothing kept nothing
}

TEST_CASE("a committed article reads back: entities + facts + evidence + mentions + log") {
  TempDir dir;
  auto store = OpenRw(dir);
  ArticleBuilder a = RubioArticle();
  auto r = Commit(*store, a);
  CHECK_FALSE(r.duplicate);
  CHECK(r.seq == 1);
  CHECK(r.new_entities == 2);
  CHECK(r.new_facts == 2);
  CHECK(r.reinforced_facts == 0);

  auto reader = store->NewReader();
  CHECK(reader->LastSeq() == 1);
  auto ids = reader->FindByName("rubio");
  REQUIRE(ids.size() == 1);
  CHECK(reader->FindByName("Marco  Rubio") == ids);
  auto rubio = reader->GetEntity(ids[0]);
  REQUIRE(rubio);
  CHECK(rubio->name == "Marco Rubio");
  CHECK(rubio->type == EntityType::kPerson);
  CHECK(rubio->mentions == 3);  // "Marco Rubio", the "Rubio" inside it, "Rubio"
  CHECK(rubio->first_seen == 1);
  std::set<std::string> aliases(rubio->aliases.begin(), rubio->aliases.end());
  CHECK(aliases == std::set<std::string>{"Marco Rubio", "Rubio"});

  std::vector<kg::Fact> facts;
  REQUIRE(reader->ScanFacts({ids[0], std::nullopt, std::nullopt}, [&](const kg::Fact& f) {
    facts.push_back(f);
    return true;
  }).ok());
  REQUIRE(facts.size() == 2);
  std::sort(facts.begin(), facts.end(), [](auto& x, auto& y) { return x.predicate < y.predicate; });
  CHECK(facts[0].predicate == "praise");
  CHECK(facts[0].negated);
  CHECK(facts[1].predicate == "warn");
  CHECK_FALSE(facts[1].negated);
  CHECK(facts[1].support == 1);
  CHECK(facts[1].first_seen == 1);
  CHECK(facts[1].confidence == Approx(0.8f));

  std::vector<kg::Evidence> ev;
  REQUIRE(reader->ScanEvidence(facts[1].id, [&](const kg::Evidence& e) {
    ev.push_back(e);
    return true;
  }).ok());
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].article_id == "a1");
  CHECK(ev[0].sentence_index == 0);
  CHECK(ev[0].sentence == "Marco Rubio warned Ukraine.");
  CHECK(a.text().substr(ev[0].sentence_begin, ev[0].sentence_end - ev[0].sentence_begin) ==
        ev[0].sentence);

  std::vector<kg::store::StoredMention> ms;
  REQUIRE(reader->ScanMentions(ids[0], [&](const kg::store::StoredMention& m) {
    ms.push_back(m);
    return true;
  }).ok());
  REQUIRE(ms.size() == rubio->mentions);
  for (const auto& m : ms) {
    std::string surface = a.text().substr(m.begin, m.end - m.begin);
    CHECK((surface == "Marco Rubio" || surface == "Rubio"));
  }

  auto log = reader->GetLogEntry(1);
  REQUIRE(log);
  CHECK(log->article.id == "a1");
  CHECK(log->new_entities == 2);
  CHECK(log->new_facts == 2);
  CHECK(log->sentences == 2);
  CHECK_FALSE(log->article.content_hash.empty());
  CHECK(reader->FindArticle("a1") == std::optional<kg::ArticleSeq>(1));
  CHECK(reader->FindArticle(log->article.content_hash) == std::optional<kg::ArticleSeq>(1));
  CHECK_FALSE(reader->FindArticle("nope"));

  auto preds = reader->Predicates();
  CHECK(preds == std::vector<std::pair<std::string, uint64_t>>{{"praise", 1}, {"warn", 1}});

  int contributions = 0;
  REQUIRE(reader->ScanArticleFacts(1, [&](const kg::Fact&, const kg::Evidence& e, bool first) {
    CHECK(first);
    CHECK(e.article_seq == 1);
    ++contributions;
    return true;
  }).ok());
  CHECK(contributions == 2);

  auto stats = store->Stats();
  REQUIRE(stats.ok());
  CHECK(stats->articles == 1);
  CHECK(stats->entities == 2);
  CHECK(stats->facts == 2);
  CHECK(stats->evidence == 2);
  CHECK(stats->disk_bytes > 0);
}

TEST_CASE("a later article resolves names to known entities and reinforces facts") {
  TempDir dir;
  auto store = OpenRw(dir);
  Commit(*store, RubioArticle());

  ArticleBuilder b("a2");
  int rubio = b.Entity("Rubio", EntityType::kPerson);
  int ukraine = b.Entity("Ukraine", EntityType::kPlace);
  int kyiv = b.Entity("Kyiv", EntityType::kPlace);
  b.Sentence("Rubio warned Ukraine again.");
  b.Fact(rubio, "warn", ukraine, false, 0.95f);
  b.Sentence("Rubio visited Kyiv.");
  b.Fact(rubio, "visit", kyiv);
  auto r = Commit(*store, b);
  CHECK(r.seq == 2);
  CHECK(r.new_entities == 1);  // Kyiv
  CHECK(r.new_facts == 1);
  CHECK(r.reinforced_facts == 1);

  auto reader = store->NewReader();
  auto ids = reader->FindByName("Marco Rubio");
  REQUIRE(ids.size() == 1);
  CHECK(reader->FindByName("Rubio") == ids);
  auto ukr = reader->FindByName("Ukraine");
  REQUIRE(ukr.size() == 1);
  std::vector<kg::Fact> warn;
  REQUIRE(reader->ScanFacts({ids[0], "warn", ukr[0]}, [&](const kg::Fact& f) {
    warn.push_back(f);
    return true;
  }).ok());
  REQUIRE(warn.size() == 1);
  CHECK(warn[0].support == 2);
  CHECK(warn[0].first_seen == 1);
  CHECK(warn[0].confidence == Approx(0.95f));
  auto log = reader->GetLogEntry(2);
  REQUIRE(log);
  CHECK(log->reinforced_facts == 1);
  CHECK(log->merged_mentions > 0);
  int first_here = 0, reinforced_here = 0;
  REQUIRE(reader->ScanArticleFacts(2, [&](const kg::Fact&, const kg::Evidence&, bool first) {
    (first ? first_here : reinforced_here)++;
    return true;
  }).ok());
  CHECK(first_here == 1);
  CHECK(reinforced_here == 1);
}

TEST_CASE("a negated fact is never reported as the positive one") {
  TempDir dir;
  auto store = OpenRw(dir);
  ArticleBuilder a("neg");
  int x = a.Entity("Acme Corp", EntityType::kOrganization);
  int y = a.Entity("Globex", EntityType::kOrganization);
  a.Sentence("Acme Corp did not buy Globex.");
  a.Fact(x, "buy", y, /*negated=*/true);
  Commit(*store, a);
  ArticleBuilder b("pos");
  x = b.Entity("Acme Corp", EntityType::kOrganization);
  y = b.Entity("Globex", EntityType::kOrganization);
  b.Sentence("Acme Corp bought Globex.");
  b.Fact(x, "buy", y);
  auto r = Commit(*store, b);
  CHECK(r.new_facts == 1);  // the positive fact is new, not a reinforcement
  CHECK(r.reinforced_facts == 0);
  auto reader = store->NewReader();
  std::vector<kg::Fact> facts;
  REQUIRE(reader->ScanFacts({std::nullopt, "buy", std::nullopt}, [&](const kg::Fact& f) {
    facts.push_back(f);
    return true;
  }).ok());
  REQUIRE(facts.size() == 2);
  CHECK(facts[0].negated != facts[1].negated);
  for (const auto& f : facts) CHECK(f.support == 1);
}

TEST_CASE("the same content again is a duplicate and writes nothing") {
  TempDir dir;
  auto store = OpenRw(dir);
  ArticleBuilder a = RubioArticle();
  Commit(*store, a);
  auto before = store->Stats();
  REQUIRE(before.ok());
  auto r = Commit(*store, a);
  CHECK(r.duplicate);
  CHECK(r.seq == 1);
  auto reader = store->NewReader();
  CHECK(reader->LastSeq() == 1);
  auto after = store->Stats();
  REQUIRE(after.ok());
  CHECK(after->facts == before->facts);
  CHECK(after->evidence == before->evidence);
}

TEST_CASE("concepts are entities of type concept joined by exact name") {
  TempDir dir;
  auto store = OpenRw(dir);
  for (const char* id : {"c1", "c2"}) {
    ArticleBuilder a(id);
    int us = a.Entity("United States", EntityType::kPlace);
    int w = a.Entity("weapons", EntityType::kConcept);
    a.Sentence(std::string("United States sent weapons ") + id + ".");
    a.Fact(us, "send", w);
    Commit(*store, a);
  }
  auto reader = store->NewReader();
  auto ids = reader->FindByName("Weapons");
  REQUIRE(ids.size() == 1);
  auto e = reader->GetEntity(ids[0]);
  REQUIRE(e);
  CHECK(e->type == EntityType::kConcept);
  CHECK(e->mentions == 2);
}

TEST_CASE("an invalid extraction is refused and nothing is written") {
  TempDir dir;
  auto store = OpenRw(dir);
  ArticleBuilder a = RubioArticle();
  a.mutable_extraction().facts[0].object = 17;
  auto r = store->Commit(a.article(), a.text(), a.extraction());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == kg::Status::Code::kInvalidArgument);
  CHECK(store->NewReader()->LastSeq() == 0);
  // The next good article still gets seq 1.
  CHECK(Commit(*store, RubioArticle()).seq == 1);
}

TEST_CASE("a second writer on the same directory is refused at once with kBusy") {
  TempDir dir;
  auto store = OpenRw(dir);
  auto second = Store::Open(dir.str() + "/db", OpenMode::kReadWrite);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == kg::Status::Code::kBusy);
  CHECK_THAT(second.status().message(), Catch::Contains("is locked by another kg process (pid"));
}

TEST_CASE("the store reopens with its counters: seqs and ids continue") {
  TempDir dir;
  {
    auto store = OpenRw(dir);
    Commit(*store, RubioArticle());
  }
  auto store = OpenRw(dir);
  ArticleBuilder b("b");
  int k = b.Entity("Kyiv", EntityType::kPlace);
  int u = b.Entity("Ukraine", EntityType::kPlace);
  b.Sentence("Kyiv is in Ukraine.");
  b.Fact(k, "in", u);
  auto r = Commit(*store, b);
  CHECK(r.seq == 2);
  CHECK(r.new_entities == 1);
  auto reader = store->NewReader();
  auto kyiv = reader->FindByName("Kyiv");
  REQUIRE(kyiv.size() == 1);
  CHECK(kyiv[0] == 3);
}

TEST_CASE("read-write opens that write nothing leave no empty WAL files behind, and unflushed articles survive") {
  TempDir dir;
  auto wal_files = [&] {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.str() + "/db")) {
      const std::string name = e.path().filename().string();
      n += name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0 ? 1 : 0;
    }
    return n;
  };
  {
    auto store = OpenRw(dir);
    Commit(*store, RubioArticle());  // stays in the WAL: nothing flushes it
  }
  for (int i = 0; i < 5; ++i) {
    auto store = OpenRw(dir);
    auto reader = store->NewReader();
    CHECK(reader->FindByName("Rubio").size() == 1);
  }
  // The WAL holding the article and the current one; RocksDB 7.8 alone kept
  // one more empty WAL per open.
  CHECK(wal_files() <= 2);
  auto store = OpenRw(dir);
  CHECK(store->NewReader()->FindByName("Rubio").size() == 1);
}

TEST_CASE("stray .log files with odd names in the database directory are left alone and do not crash the open") {
  TempDir dir;
  { auto store = OpenRw(dir); }
  const std::string db = dir.str() + "/db";
  for (const char* name : {"99999999999999999999999999.log", "12x.log", ".log"}) {
    std::ofstream(db + "/" + name).flush();  // empty, like the WALs that are removed
  }
  auto store = OpenRw(dir);
  REQUIRE(store != nullptr);
  for (const char* name : {"99999999999999999999999999.log", "12x.log", ".log"}) {
    CHECK(std::filesystem::exists(db + "/" + name));
  }
}

TEST_CASE("opening a database of a newer or unknown schema fails with kVersionMismatch") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  { auto store = OpenRw(dir); }
  REQUIRE(kg::store::kSchemaVersion > 1);
  for (uint32_t version : {99u, 0u, 1u, kg::store::kSchemaVersion - 1}) {
    {
      kg::test::RawDb db(path);
      std::string v = {0, 0, 0, static_cast<char>(version)};
      REQUIRE(db->Put(rocksdb::WriteOptions(), db.cf("meta"), "schema_version", v).ok());
    }
    for (auto mode : {OpenMode::kReadWrite, OpenMode::kReadOnly}) {
      auto s = Store::Open(path, mode);
      REQUIRE_FALSE(s.ok());
      CHECK(s.status().code() == kg::Status::Code::kVersionMismatch);
      CHECK_THAT(s.status().message(), Catch::Contains(std::to_string(version)));
      if (version == kg::store::kSchemaVersion - 1) {
        CHECK_THAT(s.status().message(), Catch::Contains("older"));
        CHECK_THAT(s.status().message(), Catch::Contains("kg upgrade"));  // store_ends_test.cpp
      }
      if (version == 1) {
        CHECK_THAT(s.status().message(), Catch::Contains("re-ingest"));
      }
    }
  }
}

TEST_CASE("opening read-only where there is no database says so") {
  TempDir dir;
  auto s = Store::Open(dir.str() + "/missing", OpenMode::kReadOnly);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == kg::Status::Code::kNotFound);
  CHECK_THAT(s.status().message(), Catch::Contains("no kg database"));
}

TEST_CASE("merge re-points facts and mentions - later articles resolve to the kept entity") {
  TempDir dir;
  auto store = OpenRw(dir);
  ArticleBuilder a("m1");
  int trump = a.Entity("Donald Trump", EntityType::kPerson);
  int nato = a.Entity("NATO", EntityType::kOrganization);
  a.Sentence("Donald Trump criticised NATO.");
  a.Fact(trump, "criticise", nato);
  Commit(*store, a);
  ArticleBuilder b("m2");
  int potus = b.Entity("The President", EntityType::kPerson);
  nato = b.Entity("NATO", EntityType::kOrganization);
  b.Sentence("The President criticised NATO.");
  b.Fact(potus, "criticise", nato, false, 0.9f);
  Commit(*store, b);

  kg::EntityId keep, drop, nato_id;
  {
    auto r = store->NewReader();
    keep = r->FindByName("Donald Trump").at(0);
    drop = r->FindByName("the president").at(0);
    nato_id = r->FindByName("NATO").at(0);
    REQUIRE(keep != drop);
  }
  REQUIRE(store->MergeEntities(keep, drop).ok());
  CHECK(store->MergeEntities(keep, drop).code() == kg::Status::Code::kInvalidArgument);
  {
    auto r = store->NewReader();
    CHECK(r->FindByName("President") == std::vector<kg::EntityId>{keep});
    auto e = r->GetEntity(drop);  // the old id redirects
    REQUIRE(e);
    CHECK(e->id == keep);
    CHECK(e->mentions == 2);
    std::vector<kg::Fact> facts;
    REQUIRE(r->ScanFacts({std::nullopt, std::nullopt, nato_id}, [&](const kg::Fact& f) {
      facts.push_back(f);
      return true;
    }).ok());
    REQUIRE(facts.size() == 1);  // the two facts folded into one
    CHECK(facts[0].subject == keep);
    CHECK(facts[0].support == 2);
    CHECK(facts[0].confidence == Approx(0.9f));
    int ev = 0;
    REQUIRE(r->ScanEvidence(facts[0].id, [&](const kg::Evidence&) { return ++ev, true; }).ok());
    CHECK(ev == 2);
    auto st = store->Stats();
    REQUIRE(st.ok());
    CHECK(st->entities == 2);
    CHECK(st->facts == 1);
  }
  ArticleBuilder c("m3");
  potus = c.Entity("The President", EntityType::kPerson);
  c.Sentence("The President spoke.");
  auto r = Commit(*store, c);
  CHECK(r.new_entities == 0);
  CHECK(store->NewReader()->GetEntity(keep)->mentions == 3);
}

TEST_CASE("an added alias makes later articles resolve to that entity") {
  TempDir dir;
  auto store = OpenRw(dir);
  Commit(*store, RubioArticle());
  kg::EntityId ukraine = store->NewReader()->FindByName("Ukraine").at(0);
  REQUIRE(store->AddAlias(ukraine, "Ukrayina").ok());
  CHECK(store->AddAlias(ukraine, " ").code() == kg::Status::Code::kInvalidArgument);
  CHECK(store->AddAlias(424242, "x").code() == kg::Status::Code::kNotFound);
  ArticleBuilder b("b");
  b.Entity("Ukrayina", EntityType::kPlace);
  b.Sentence("Ukrayina voted.");
  auto r = Commit(*store, b);
  CHECK(r.new_entities == 0);
  CHECK(store->NewReader()->FindByName("ukrayina") == std::vector<kg::EntityId>{ukraine});
  CHECK(store->NewReader()->GetEntity(ukraine)->mentions == 3);
}

TEST_CASE("split moves a wrongly joined name + its articles + mentions and facts to a new entity") {
  TempDir dir;
  auto store = OpenRw(dir);
  ArticleBuilder a("basketball");
  int mj = a.Entity("Michael Jordan", EntityType::kPerson, {"Michael Jordan", "Jordan"});
  int bulls = a.Entity("Chicago Bulls", EntityType::kOrganization);
  a.Sentence("Michael Jordan joined Chicago Bulls.");
  a.Fact(mj, "join", bulls);
  a.Sentence("Jordan scored.");
  Commit(*store, a);
  ArticleBuilder b("physics");
  int jordan = b.Entity("Jordan", EntityType::kPerson);
  int mit = b.Entity("MIT", EntityType::kOrganization);
  b.Sentence("Jordan joined MIT.");
  b.Fact(jordan, "join", mit);
  b.Sentence("Jordan lectured at MIT.");
  b.Fact(jordan, "lecture_at", mit);
  auto r = Commit(*store, b);
  REQUIRE(r.new_entities == 1);  // MIT: "Jordan" was resolved to Michael Jordan
  kg::EntityId mj_id = store->NewReader()->FindByName("Michael Jordan").at(0);
  CHECK(store->NewReader()->GetEntity(mj_id)->mentions == 5);

  CHECK(store->SplitEntity(mj_id, {"Nobody"}).status().code() == kg::Status::Code::kInvalidArgument);
  CHECK(store->SplitEntity(mj_id, {"Jordan", "Michael Jordan"}).status().code() ==
        kg::Status::Code::kInvalidArgument);
  auto split = store->SplitEntity(mj_id, {"jordan"});
  INFO(split.status().ToString());
  REQUIRE(split.ok());
  const kg::EntityId nid = split.value();
  auto reader = store->NewReader();
  auto mjx = reader->GetEntity(mj_id);
  auto nj = reader->GetEntity(nid);
  REQUIRE(mjx);
  REQUIRE(nj);
  CHECK(mjx->aliases == std::vector<std::string>{"Michael Jordan"});
  CHECK(nj->name == "Jordan");
  CHECK(nj->type == EntityType::kPerson);
  CHECK(mjx->mentions == 3);  // article 1 used "Michael Jordan" too: it stays
  CHECK(nj->mentions == 2);
  CHECK(nj->first_seen == 2);
  CHECK(reader->FindByName("Jordan") == std::vector<kg::EntityId>{nid});
  int facts_mj = 0, facts_nj = 0;
  REQUIRE(reader->ScanFacts({mj_id, std::nullopt, std::nullopt}, [&](const kg::Fact&) { return ++facts_mj, true; }).ok());
  REQUIRE(reader->ScanFacts({nid, std::nullopt, std::nullopt}, [&](const kg::Fact& f) {
    CHECK(f.support == 1);
    CHECK(f.first_seen == 2);
    return ++facts_nj, true;
  }).ok());
  CHECK(facts_mj == 1);
  CHECK(facts_nj == 2);
  int contributions = 0;
  REQUIRE(reader->ScanArticleFacts(2, [&](const kg::Fact& f, const kg::Evidence&, bool first) {
    CHECK(f.subject == nid);
    CHECK(first);
    return ++contributions, true;
  }).ok());
  CHECK(contributions == 2);
  auto st = store->Stats();
  REQUIRE(st.ok());
  CHECK(st->entities == 4);
  CHECK(st->facts == 3);
  // A historical view agrees.
  View v;
  v.as_of = 2;
  auto old = store->NewReader(v);
  CHECK(old->GetEntity(nid)->mentions == 2);
}

TEST_CASE("a name the graph knows from two articles is a mention where the extraction missed it") {
  TempDir dir;
  auto store = OpenRw(dir);
  auto boeing_article = [](const std::string& id, const std::string& sentence) {
    ArticleBuilder a(id);
    a.Entity("Boeing", EntityType::kOrganization);
    a.Sentence(sentence);
    return a;
  };
  // An article that names Boeing only where its tagger saw no name.
  auto untagged = [](const std::string& id) {
    ArticleBuilder a(id);
    a.Entity("Ryanair", EntityType::kOrganization);
    a.Sentence("Ryanair ordered more Boeing 737s in " + id + ".");
    a.Sentence("Boeing's shares rose.");
    return a;
  };
  auto mentions_in = [&](uint64_t seq) {
    auto reader = store->NewReader();
    auto ids = reader->FindByName("Boeing");
    REQUIRE(ids.size() == 1);
    int n = 0;
    REQUIRE(reader->ScanMentions(ids[0], [&](const kg::store::StoredMention& m) {
      n += m.article_seq == seq;
      return true;
    }).ok());
    return n;
  };
  Commit(*store, boeing_article("b1", "Boeing delayed the plane."));
  // One earlier article is not enough.
  auto r2 = Commit(*store, untagged("u1"));
  CHECK(mentions_in(r2.seq) == 0);
  Commit(*store, boeing_article("b2", "Shares of Boeing fell."));
  auto r4 = Commit(*store, untagged("u2"));
  CHECK(r4.new_entities == 0);
  CHECK(mentions_in(r4.seq) == 2);
  auto reader = store->NewReader();
  CHECK(reader->FindByName("Boeing").size() == 1);
}
