// kg entities [--type T] [--limit N] [--json]: entities, most mentioned first.
#include <algorithm>
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"

namespace kg::cli {

void AddEntitiesCommand(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("entities", "List entities with their type and mention count, most mentioned first");
  struct Opts {
    std::string type;
    size_t limit = 0;
    bool json = false;
  };
  auto opts = std::make_shared<Opts>();
  cmd->add_option("--type", opts->type,
                  "Only this type: person, organization, place, group, misc, concept");
  cmd->add_option("-n,--limit", opts->limit, "At most N entities (default: all)");
  cmd->add_flag("--json", opts->json, "One JSON array of {id, name, type, mentions, first_seen, aliases}");
  cmd->callback([opts, &g]() {
    std::optional<EntityType> type;
    if (!opts->type.empty()) {
      EntityType t;
      if (!ParseEntityType(opts->type, &t)) {
        throw Fail("entities",
                   "unknown type \"" + opts->type +
                       "\" (person, organization, place, group, misc, concept)",
                   kExitUsage);
      }
      type = t;
    }
    auto store = OpenStore(g, "entities", store::OpenMode::kReadOnly);
    auto reader = store->NewReader();
    std::vector<Entity> list;
    Status s = reader->ScanEntities([&](const Entity& e) {
      if (!type || e.type == *type) list.push_back(e);
      return true;
    });
    if (!s.ok()) throw Fail("entities", s.ToString(), ExitCodeFor(s));
    std::sort(list.begin(), list.end(), [](const Entity& a, const Entity& b) {
      if (a.mentions != b.mentions) return a.mentions > b.mentions;
      if (a.name != b.name) return a.name < b.name;
      return a.id < b.id;
    });
    if (opts->limit > 0 && list.size() > opts->limit) list.resize(opts->limit);

    if (opts->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : list) {
        out.push_back({{"id", e.id},
                       {"name", e.name},
                       {"type", std::string(EntityTypeName(e.type))},
                       {"mentions", e.mentions},
                       {"first_seen", e.first_seen},
                       {"aliases", e.aliases}});
      }
      std::cout << out.dump() << "\n";
      return;
    }
    std::cout << std::left << std::setw(8) << "ID" << std::setw(14) << "TYPE" << std::right
              << std::setw(8) << "MENTIONS" << "  " << "NAME" << "\n";
    for (const auto& e : list) {
      std::cout << std::left << std::setw(8) << e.id << std::setw(14) << EntityTypeName(e.type)
                << std::right << std::setw(8) << e.mentions << "  " << e.name;
      std::vector<std::string> others;
      for (const auto& a : e.aliases) {
        if (a != e.name) others.push_back(a);
      }
      if (!others.empty()) {
        std::cout << "  (";
        for (size_t i = 0; i < others.size(); ++i) std::cout << (i ? ", " : "") << others[i];
        std::cout << ")";
      }
      std::cout << "\n";
    }
  });
}

}  // namespace kg::cli
