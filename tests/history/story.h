// A three-article story committed into a temp store, plus a retraction:
//   #1 A1 (2025-03-01)  Marco Rubio warn Ukraine; Pentagon NOT supply Ukraine
//   #2 A2 (2025-03-02)  Rubio warn Ukraine (again); Rubio disagree_with Pentagon;
//                       Volodymyr Zelensky meet Rubio
//   #3 A3 (2025-02-28)  Ukrainians visit Kyiv; Zelensky meet Rubio (again)   [dated earlier]
//   #4 retraction of A2 (when `retract`)
#pragma once

#include <memory>

#include "store/store.h"
#include "tests/store/article_builder.h"
#include "tests/test_util.h"

namespace kg::test {

struct Story {
  TempDir dir;
  std::unique_ptr<store::Store> store;
};

inline std::unique_ptr<Story> MakeStory(bool retract) {
  auto story = std::make_unique<Story>();
  auto opened = store::Store::Open((story->dir.path() / "db").string(), store::OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  story->store = std::move(opened).value();
  auto commit = [&](ArticleBuilder& b, const std::string& date) {
    b.mutable_article().date = date;
    b.mutable_article().title = "Story " + b.article().id;
    b.mutable_article().source = "test";
    auto r = story->store->Commit(b.article(), b.text(), b.extraction());
    REQUIRE(r.ok());
    return r->seq;
  };
  {
    ArticleBuilder b("A1");
    int rubio = b.Entity("Marco Rubio", EntityType::kPerson, {"Marco Rubio", "Rubio"});
    int ukraine = b.Entity("Ukraine", EntityType::kPlace);
    int pentagon = b.Entity("Pentagon", EntityType::kOrganization);
    b.Sentence("Marco Rubio warned Ukraine.");
    b.Fact(rubio, "warn", ukraine, false, 0.9f);
    b.Sentence("The Pentagon cannot supply Ukraine.");
    b.Fact(pentagon, "supply", ukraine, true, 0.7f);
    REQUIRE(commit(b, "2025-03-01") == 1);
  }
  {
    ArticleBuilder b("A2");
    int rubio = b.Entity("Marco Rubio", EntityType::kPerson, {"Marco Rubio", "Rubio"});
    int ukraine = b.Entity("Ukraine", EntityType::kPlace);
    int pentagon = b.Entity("Pentagon", EntityType::kOrganization);
    int zelensky = b.Entity("Volodymyr Zelensky", EntityType::kPerson, {"Volodymyr Zelensky", "Zelensky"});
    b.Sentence("Rubio warned Ukraine again.");
    b.Fact(rubio, "warn", ukraine, false, 0.8f);
    b.Sentence("Rubio may disagree with the Pentagon.");
    b.Fact(rubio, "disagree_with", pentagon, false, 0.6f);
    b.Sentence("Volodymyr Zelensky met Rubio.");
    b.Fact(zelensky, "meet", rubio, false, 0.85f);
    REQUIRE(commit(b, "2025-03-02") == 2);
  }
  {
    ArticleBuilder b("A3");
    int rubio = b.Entity("Marco Rubio", EntityType::kPerson, {"Marco Rubio", "Rubio"});
    int zelensky = b.Entity("Volodymyr Zelensky", EntityType::kPerson, {"Volodymyr Zelensky", "Zelensky"});
    int ukrainians = b.Entity("Ukrainians", EntityType::kGroup);
    int kyiv = b.Entity("Kyiv", EntityType::kPlace);
    b.Sentence("Ukrainians visited Kyiv.");
    b.Fact(ukrainians, "visit", kyiv, false, 0.75f);
    b.Sentence("Zelensky met Marco Rubio in Kyiv.");
    b.Fact(zelensky, "meet", rubio, false, 0.8f);
    REQUIRE(commit(b, "2025-02-28") == 3);
  }
  if (retract) {
    auto r = story->store->Retract(2);
    REQUIRE(r.ok());
    REQUIRE(r->seq == 4);
  }
  return story;
}

inline std::unique_ptr<store::Reader> At(const store::Store& st, ArticleSeq seq) {
  store::View v;
  v.as_of = seq;
  return st.NewReader(v);
}

// Independent counts: full scans of one view.
inline size_t CountFacts(store::Reader& r) {
  size_t n = 0;
  (void)r.ScanFacts(store::TriplePattern{}, [&](const Fact&) {
    ++n;
    return true;
  });
  return n;
}
inline size_t CountEntities(store::Reader& r) {
  size_t n = 0;
  (void)r.ScanEntities([&](const Entity&) {
    ++n;
    return true;
  });
  return n;
}

}  // namespace kg::test
