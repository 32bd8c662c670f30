// History over a hand-made story in a real store: log, points in time, diff,
// timelines, blame, growth, centrality, selection as of a point, retraction.
#include <catch2/catch.hpp>

#include <algorithm>

#include "export/history.h"
#include "export/subgraph.h"
#include "export/writers.h"
#include "tests/history/story.h"

using namespace kg;
using namespace kg::exports;

namespace {

std::vector<std::string> Predicates(const std::vector<DiffFact>& v) {
  std::vector<std::string> out;
  for (const auto& f : v) out.push_back(f.fact.fact.predicate);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("log lists every entry with counts and top new facts", "[history][log]") {
  auto story = test::MakeStory(true);
  auto r = story->store->NewReader();
  auto log = ReadLog(*r, LogOptions{});
  REQUIRE(log.ok());
  REQUIRE(log->size() == 4);
  CHECK((*log)[0].entry.new_facts == 2);
  CHECK((*log)[0].top_new_facts.size() == 2);
  CHECK((*log)[0].top_new_facts[0].fact.predicate == "warn");  // most confident first
  CHECK((*log)[0].top_new_facts[0].subject == "Marco Rubio");
  CHECK((*log)[3].entry.kind == store::LogEntry::Kind::kRetraction);
  CHECK((*log)[3].entry.retracts == 2);

  LogOptions by_date;
  by_date.by_date = true;
  auto dated = ReadLog(*r, by_date);
  REQUIRE(dated.ok());
  CHECK((*dated)[0].entry.article.id == "A3");

  LogOptions since;
  since.since_date = "2025-03-01";
  since.top_facts = 0;
  auto recent = ReadLog(*r, since);
  REQUIRE(recent.ok());
  for (const auto& item : *recent) CHECK(item.entry.article.date >= "2025-03-01");
  CHECK(recent->size() == 3);  // A1, A2 and the retraction of A2 (dated as A2)
}

TEST_CASE("points: article id, seq, date prefix", "[history][asof]") {
  auto story = test::MakeStory(false);
  auto r = story->store->NewReader();
  CHECK(*ResolvePoint(*r, "A2") == 2);
  CHECK(*ResolvePoint(*r, "3") == 3);
  CHECK(*ResolvePoint(*r, "0") == 0);
  // A2 (2025-03-02) ends the prefix for 2025-03-01 although A3 is dated earlier.
  CHECK(*ResolvePoint(*r, "2025-03-01") == 1);
  CHECK(*ResolvePoint(*r, "2025-12-31") == 3);
  CHECK(*ResolvePoint(*r, "2024-01-01") == 0);
  CHECK(ResolvePoint(*r, "nope").status().code() == Status::Code::kNotFound);
  CHECK(ResolvePoint(*r, "99").status().code() == Status::Code::kNotFound);
  CHECK(*ResolveArticle(*r, "A1") == 1);
  CHECK(ResolveArticle(*r, "A9").status().code() == Status::Code::kNotFound);
}

TEST_CASE("diff: added and reinforced match the views' own counts", "[history][diff]") {
  auto story = test::MakeStory(false);
  const store::Store& st = *story->store;
  for (ArticleSeq a = 0; a <= 3; ++a) {
    for (ArticleSeq b = a; b <= 3; ++b) {
      auto d = ComputeDiff(st, a, b);
      REQUIRE(d.ok());
      auto ra = test::At(st, a);
      auto rb = test::At(st, b);
      // Without retractions facts only accumulate: added = |facts(b)| - |facts(a)|.
      CHECK(d->added.size() == test::CountFacts(*rb) - (a == 0 ? 0 : test::CountFacts(*ra)));
      CHECK(d->entries.size() == b - a);
    }
  }
  auto d = ComputeDiff(st, 1, 3);
  REQUIRE(d.ok());
  CHECK(Predicates(d->added) == std::vector<std::string>{"disagree_with", "meet", "visit"});
  CHECK(Predicates(d->reinforced) == std::vector<std::string>{"warn"});
  CHECK(d->retracted.empty());
  std::vector<std::string> names;
  for (const Entity& e : d->added_entities) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"Kyiv", "Ukrainians", "Volodymyr Zelensky"});
  CHECK(ComputeDiff(st, 3, 1).status().code() == Status::Code::kInvalidArgument);

  Subgraph g = DiffSubgraph(st, *d);
  CHECK(g.facts.size() == 4);
  size_t added = 0, reinforced = 0;
  for (const auto& f : g.facts) {
    added += f.mark == Mark::kAdded;
    reinforced += f.mark == Mark::kReinforced;
  }
  CHECK(added == 3);
  CHECK(reinforced == 1);
  const std::string dot = WriteDot(g);
  CHECK(dot.find("#2ca02c") != std::string::npos);  // added colour
  CHECK(dot.find("#1f77b4") != std::string::npos);  // reinforced colour
}

TEST_CASE("retract: the retraction is a log entry and AS OF before it keeps the old state", "[history][retract]") {
  auto story = test::MakeStory(true);
  const store::Store& st = *story->store;
  auto before = test::At(st, 3);
  auto after = test::At(st, 4);
  // Independently: facts of A2 whose every evidence is from A2 disappear.
  size_t only_a2 = 0;
  (void)before->ScanArticleFacts(2, [&](const Fact& f, const Evidence&, bool) {
    bool other = false;
    (void)before->ScanEvidence(f.id, [&](const Evidence& ev) {
      other = other || ev.article_seq != 2;
      return true;
    });
    only_a2 += !other;
    return true;
  });
  CHECK(only_a2 == 1);  // disagree_with; warn and meet are said elsewhere too
  CHECK(test::CountFacts(*after) == test::CountFacts(*before) - only_a2);
  auto d = ComputeDiff(st, 3, 4);
  REQUIRE(d.ok());
  CHECK(Predicates(d->retracted) == std::vector<std::string>{"disagree_with"});
  CHECK(d->added.empty());
  // Across the retraction: 1..4 adds meet (still said by A3) and visit only.
  auto d14 = ComputeDiff(st, 1, 4);
  REQUIRE(d14.ok());
  CHECK(Predicates(d14->added) == std::vector<std::string>{"meet", "visit"});
  CHECK(d14->reinforced.empty());  // A2's repetition of warn is withdrawn
  // The old state is still there.
  auto b = Blame(*before, "Marco Rubio", "disagree with", "Pentagon");
  REQUIRE(b.ok());
  CHECK(b->size() == 1);
  CHECK(Blame(*after, "Marco Rubio", "disagree with", "Pentagon").status().code() == Status::Code::kNotFound);
}

TEST_CASE("growth rows agree with full counts of each view", "[history][growth]") {
  auto story = test::MakeStory(true);
  const store::Store& st = *story->store;
  auto rows = Growth(st);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 4);
  for (const GrowthRow& row : *rows) {
    auto r = test::At(st, row.seq);
    CHECK(row.facts == test::CountFacts(*r));
    CHECK(row.entities == test::CountEntities(*r));
  }
  CHECK((*rows)[3].retraction);
  CHECK((*rows)[3].lost_facts == 1);
  CHECK((*rows)[1].reinforced_facts == 1);
  // As of a point, only the prefix.
  auto some = Growth(st, 2);
  REQUIRE(some.ok());
  CHECK(some->size() == 2);
}

TEST_CASE("history of an entity is in date order with first and repeating articles", "[history][timeline]") {
  auto story = test::MakeStory(false);
  auto r = story->store->NewReader();
  auto t = History(*r, "Marco Rubio");
  REQUIRE(t.ok());
  CHECK(t->entity.name == "Marco Rubio");
  REQUIRE(t->items.size() == 3);  // warn, disagree_with, meet
  for (size_t i = 1; i < t->items.size(); ++i) CHECK(t->items[i - 1].first_date <= t->items[i].first_date);
  // meet: first said by A3 (dated 2025-02-28) in date order, though ingested after A2.
  CHECK(t->items[0].fact.fact.predicate == "meet");
  REQUIRE(t->items[0].articles.size() == 2);
  CHECK(t->items[0].articles[0].id == "A3");  // first said by date, not by seq
  CHECK(t->items[0].first_date == "2025-02-28");
  const auto& warn = t->items[1];
  CHECK(warn.fact.fact.predicate == "warn");
  REQUIRE(warn.articles.size() == 2);
  CHECK(warn.articles[0].id == "A1");
  CHECK(warn.articles[1].id == "A2");
  CHECK(History(*r, "Nobody").status().code() == Status::Code::kNotFound);
}

TEST_CASE("central entities and their rank change", "[history][central]") {
  auto story = test::MakeStory(false);
  auto top = Central(*story->store, 3, 1, 3, Centrality::kPageRank);
  REQUIRE(top.ok());
  REQUIRE(!top->empty());
  CHECK(top->front().entity.name == "Marco Rubio");
  CHECK(top->front().rank == 1);
  REQUIRE(top->front().previous_rank.has_value());
  auto btw = Central(*story->store, 3, 3, 1, Centrality::kBetweenness);
  REQUIRE(btw.ok());
  CHECK(btw->front().entity.name == "Marco Rubio");
}

TEST_CASE("select reads views: as of, center, since, min support, type, max nodes", "[history][select]") {
  auto story = test::MakeStory(false);
  const store::Store& st = *story->store;
  auto r3 = test::At(st, 3);
  SelectOptions all;
  all.with_mentions = true;
  auto g = Select(*r3, all);
  REQUIRE(g.ok());
  CHECK(g->facts.size() == test::CountFacts(*r3));
  CHECK(g->entities.size() == test::CountEntities(*r3));
  CHECK(g->newest == 3);
  size_t newest = 0;
  for (const auto& f : g->facts) newest += f.mark == Mark::kNewest;
  CHECK(newest == 2);  // visit and meet
  CHECK(g->articles.size() == 3);
  const SubEntity* rubio = nullptr;
  for (const auto& e : g->entities) {
    if (e.entity.name == "Marco Rubio") rubio = &e;
  }
  REQUIRE(rubio != nullptr);
  CHECK(rubio->mentions.size() == rubio->entity.mentions);

  auto r1 = test::At(st, 1);
  auto g1 = Select(*r1, all);
  REQUIRE(g1.ok());
  CHECK(g1->facts.size() == 2);

  SelectOptions center;
  center.center = "Ukraine";
  center.depth = 1;
  auto gc = Select(*r3, center);
  REQUIRE(gc.ok());
  CHECK(gc->facts.size() == 3);  // warn, not supply, and disagree_with between the two neighbours
  CHECK(gc->entities.size() == 3);
  center.depth = 2;
  gc = Select(*r3, center);
  REQUIRE(gc.ok());
  CHECK(gc->facts.size() == 4);  // + meet (Zelensky, two hops away)
  CHECK(gc->entities.size() == 4);
  center.center = "Nobody";
  CHECK(Select(*r3, center).status().code() == Status::Code::kNotFound);

  SelectOptions since;
  since.since = "3";
  auto gs = Select(*r3, since);
  REQUIRE(gs.ok());
  CHECK(gs->facts.size() == 2);
  since.since = "2025-03-02";
  gs = Select(*r3, since);
  REQUIRE(gs.ok());
  CHECK(gs->facts.size() == 3);  // warn, disagree_with, meet
  since.since = "yesterday";
  CHECK(Select(*r3, since).status().code() == Status::Code::kInvalidArgument);

  SelectOptions support;
  support.min_support = 2;
  auto gm = Select(*r3, support);
  REQUIRE(gm.ok());
  CHECK(gm->facts.size() == 2);  // warn, meet

  SelectOptions persons;
  REQUIRE(ParseTypeList("person", &persons.types).ok());
  auto gp = Select(*r3, persons);
  REQUIRE(gp.ok());
  CHECK(gp->facts.size() == 1);
  CHECK(gp->entities.size() == 2);
  std::vector<EntityType> bad;
  CHECK(!ParseTypeList("person,robot", &bad).ok());

  SelectOptions few;
  few.max_nodes = 2;
  few.include_isolated = false;
  auto gf = Select(*r3, few);
  REQUIRE(gf.ok());
  CHECK(gf->entities.size() == 2);
  for (const auto& f : gf->facts) {
    CHECK(gf->FindEntity(f.fact.subject) != nullptr);
    CHECK(gf->FindEntity(f.fact.object) != nullptr);
  }
}
