#include <catch2/catch.hpp>

#include "graph/resolve.h"

using kg::EntityType;
using kg::LocalEntity;
using kg::ResolveCandidate;

namespace {
ResolveCandidate Cand(uint64_t id, const std::string& name, EntityType t, std::vector<std::string> aliases,
                      std::vector<std::string> hits) {
  ResolveCandidate c;
  c.entity.id = id;
  c.entity.name = name;
  c.entity.type = t;
  c.entity.aliases = std::move(aliases);
  c.hit_names = std::move(hits);
  return c;
}
}  // namespace

TEST_CASE("a surname joins the one person who carries it", "[resolve]") {
  LocalEntity l{"Rubio", EntityType::kPerson, {"Rubio"}, {}};
  std::vector<ResolveCandidate> c = {Cand(1, "Marco Rubio", EntityType::kPerson, {"Marco Rubio", "Rubio"}, {"rubio"})};
  CHECK(kg::ResolveEntity(l, c) == 0);
}

TEST_CASE("a full name joins the entity known by the surname", "[resolve]") {
  LocalEntity l{"Marco Rubio", EntityType::kPerson, {"Marco Rubio", "Rubio"}, {}};
  std::vector<ResolveCandidate> c = {Cand(1, "Rubio", EntityType::kPerson, {"Rubio"}, {"rubio"})};
  CHECK(kg::ResolveEntity(l, c) == 0);
}

TEST_CASE("two people with one surname: a lone surname stays apart", "[resolve]") {
  LocalEntity l{"Bush", EntityType::kPerson, {"Bush"}, {}};
  std::vector<ResolveCandidate> c = {Cand(1, "George Bush", EntityType::kPerson, {"George Bush", "Bush"}, {"bush"}),
                                     Cand(2, "Jeb Bush", EntityType::kPerson, {"Jeb Bush", "Bush"}, {"bush"})};
  CHECK(kg::ResolveEntity(l, c) == -1);
}

TEST_CASE("a different first name is a different person", "[resolve]") {
  LocalEntity l{"Jeb Bush", EntityType::kPerson, {"Jeb Bush", "Bush"}, {}};
  std::vector<ResolveCandidate> c = {Cand(1, "George Bush", EntityType::kPerson, {"George Bush", "Bush"}, {"bush"})};
  CHECK(kg::ResolveEntity(l, c) == -1);
}

TEST_CASE("an organisation short form and its long form meet", "[resolve]") {
  LocalEntity l{"NBC News", EntityType::kOrganization, {"NBC News", "NBC"}, {}};
  std::vector<ResolveCandidate> c = {Cand(1, "NBC", EntityType::kOrganization, {"NBC"}, {"nbc"})};
  CHECK(kg::ResolveEntity(l, c) == 0);
}

TEST_CASE("a person never joins a place of the same name", "[resolve]") {
  LocalEntity l{"Washington", EntityType::kPerson, {"Washington"}, {}};
  std::vector<ResolveCandidate> c = {Cand(1, "Washington", EntityType::kPlace, {"Washington"}, {"washington"})};
  CHECK(kg::ResolveEntity(l, c) == -1);
}

TEST_CASE("the best name beats a partial hit — equal names are ambiguous unless one dominates", "[resolve]") {
  LocalEntity l{"Apple", EntityType::kOrganization, {"Apple"}, {}};
  std::vector<ResolveCandidate> c = {Cand(1, "Apple Inc.", EntityType::kOrganization, {"Apple Inc.", "Apple"}, {"apple"})};
  CHECK(kg::ResolveEntity(l, c) == 0);
  // An entity whose canonical name is the article's best name wins.
  c.push_back(Cand(2, "Apple", EntityType::kOrganization, {"Apple"}, {"apple"}));
  CHECK(kg::ResolveEntity(l, c) == 1);
  // Two such entities, equally known: ambiguous, stays apart.
  c.push_back(Cand(3, "Apple", EntityType::kOrganization, {"Apple"}, {"apple"}));
  CHECK(kg::ResolveEntity(l, c) == -1);
  // One far better known than the other: it wins.
  c[2].entity.mentions = 40;
  c[1].entity.mentions = 2;
  CHECK(kg::ResolveEntity(l, c) == 2);
}

TEST_CASE("a legal form does not hide the company: Apple Inc. joins Apple", "[resolve]") {
  CHECK(kg::NameCore("apple inc.") == "apple");
  CHECK(kg::NameCore("airtanker ltd.") == "airtanker");
  CHECK(kg::NameCore("aer lingus group plc") == "aer lingus group");
  CHECK(kg::NameCore("inc.") == "inc.");  // a lone word stays itself
  CHECK(kg::NameCore("singapore airlines") == "singapore airlines");
  LocalEntity l{"Apple Inc", EntityType::kOrganization, {"Apple Inc"}, {}};
  std::vector<ResolveCandidate> c = {Cand(1, "Apple", EntityType::kOrganization, {"Apple"}, {"apple"})};
  CHECK(kg::ResolveEntity(l, c) == 0);
  // Also across an organisation/place typing slip, as for the very same name.
  c[0].entity.type = EntityType::kPlace;
  CHECK(kg::ResolveEntity(l, c) == 0);
  // A person is never reached this way.
  c[0].entity.type = EntityType::kPerson;
  CHECK(kg::ResolveEntity(l, c) == -1);
}

TEST_CASE("equal names: the candidate of the same type beats a swapped organisation or place", "[resolve]") {
  LocalEntity l{"Apple", EntityType::kOrganization, {"Apple"}, {}};
  std::vector<ResolveCandidate> c = {Cand(1, "Apple", EntityType::kPlace, {"Apple"}, {"apple"}),
                                     Cand(2, "Apple", EntityType::kOrganization, {"Apple"}, {"apple"})};
  CHECK(kg::ResolveEntity(l, c) == 1);
  // A place-typed local entity prefers the place.
  l.type = EntityType::kPlace;
  CHECK(kg::ResolveEntity(l, c) == 0);
}
