// kg upgrade: converts a database of an older schema this kg can convert
// (version 2) in place and compacts it; see docs/store.md "Schema version".
#include <iostream>

#include "cli/commands.h"

namespace kg::cli {

void AddUpgradeCommand(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand(
      "upgrade", "Convert the database in place to the schema this kg writes (from schema 2 to 5) and compact it (faster queries)");
  cmd->callback([&g]() {
    Status s = store::Store::Upgrade(g.db_path);
    if (!s.ok()) throw Fail("upgrade", s.ToString(), ExitCodeFor(s));
    if (!g.quiet) {
      std::cout << g.db_path << ": schema version " << store::kSchemaVersion << "\n";
    }
  });
}

}  // namespace kg::cli
