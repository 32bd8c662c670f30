// kg shell: an interactive prompt for queries. A query may span lines and
// ends with ';'. History goes to ~/.kg_history. Works with piped input too:
//   printf 'MATCH (a) RETURN count(*);\n' | kg shell
// No readline: line editing is the terminal's own.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include <unistd.h>

#include "cli/commands.h"
#include "cli/query_run.h"

namespace kg::cli {

namespace {

constexpr const char* kShellHelp =
    "Type a query ending with ';' (it may span lines), or a command:\n"
    "  :help                 this text\n"
    "  :format FMT           table, json, jsonl, csv or dot\n"
    "  :param name=value     set $name for the following queries\n"
    "  :params               list the parameters\n"
    "  :timeout SECONDS      per-query timeout (0 = none)\n"
    "  :explain QUERY        show the plan of a query\n"
    "  :history              the last 20 queries\n"
    "  :quit                 leave (or Ctrl-D)\n"
    "Example: MATCH (a {name: \"Rubio\"})-[r]->(b) RETURN type(r), b.name;\n";

std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return std::string(home) + "/.kg_history";
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

void AddShellCommand(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("shell", "Interactive query prompt (queries end with ';')");
  auto o = std::make_shared<QueryCliOptions>();
  AddQueryOptions(cmd, o.get(), true);
  cmd->callback([o, &g]() {
    query::QueryOptions options = MakeQueryOptions(*o, "shell");
    query::OutputFormat format = MakeFormat(*o, "shell");
    auto store = OpenStore(g, "shell", store::OpenMode::kReadOnly);
    const bool interactive = ::isatty(STDIN_FILENO) != 0;
    const std::string history_path = HistoryPath();
    if (interactive && !g.quiet) {
      std::cout << "kg shell on " << g.db_path << " - queries end with ';', :help for help, :quit to leave\n";
    }
    int failures = 0;
    std::string buffer;
    auto run = [&](std::string text) {
      text = Trim(text);
      while (!text.empty() && text.back() == ';') text = Trim(text.substr(0, text.size() - 1));
      if (text.empty()) return;
      if (!history_path.empty()) {
        std::ofstream hist(history_path, std::ios::app);
        std::string one_line = text;
        for (auto& c : one_line) {
          if (c == '\n' || c == '\r') c = ' ';
        }
        hist << one_line << "\n";
      }
      Status s = query::RunAndWrite(*store, text, options, format, std::cout);
      std::cout.flush();
      if (!s.ok()) {
        ++failures;
        std::cerr << "error: " << s.message() << "\n";
      }
    };
    auto command = [&](const std::string& line) -> bool {  // false = quit
      std::string word = line.substr(0, line.find(' '));
      std::string arg = Trim(line.size() > word.size() ? line.substr(word.size()) : "");
      if (word == ":quit" || word == ":exit" || word == ":q") return false;
      if (word == ":help" || word == ":h") {
        std::cout << kShellHelp;
      } else if (word == ":format") {
        auto f = query::ParseOutputFormat(arg);
        if (f) format = *f;
        else std::cerr << "error: unknown format '" << arg << "' (table, json, jsonl, csv, dot)\n";
      } else if (word == ":param") {
        std::pair<std::string, query::Value> kv;
        Status s = query::ParseParam(arg, &kv);
        if (!s.ok()) {
          std::cerr << "error: " << s.message() << "\n";
        } else {
          auto& ps = options.params;
          ps.erase(std::remove_if(ps.begin(), ps.end(), [&](const auto& p) { return p.first == kv.first; }), ps.end());
          ps.push_back(std::move(kv));
        }
      } else if (word == ":params") {
        for (const auto& [k, v] : options.params) std::cout << "$" << k << " = " << query::ToDisplay(v, false) << "\n";
      } else if (word == ":timeout") {
        try {
          options.timeout_seconds = std::stod(arg);
        } catch (const std::exception&) {
          std::cerr << "error: :timeout wants a number of seconds\n";
        }
      } else if (word == ":explain") {
        std::string q = Trim(arg);
        while (!q.empty() && q.back() == ';') q.pop_back();
        auto plan = query::ExplainQuery(*store, q, options);
        if (plan.ok()) std::cout << *plan;
        else std::cerr << "error: " << plan.status().message() << "\n";
      } else if (word == ":history") {
        std::ifstream in(history_path);
        std::vector<std::string> lines;
        for (std::string l; std::getline(in, l);) lines.push_back(l);
        size_t from = lines.size() > 20 ? lines.size() - 20 : 0;
        for (size_t i = from; i < lines.size(); ++i) std::cout << "  " << lines[i] << "\n";
      } else {
        std::cerr << "error: unknown command " << word << " (:help lists them)\n";
      }
      return true;
    };
    std::string line;
    while (true) {
      if (interactive) {
        std::cout << (buffer.empty() ? "kg> " : "  -> ") << std::flush;
      }
      if (!std::getline(std::cin, line)) break;
      std::string t = Trim(line);
      if (buffer.empty()) {
        if (t.empty()) continue;
        if (t[0] == ':') {
          if (!command(t)) break;
          continue;
        }
        if (t == "quit" || t == "exit") break;
      }
      buffer += line + "\n";
      // A ';' at the end of a line ends the query.
      if (!t.empty() && t.back() == ';') {
        run(buffer);
        buffer.clear();
      }
    }
    if (!Trim(buffer).empty()) run(buffer);  // piped input without a final ';'
    if (interactive) std::cout << "\n";
    if (failures > 0 && !interactive) throw CLI::RuntimeError(kExitFailure);
  });
}

}  // namespace kg::cli
