#include "graph/model.h"

#include <array>
#include <cctype>

namespace kg {

namespace {
constexpr std::array<std::string_view, kEntityTypeCount> kTypeNames = {
    "person", "organization", "place", "group", "misc", "concept"};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}
}  // namespace

std::string_view EntityTypeName(EntityType t) {
  auto i = static_cast<size_t>(t);
  return i < kTypeNames.size() ? kTypeNames[i] : "misc";
}

bool ParseEntityType(std::string_view s, EntityType* out) {
  for (size_t i = 0; i < kTypeNames.size(); ++i) {
    if (EqualsIgnoreCase(s, kTypeNames[i])) {
      *out = static_cast<EntityType>(i);
      return true;
    }
  }
  struct Synonym { std::string_view name; EntityType type; };
  static constexpr Synonym kSynonyms[] = {
      {"per", EntityType::kPerson},       {"org", EntityType::kOrganization},
      {"organisation", EntityType::kOrganization}, {"loc", EntityType::kPlace},
      {"gpe", EntityType::kPlace},        {"location", EntityType::kPlace},
      {"norp", EntityType::kGroup},       {"other", EntityType::kMisc},
  };
  for (const auto& syn : kSynonyms) {
    if (EqualsIgnoreCase(s, syn.name)) {
      *out = syn.type;
      return true;
    }
  }
  return false;
}

std::string_view ModalityName(Modality m) {
  switch (m) {
    case Modality::kAsserted: return "asserted";
    case Modality::kPossible: return "possible";
    case Modality::kNecessary: return "necessary";
    case Modality::kIntended: return "intended";
    case Modality::kReported: return "reported";
  }
  return "asserted";
}

std::string NormalizeName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pending_space = false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (std::isspace(u)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    // ASCII lower-casing only: bytes >= 0x80 (UTF-8 sequences) pass unchanged.
    out.push_back(u < 0x80 ? static_cast<char>(std::tolower(u)) : c);
  }
  if (out.rfind("the ", 0) == 0 && out.size() > 4) out.erase(0, 4);
  return out;
}

}  // namespace kg
