// User corrections to entity resolution, persisted in the database and
// applied to every later article:
//   kg merge A B          B is the same entity as A (A is kept)
//   kg alias NAME ENTITY  NAME also refers to ENTITY
//   kg split ENTITY NAME...  those names are another entity
// An entity is given by name (resolved through the alias index) or as #ID.
#include <iostream>

#include "cli/commands.h"

namespace kg::cli {

namespace {

// "#12" or "12" -> id 12; else a name that must denote exactly one entity.
EntityId ResolveEntityArg(store::Reader& reader, const std::string& cmd, const std::string& arg) {
  std::string digits = arg.size() > 1 && arg[0] == '#' ? arg.substr(1) : arg;
  if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos) {
    const EntityId id = std::stoull(digits);
    if (!reader.GetEntity(id)) throw Fail(cmd, "no entity with id " + digits);
    return reader.GetEntity(id)->id;
  }
  auto ids = reader.FindByName(arg);
  if (ids.empty()) throw Fail(cmd, "no entity named \"" + arg + "\" (see `kg entities`)");
  if (ids.size() > 1) {
    std::string list;
    for (EntityId id : ids) {
      auto e = reader.GetEntity(id);
      list += "\n  #" + std::to_string(id) + " " + (e ? e->name + " (" + std::string(EntityTypeName(e->type)) + ")" : "");
    }
    throw Fail(cmd, "\"" + arg + "\" names " + std::to_string(ids.size()) +
                        " entities; give one as #ID:" + list);
  }
  return ids[0];
}

std::string Describe(store::Reader& reader, EntityId id) {
  auto e = reader.GetEntity(id);
  return e ? "\"" + e->name + "\" (#" + std::to_string(id) + ")" : "#" + std::to_string(id);
}

}  // namespace

void AddMergeCommands(CLI::App& app, GlobalOptions& g) {
  {
    auto* cmd = app.add_subcommand("merge", "Declare that entity B is entity A: B's names, mentions and facts move to A");
    auto a = std::make_shared<std::string>();
    auto b = std::make_shared<std::string>();
    cmd->add_option("A", *a, "The entity to keep (name or #ID)")->required();
    cmd->add_option("B", *b, "The entity merged into A (name or #ID)")->required();
    cmd->callback([a, b, &g]() {
      auto store = OpenStore(g, "merge", store::OpenMode::kReadWrite);
      auto reader = store->NewReader();
      const EntityId keep = ResolveEntityArg(*reader, "merge", *a);
      const EntityId drop = ResolveEntityArg(*reader, "merge", *b);
      const std::string what = Describe(*reader, drop) + " into " + Describe(*reader, keep);
      reader.reset();
      Status s = store->MergeEntities(keep, drop);
      if (!s.ok()) throw Fail("merge", s.ToString(), ExitCodeFor(s));
      if (!g.quiet) std::cout << "merged " << what << "\n";
    });
  }
  {
    auto* cmd = app.add_subcommand("alias", "Declare that NAME refers to ENTITY (in later articles too)");
    auto name = std::make_shared<std::string>();
    auto entity = std::make_shared<std::string>();
    cmd->add_option("NAME", *name, "The new name")->required();
    cmd->add_option("ENTITY", *entity, "The entity (name or #ID)")->required();
    cmd->callback([name, entity, &g]() {
      auto store = OpenStore(g, "alias", store::OpenMode::kReadWrite);
      auto reader = store->NewReader();
      const EntityId id = ResolveEntityArg(*reader, "alias", *entity);
      const std::string what = Describe(*reader, id);
      reader.reset();
      Status s = store->AddAlias(id, *name);
      if (!s.ok()) throw Fail("alias", s.ToString(), ExitCodeFor(s));
      if (!g.quiet) std::cout << "\"" << *name << "\" now names " << what << "\n";
    });
  }
  {
    auto* cmd = app.add_subcommand(
        "split", "Declare that some names of ENTITY denote another entity: they, and the articles "
                 "that used only them, move to a new entity");
    auto entity = std::make_shared<std::string>();
    auto names = std::make_shared<std::vector<std::string>>();
    cmd->add_option("ENTITY", *entity, "The entity (name or #ID)")->required();
    cmd->add_option("NAME", *names, "The names to split off (aliases of ENTITY)")->required();
    cmd->callback([entity, names, &g]() {
      auto store = OpenStore(g, "split", store::OpenMode::kReadWrite);
      auto reader = store->NewReader();
      const EntityId id = ResolveEntityArg(*reader, "split", *entity);
      const std::string what = Describe(*reader, id);
      reader.reset();
      auto r = store->SplitEntity(id, *names);
      if (!r.ok()) throw Fail("split", r.status().ToString(), ExitCodeFor(r.status()));
      if (!g.quiet) {
        reader = store->NewReader();
        auto e = reader->GetEntity(r.value());
        std::cout << "split " << Describe(*reader, r.value()) << " off " << what << ": "
                  << (e ? e->mentions : 0) << " mentions moved\n";
      }
    });
  }
}

}  // namespace kg::cli
