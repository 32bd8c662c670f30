// kg: knowledge graphs from the news. A thin main: parse arguments, hand over
// to the subcommand in cli/cmd_*.cpp.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  kg::cli::GlobalOptions g;
  if (const char* env = std::getenv("KG_DB"); env != nullptr && *env != '\0') g.db_path = env;
  if (const char* env = std::getenv("KG_MODELS"); env != nullptr && *env != '\0') g.models = env;

  CLI::App app{"kg: turn news articles into a knowledge graph you can query, draw and watch grow."};
  app.set_version_flag("--version", "kg 0.1.0");
  app.add_option("--db", g.db_path, "Database directory (default ./kg.db, or $KG_DB)")
      ->capture_default_str();
  app.add_option("--models", g.models, "Directory of trained models (default: built-in, or $KG_MODELS)");
  app.add_flag("-q,--quiet", g.quiet, "No progress bar or summary");
  app.add_option("--parser-branches", g.parser_branches,
                 "Parser alternatives tried at its least certain steps (ingest, extract, parse): "
                 "0 = greedy, about 1.5 times as fast, 1.3 LAS points lower (default 8)")
      ->check(CLI::Range(0, 64));
  app.require_subcommand(1);
  app.fallthrough();

  // Subcommands, in the order `kg --help` lists them: articles in, asking,
  // drawing and growth, corrections, the NLP filters.
  kg::cli::AddIngestCommand(app, g);
  kg::cli::AddQueryCommand(app, g);
  kg::cli::AddShellCommand(app, g);
  kg::cli::AddFactsCommand(app, g);
  kg::cli::AddNeighborsCommand(app, g);
  kg::cli::AddPathCommand(app, g);
  kg::cli::AddEntitiesCommand(app, g);
  kg::cli::AddExportCommand(app, g);
  kg::cli::AddLogCommand(app, g);
  kg::cli::AddShowCommand(app, g);
  kg::cli::AddDiffCommand(app, g);
  kg::cli::AddHistoryCommand(app, g);
  kg::cli::AddBlameCommand(app, g);
  kg::cli::AddStatsCommand(app, g);
  kg::cli::AddRetractCommand(app, g);
  kg::cli::AddMergeCommands(app, g);
  kg::cli::AddUpgradeCommand(app, g);
  kg::cli::AddExtractCommand(app, g);
  kg::cli::AddParseCommand(app, g);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Our commands throw with kExitFailure/kExitUsage/kExitBusy; CLI11's own
    // argument errors (105 for a failed check, ...) become kExitUsage.
    const int rc = app.exit(e);
    return rc > kg::cli::kExitBusy ? kg::cli::kExitUsage : rc;
  }
  return 0;
}
