// AddKnownNameMentions: capitalised runs the extraction left untagged become
// mentions when the lookup (the graph, in store/) knows them.
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "graph/known_names.h"

using kg::EntityType;
using kg::Extraction;

namespace {

// One sentence per call; returns the extraction with every sentence span.
Extraction Sentences(std::string* text, const std::vector<std::string>& sentences) {
  Extraction x;
  for (const auto& s : sentences) {
    if (!text->empty()) *text += " ";
    const uint64_t b = text->size();
    *text += s;
    x.sentences.push_back({b, text->size()});
  }
  return x;
}

kg::KnownNameLookup Known(std::map<std::string, EntityType> names, std::vector<std::string>* asked = nullptr) {
  return [names = std::move(names), asked](std::string_view w) -> std::optional<EntityType> {
    if (asked != nullptr) asked->emplace_back(w);
    auto it = names.find(std::string(w));
    if (it == names.end()) return std::nullopt;
    return it->second;
  };
}

std::string Written(const std::string& text, const kg::Mention& m) { return text.substr(m.begin, m.end - m.begin); }

}  // namespace

TEST_CASE("known names: an untagged known company becomes a mention, also first in a sentence") {
  std::string text;
  Extraction x = Sentences(&text, {"Boeing said it would deliver more Boeing 737s to Ryanair.",
                                   "Analysts expect Boeing's shares to rise."});
  auto lookup = Known({{"Boeing", EntityType::kOrganization}});
  REQUIRE(kg::AddKnownNameMentions(text, lookup, &x) == 3);
  REQUIRE(x.entities.size() == 1);
  CHECK(x.entities[0].name == "Boeing");
  CHECK(x.entities[0].type == EntityType::kOrganization);
  REQUIRE(x.mentions.size() == 3);
  for (const auto& m : x.mentions) {
    CHECK(Written(text, m) == "Boeing");  // the possessive is not part of the name
    CHECK(m.entity == 0);
    CHECK(m.kind == kg::Mention::Kind::kName);
  }
  CHECK(x.mentions[0].sentence == 0);
  CHECK(x.mentions[2].sentence == 1);
}

TEST_CASE("known names: a name inside a longer capitalised run or a mention is left alone") {
  std::string text;
  Extraction x = Sentences(&text, {"He flew Air France to Paris.", "The Pentagon and France agreed."});
  // "Paris" is already a mention of the article's own entity.
  kg::LocalEntity paris;
  paris.name = "Paris";
  paris.type = EntityType::kPlace;
  paris.names = {"Paris"};
  x.entities.push_back(paris);
  kg::Mention pm;
  pm.begin = text.find("Paris");
  pm.end = pm.begin + 5;
  pm.entity = 0;
  x.mentions.push_back(pm);
  std::vector<std::string> asked;
  auto lookup = Known({{"France", EntityType::kPlace}, {"Paris", EntityType::kPlace},
                       {"Pentagon", EntityType::kOrganization}},
                      &asked);
  REQUIRE(kg::AddKnownNameMentions(text, lookup, &x) == 2);
  CHECK(std::find(asked.begin(), asked.end(), "Paris") == asked.end());
  CHECK(std::find(asked.begin(), asked.end(), "Air France") != asked.end());
  REQUIRE(x.mentions.size() == 3);
  // "The Pentagon" first in a sentence: "The" left out.
  CHECK(Written(text, x.mentions[1]) == "Pentagon");
  CHECK(Written(text, x.mentions[2]) == "France");
  CHECK(x.mentions[2].begin > text.find("Air France") + 4);
  CHECK(x.entities.size() == 3);
}

TEST_CASE("known names: a name the article already uses joins that entity, and runs keep 'of'") {
  std::string text;
  Extraction x = Sentences(&text, {"Bank of America fell.", "Shares of Bank of America fell again."});
  kg::LocalEntity bank;
  bank.name = "Bank of America Corp.";
  bank.type = EntityType::kOrganization;
  bank.names = {"Bank of America Corp.", "Bank of America"};
  x.entities.push_back(bank);
  auto lookup = Known({{"Bank of America", EntityType::kOrganization}});
  REQUIRE(kg::AddKnownNameMentions(text, lookup, &x) == 2);
  CHECK(x.entities.size() == 1);
  CHECK(x.mentions[0].entity == 0);
  CHECK(Written(text, x.mentions[1]) == "Bank of America");
}

TEST_CASE("known names: unknown and lower-case words add nothing") {
  std::string text;
  Extraction x = Sentences(&text, {"Boeing said it would deliver more boeing parts."});
  auto lookup = Known({});
  CHECK(kg::AddKnownNameMentions(text, lookup, &x) == 0);
  CHECK(x.mentions.empty());
  CHECK(x.entities.empty());
}

TEST_CASE("known names: a concept written as the known name becomes that entity") {
  std::string text;
  Extraction x = Sentences(&text, {"Airlines prefer Airbus."});
  kg::LocalEntity airbus;
  airbus.name = "Airbus";
  airbus.type = EntityType::kConcept;
  airbus.names = {"Airbus"};
  x.entities.push_back(airbus);
  auto lookup = Known({{"Airbus", EntityType::kOrganization}});
  REQUIRE(kg::AddKnownNameMentions(text, lookup, &x) == 1);
  REQUIRE(x.entities.size() == 1);
  CHECK(x.entities[0].type == EntityType::kOrganization);
  CHECK(x.mentions[0].entity == 0);
}
