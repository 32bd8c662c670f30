// The `kg` subcommands. One file per subcommand in cli/; main.cpp only wires
// them up. Each Add*Command creates its CLI11 subcommand and callback.
//
// Error convention: a callback writes "kg <cmd>: <message>" to std::cerr and
// throws Fail(code) (a CLI::RuntimeError) to set the exit status.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "graph/status.h"
#include "store/store.h"

namespace kg::cli {

struct GlobalOptions {
  std::string db_path = "kg.db";   // --db, else $KG_DB, else ./kg.db
  std::string models;              // --models, else $KG_MODELS, else the built-in models/ dir
  bool quiet = false;              // --quiet: no progress bar, no summary chatter
  int parser_branches = -1;        // --parser-branches K; -1 = the parser's default (8)
};

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;     // the command ran but something failed (bad file, ...)
inline constexpr int kExitUsage = 2;       // bad arguments or a bad query
inline constexpr int kExitBusy = 3;        // the database is locked by another writer

// Prints "kg <cmd>: <message>" to stderr and returns the exception to throw.
CLI::RuntimeError Fail(const std::string& cmd, const std::string& message, int code = kExitFailure);
// Maps a Status to an exit code (kBusy -> kExitBusy, kInvalidArgument -> kExitUsage, ...).
int ExitCodeFor(const Status& s);
// Opens the database named by the global options, or throws Fail.
std::unique_ptr<store::Store> OpenStore(const GlobalOptions& g, const std::string& cmd,
                                        store::OpenMode mode);

void AddIngestCommand(CLI::App& app, GlobalOptions& g);
// kg merge A B, kg alias NAME ENTITY, kg split ENTITY NAME... (cli/cmd_merge.cpp).
void AddMergeCommands(CLI::App& app, GlobalOptions& g);
void AddQueryCommand(CLI::App& app, GlobalOptions& g);
void AddExportCommand(CLI::App& app, GlobalOptions& g);
void AddLogCommand(CLI::App& app, GlobalOptions& g);
void AddStatsCommand(CLI::App& app, GlobalOptions& g);
void AddEntitiesCommand(CLI::App& app, GlobalOptions& g);
void AddParseCommand(CLI::App& app, GlobalOptions& g);
void AddExtractCommand(CLI::App& app, GlobalOptions& g);
void AddShowCommand(CLI::App& app, GlobalOptions& g);
void AddDiffCommand(CLI::App& app, GlobalOptions& g);
void AddHistoryCommand(CLI::App& app, GlobalOptions& g);
void AddBlameCommand(CLI::App& app, GlobalOptions& g);
void AddRetractCommand(CLI::App& app, GlobalOptions& g);
void AddShellCommand(CLI::App& app, GlobalOptions& g);
void AddNeighborsCommand(CLI::App& app, GlobalOptions& g);
void AddPathCommand(CLI::App& app, GlobalOptions& g);
void AddFactsCommand(CLI::App& app, GlobalOptions& g);
// kg upgrade (cli/cmd_upgrade.cpp).
void AddUpgradeCommand(CLI::App& app, GlobalOptions& g);

}  // namespace kg::cli
