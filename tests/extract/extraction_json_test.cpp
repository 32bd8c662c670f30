#include <catch2/catch.hpp>

#include "graph/extraction_json.h"

using kg::ExtractedArticle;

namespace {
ExtractedArticle Sample() {
  ExtractedArticle r;
  r.article.id = "a1";
  r.article.title = "Rift";
  r.article.date = "2025-11-26";
  r.text = "Rubio met Vance. He left.";
  auto& x = r.extraction;
  x.sentences = {{0, 16}, {17, 25}};
  x.entities.push_back({"Marco Rubio", kg::EntityType::kPerson, {"Rubio", "Marco Rubio"}, {"Secretary of State"}});
  x.entities.push_back({"JD Vance", kg::EntityType::kPerson, {"Vance"}, {}});
  x.mentions.push_back({0, 5, 0, 0, kg::Mention::Kind::kName});
  x.mentions.push_back({10, 15, 0, 1, kg::Mention::Kind::kName});
  x.mentions.push_back({17, 19, 1, 0, kg::Mention::Kind::kPronoun});
  kg::ExtractedFact f;
  f.subject = 0;
  f.object = 1;
  f.predicate = "meet";
  f.surface = "met";
  f.negated = true;
  f.modality = kg::Modality::kPossible;
  f.attribution = "NBC";
  f.confidence = 0.5f;
  x.facts.push_back(f);
  x.tokens = 8;
  return r;
}
}  // namespace

TEST_CASE("extraction JSON round-trips", "[extract][json]") {
  ExtractedArticle r = Sample();
  std::string line = kg::ToJson(r);
  CHECK(line.find('\n') == std::string::npos);
  auto back = kg::FromJson(line);
  REQUIRE(back.ok());
  CHECK(kg::ToJson(back.value()) == line);
  const auto& f = back.value().extraction.facts.at(0);
  CHECK(f.negated);
  CHECK(f.modality == kg::Modality::kPossible);
  CHECK(f.attribution == "NBC");
  CHECK(back.value().extraction.mentions.at(2).kind == kg::Mention::Kind::kPronoun);
  CHECK(back.value().extraction.entities.at(0).titles.at(0) == "Secretary of State");
}

TEST_CASE("extraction JSON rejects bad records with the field named", "[extract][json]") {
  CHECK(kg::FromJson("not json").status().message() == "not valid JSON");
  CHECK(kg::FromJson("[1]").status().message() == "a record must be a JSON object");
  std::string line = kg::ToJson(Sample());
  std::string bad_mention = line;
  bad_mention.replace(bad_mention.find("\"begin\":10"), 10, "\"begin\":99");
  auto r = kg::FromJson(bad_mention);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "mentions: span outside the text");
  std::string bad_entity = line;
  bad_entity.replace(bad_entity.find("\"object\":1"), 10, "\"object\":7");
  CHECK(kg::FromJson(bad_entity).status().message() == "facts: entity index out of range");
  CHECK(kg::FromJson("{\"id\":\"x\"}").status().message() == "missing field \"text\"");
}
