// Views: AS OF, FROM ARTICLE, retraction, and ScanFacts' index choice
// checked against a brute-force filter.
#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include <catch2/catch.hpp>

#include "store/store.h"
#include "tests/store/article_builder.h"
#include "tests/test_util.h"

using kg::EntityType;
using kg::store::OpenMode;
using kg::store::Store;
using kg::store::View;
using kg::test::ArticleBuilder;
using kg::test::TempDir;

namespace {

std::vector<kg::Fact> AllFacts(kg::store::Reader& r, const kg::store::TriplePattern& p = {}) {
  std::vector<kg::Fact> out;
  REQUIRE(r.ScanFacts(p, [&](const kg::Fact& f) {
    out.push_back(f);
    return true;
  }).ok());
  return out;
}

const kg::Fact* FindFact(const std::vector<kg::Fact>& facts, const std::string& pred) {
  for (const auto& f : facts) {
    if (f.predicate == pred) return &f;
  }
  return nullptr;
}

// Article 1: Paris -capital_of-> France, Paris -in-> Europe.
// Article 2: Paris -capital_of-> France again, Lyon -in-> France.
void TwoArticles(Store& store) {
  ArticleBuilder a("one");
  int paris = a.Entity("Paris", EntityType::kPlace);
  int france = a.Entity("France", EntityType::kPlace);
  int europe = a.Entity("Europe", EntityType::kPlace);
  a.Sentence("Paris is the capital of France.");
  a.Fact(paris, "capital_of", france, false, 0.6f);
  a.Sentence("Paris is in Europe.");
  a.Fact(paris, "in", europe);
  REQUIRE(store.Commit(a.article(), a.text(), a.extraction()).ok());
  ArticleBuilder b("two");
  paris = b.Entity("Paris", EntityType::kPlace);
  france = b.Entity("France", EntityType::kPlace);
  int lyon = b.Entity("Lyon", EntityType::kPlace);
  b.Sentence("Paris, capital of France, is bigger than Lyon.");
  b.Fact(paris, "capital_of", france, false, 0.9f);
  b.Sentence("Lyon is in France.");
  b.Fact(lyon, "located_in", france);
  REQUIRE(store.Commit(b.article(), b.text(), b.extraction()).ok());
}

}  // namespace

TEST_CASE("AS OF shows the graph as it was after article n") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.str() + "/db", OpenMode::kReadWrite)).value();
  TwoArticles(*store);
  View v;
  v.as_of = 1;
  auto r = store->NewReader(v);
  CHECK(r->LastSeq() == 1);
  auto facts = AllFacts(*r);
  REQUIRE(facts.size() == 2);
  const kg::Fact* cap = FindFact(facts, "capital_of");
  REQUIRE(cap);
  CHECK(cap->support == 1);
  CHECK(cap->confidence == Approx(0.6f));
  CHECK_FALSE(FindFact(facts, "located_in"));
  CHECK(r->FindByName("Lyon").empty());
  auto paris = r->FindByName("Paris");
  REQUIRE(paris.size() == 1);
  CHECK(r->GetEntity(paris[0])->mentions == 2);
  int log_entries = 0;
  REQUIRE(r->ScanLog([&](const kg::store::LogEntry&) { return ++log_entries, true; }).ok());
  CHECK(log_entries == 1);
  CHECK_FALSE(r->GetLogEntry(2));
  CHECK_FALSE(r->FindArticle("two"));
  auto preds = r->Predicates();
  CHECK(preds == std::vector<std::pair<std::string, uint64_t>>{{"capital_of", 1}, {"in", 1}});

  auto latest = store->NewReader();
  auto all = AllFacts(*latest);
  CHECK(all.size() == 3);
  CHECK(FindFact(all, "capital_of")->support == 2);
  CHECK(FindFact(all, "capital_of")->confidence == Approx(0.9f));
  CHECK(latest->GetEntity(paris[0])->mentions == 3);
}

TEST_CASE("FROM ARTICLE shows only that article's evidence") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.str() + "/db", OpenMode::kReadWrite)).value();
  TwoArticles(*store);
  View v;
  v.only_article = 2;
  auto r = store->NewReader(v);
  auto facts = AllFacts(*r);
  REQUIRE(facts.size() == 2);
  CHECK_FALSE(FindFact(facts, "in"));
  const kg::Fact* cap = FindFact(facts, "capital_of");
  REQUIRE(cap);
  CHECK(cap->support == 1);
  CHECK(cap->confidence == Approx(0.9f));
  CHECK(r->FindByName("Europe").empty());
  int ev = 0;
  REQUIRE(r->ScanEvidence(cap->id, [&](const kg::Evidence& e) {
    CHECK(e.article_seq == 2);
    return ++ev, true;
  }).ok());
  CHECK(ev == 1);
  // A pattern-bound scan agrees with the article walk.
  auto paris = r->FindByName("Paris");
  REQUIRE(paris.size() == 1);
  CHECK(AllFacts(*r, {paris[0], std::nullopt, std::nullopt}).size() == 1);
}

TEST_CASE("a retraction hides what only that article said + from its seq on") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.str() + "/db", OpenMode::kReadWrite)).value();
  TwoArticles(*store);
  auto entry = store->Retract(1);
  REQUIRE(entry.ok());
  CHECK(entry->seq == 3);
  CHECK(entry->kind == kg::store::LogEntry::Kind::kRetraction);
  CHECK(entry->retracts == 1);
  CHECK(entry->article.id == "one");
  CHECK(store->Retract(1).status().code() == kg::Status::Code::kInvalidArgument);
  CHECK(store->Retract(3).status().code() == kg::Status::Code::kInvalidArgument);
  CHECK(store->Retract(99).status().code() == kg::Status::Code::kNotFound);

  auto r = store->NewReader();
  CHECK(r->LastSeq() == 3);
  auto facts = AllFacts(*r);
  REQUIRE(facts.size() == 2);
  CHECK_FALSE(FindFact(facts, "in"));
  CHECK(FindFact(facts, "capital_of")->support == 1);
  CHECK(FindFact(facts, "capital_of")->first_seen == 2);
  CHECK(FindFact(facts, "capital_of")->confidence == Approx(0.9f));
  CHECK(r->FindByName("Europe").empty());
  std::vector<kg::store::LogEntry> log;
  REQUIRE(r->ScanLog([&](const kg::store::LogEntry& e) { return log.push_back(e), true; }).ok());
  REQUIRE(log.size() == 3);
  CHECK(log[0].retracted);
  CHECK_FALSE(log[1].retracted);
  CHECK(log[2].kind == kg::store::LogEntry::Kind::kRetraction);
  auto preds = r->Predicates();
  CHECK(preds == std::vector<std::pair<std::string, uint64_t>>{{"capital_of", 1}, {"located_in", 1}});
  auto st = store->Stats();
  REQUIRE(st.ok());
  CHECK(st->articles == 1);
  CHECK(st->facts == 2);
  CHECK(st->entities == 3);  // Paris, France, Lyon

  View before;
  before.as_of = 2;
  auto old = store->NewReader(before);
  CHECK(AllFacts(*old).size() == 3);
  CHECK_FALSE(old->GetLogEntry(1)->retracted);
  CHECK(FindFact(AllFacts(*old), "capital_of")->support == 2);
  int contributions = 0;
  REQUIRE(r->ScanArticleFacts(1, [&](auto&, auto&, bool) { return ++contributions, true; }).ok());
  CHECK(contributions == 0);
}

TEST_CASE("ScanFacts returns exactly the brute-force matches for every pattern shape") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.str() + "/db", OpenMode::kReadWrite)).value();
  std::mt19937 rng(7);
  const std::vector<std::string> names = {"Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"};
  const std::vector<std::string> preds = {"meet", "attack", "support"};
  for (int art = 0; art < 12; ++art) {
    ArticleBuilder a("art" + std::to_string(art));
    std::vector<int> local;
    for (const auto& n : names) local.push_back(a.Entity(n, EntityType::kOrganization));
    std::string sentence = std::to_string(art) + ": ";  // distinct texts, no duplicates
    for (const auto& n : names) sentence += n + " ";
    a.Sentence(sentence);
    for (int k = 0; k < 6; ++k) {
      int s = local[rng() % local.size()], o = local[rng() % local.size()];
      a.Fact(s, preds[rng() % preds.size()], o, rng() % 4 == 0, 0.5f);
    }
    auto r = store->Commit(a.article(), a.text(), a.extraction());
    REQUIRE(r.ok());
    REQUIRE_FALSE(r->duplicate);
  }
  for (kg::ArticleSeq as_of : {kg::ArticleSeq{5}, UINT64_MAX}) {
    View v;
    v.as_of = as_of;
    auto r = store->NewReader(v);
    auto all = AllFacts(*r);
    INFO(as_of);
    REQUIRE(all.size() > 10);
    std::set<kg::EntityId> ents;
    for (const auto& f : all) ents.insert(f.subject), ents.insert(f.object);
    for (const auto& probe : all) {
      for (int mask = 1; mask < 8; ++mask) {
        kg::store::TriplePattern p;
        if (mask & 1) p.subject = probe.subject;
        if (mask & 2) p.predicate = probe.predicate;
        if (mask & 4) p.object = probe.object;
        std::set<kg::FactId> expected, got;
        for (const auto& f : all) {
          if ((!p.subject || f.subject == *p.subject) && (!p.predicate || f.predicate == *p.predicate) &&
              (!p.object || f.object == *p.object)) {
            expected.insert(f.id);
          }
        }
        for (const auto& f : AllFacts(*r, p)) {
          CHECK(got.insert(f.id).second);  // no fact twice
        }
        CHECK(got == expected);
      }
    }
    kg::store::TriplePattern unknown;
    unknown.predicate = "never_seen";
    CHECK(AllFacts(*r, unknown).empty());
  }
}

namespace {

// Every fact an index scan reports in the latest view (read from the copy of
// the record kept in the spo/pos/osp rows) equals the fact record itself.
void CheckIndexCopies(Store& store) {
  auto r = store.NewReader();
  auto all = AllFacts(*r);  // the facts family: the records themselves
  REQUIRE_FALSE(all.empty());
  for (const auto& want : all) {
    auto rec = r->GetFact(want.id);
    REQUIRE(rec);
    for (int shape = 0; shape < 3; ++shape) {
      kg::store::TriplePattern p;
      if (shape == 0) p.subject = want.subject;      // spo
      if (shape == 1) p.predicate = want.predicate;  // pos
      if (shape == 2) p.object = want.object;        // osp
      int seen = 0;
      for (const auto& f : AllFacts(*r, p)) {
        if (f.id != want.id) continue;
        ++seen;
        INFO("fact " << f.id << " shape " << shape);
        CHECK(f.subject == rec->subject);
        CHECK(f.object == rec->object);
        CHECK(f.predicate == rec->predicate);
        CHECK(f.negated == rec->negated);
        CHECK(f.support == rec->support);
        CHECK(f.confidence == rec->confidence);
        CHECK(f.first_seen == rec->first_seen);
        CHECK(f.surface == rec->surface);
      }
      CHECK(seen == 1);
    }
  }
}

}  // namespace

TEST_CASE("index scans in the latest view agree with the fact records after reinforcement + retraction + merge + split") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.str() + "/db", OpenMode::kReadWrite)).value();
  TwoArticles(*store);  // article 2 reinforces capital_of
  CheckIndexCopies(*store);
  {
    auto r = store->NewReader();
    const kg::Fact* cap = FindFact(AllFacts(*r), "capital_of");
    REQUIRE(cap);
    CHECK(cap->support == 2);
    CHECK(cap->confidence == Approx(0.9f));
  }
  REQUIRE(store->Retract(2).ok());
  CheckIndexCopies(*store);
  {
    auto r = store->NewReader();
    auto facts = AllFacts(*r);
    const kg::Fact* cap = FindFact(facts, "capital_of");
    REQUIRE(cap);
    CHECK(cap->support == 1);
    CHECK(cap->confidence == Approx(0.6f));
    CHECK_FALSE(FindFact(facts, "located_in"));  // only article 2 said it
    kg::store::TriplePattern p;
    p.predicate = "located_in";
    CHECK(AllFacts(*r, p).empty());
  }
  ArticleBuilder c("three");
  int city = c.Entity("City of Light", EntityType::kPlace);
  int europe = c.Entity("Europe", EntityType::kPlace);
  c.Sentence("The City of Light is in Europe.");
  c.Fact(city, "in", europe, false, 0.95f);
  REQUIRE(store->Commit(c.article(), c.text(), c.extraction()).ok());
  auto r0 = store->NewReader();
  const kg::EntityId paris = r0->FindByName("Paris").at(0);
  const kg::EntityId light = r0->FindByName("City of Light").at(0);
  REQUIRE(paris != light);
  r0.reset();
  REQUIRE(store->MergeEntities(paris, light).ok());  // "in Europe" folds: support 2
  CheckIndexCopies(*store);
  {
    auto r = store->NewReader();
    kg::store::TriplePattern p;
    p.subject = paris;
    p.predicate = "in";
    auto in = AllFacts(*r, p);
    REQUIRE(in.size() == 1);
    CHECK(in[0].support == 2);
    CHECK(in[0].confidence == Approx(0.95f));  // the max over both articles
  }
  auto split = store->SplitEntity(paris, {"City of Light"});
  REQUIRE(split.ok());
  CheckIndexCopies(*store);
  {
    auto r = store->NewReader();
    kg::store::TriplePattern p;
    p.subject = split.value();
    auto moved = AllFacts(*r, p);
    REQUIRE(moved.size() == 1);
    CHECK(moved[0].predicate == "in");
    CHECK(moved[0].support == 1);
    CHECK(moved[0].confidence == Approx(0.95f));
  }
}
