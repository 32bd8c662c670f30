#include <catch2/catch.hpp>

#include "graph/model.h"
#include "graph/status.h"

TEST_CASE("NormalizeName folds case, space and a leading article", "[graph]") {
  CHECK(kg::NormalizeName("  The   Pentagon ") == "pentagon");
  CHECK(kg::NormalizeName("Marco\tRubio") == "marco rubio");
  CHECK(kg::NormalizeName("the") == "the");
  CHECK(kg::NormalizeName("Kyiv\xC3\xA9") == "kyiv\xC3\xA9");
}

TEST_CASE("Entity types round-trip through their names", "[graph]") {
  for (int i = 0; i < kg::kEntityTypeCount; ++i) {
    auto t = static_cast<kg::EntityType>(i);
    kg::EntityType back{};
    REQUIRE(kg::ParseEntityType(kg::EntityTypeName(t), &back));
    CHECK(back == t);
  }
  kg::EntityType t{};
  CHECK(kg::ParseEntityType("GPE", &t));
  CHECK(t == kg::EntityType::kPlace);
  CHECK_FALSE(kg::ParseEntityType("spaceship", &t));
}

TEST_CASE("Result carries a value or a status", "[graph]") {
  kg::Result<int> good(7);
  REQUIRE(good.ok());
  CHECK(*good == 7);
  kg::Result<int> bad(kg::Status::Busy("locked"));
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().code() == kg::Status::Code::kBusy);
  CHECK(bad.status().ToString() == "locked");
}
