// kg log: one entry per ingested article (or retraction), with what it
// brought: new entities, new facts, reinforced facts and its top new facts.
#include <iomanip>
#include <cmath>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "export/history.h"

namespace kg::cli {
namespace {

struct LogOptions {
  std::string since;
  std::string by = "seq";
  bool json = false;
  size_t top = 3;
  size_t last = 0;
};

nlohmann::ordered_json EntryJson(const exports::LogItem& item) {
  const store::LogEntry& e = item.entry;
  nlohmann::ordered_json j;
  j["seq"] = e.seq;
  j["kind"] = e.kind == store::LogEntry::Kind::kArticle ? "article" : "retraction";
  j["id"] = e.article.id;
  j["title"] = e.article.title;
  j["date"] = e.article.date;
  j["source"] = e.article.source;
  if (e.kind == store::LogEntry::Kind::kRetraction) {
    j["retracts"] = e.retracts;
  } else {
    j["retracted"] = e.retracted;
    j["sentences"] = e.sentences;
    j["new_entities"] = e.new_entities;
    j["new_facts"] = e.new_facts;
    j["reinforced_facts"] = e.reinforced_facts;
    j["mentions"] = e.mentions;
    j["merged_mentions"] = e.merged_mentions;
    nlohmann::ordered_json top = nlohmann::ordered_json::array();
    for (const exports::NamedFact& f : item.top_new_facts) {
      top.push_back({{"subject", f.subject}, {"predicate", f.fact.predicate}, {"object", f.object},
                     {"negated", f.fact.negated}, {"modality", ModalityName(f.fact.modality)},
                     {"confidence", std::round(static_cast<double>(f.fact.confidence) * 1000.0) / 1000.0}});
    }
    j["top_new_facts"] = std::move(top);
  }
  return j;
}

void RunLog(const GlobalOptions& g, const LogOptions& o) {
  const std::string cmd = "log";
  if (!o.since.empty() && (o.since.size() != 10 || o.since[4] != '-' || o.since[7] != '-')) {
    throw Fail(cmd, "--since '" + o.since + "': expected a date YYYY-MM-DD", kExitUsage);
  }
  auto st = OpenStore(g, cmd, store::OpenMode::kReadOnly);
  auto reader = st->NewReader();
  exports::LogOptions lo;
  if (!o.since.empty()) lo.since_date = o.since;
  lo.by_date = o.by == "date";
  lo.top_facts = o.top;
  lo.last = o.last;
  auto items = exports::ReadLog(*reader, lo);
  if (!items.ok()) throw Fail(cmd, items.status().ToString(), ExitCodeFor(items.status()));
  if (o.json) {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& item : *items) arr.push_back(EntryJson(item));
    std::cout << arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  for (const auto& item : *items) {
    const store::LogEntry& e = item.entry;
    std::cout << "#" << std::left << std::setw(5) << e.seq << " " << std::setw(10)
              << (e.article.date.empty() ? "-" : e.article.date) << "  ";
    if (e.kind == store::LogEntry::Kind::kRetraction) {
      std::cout << "RETRACT #" << e.retracts << " " << e.article.id << "  \"" << e.article.title << "\"\n";
      continue;
    }
    std::cout << e.article.id;
    if (!e.article.title.empty()) std::cout << "  \"" << e.article.title << "\"";
    std::cout << (e.retracted ? "  [retracted]" : "") << "\n       +" << e.new_entities << " entities, +"
              << e.new_facts << " facts, " << e.reinforced_facts << " reinforced\n";
    for (const auto& f : item.top_new_facts) std::cout << "         " << f.Text() << "\n";
  }
}

}  // namespace

void AddLogCommand(CLI::App& app, GlobalOptions& g) {
  auto o = std::make_shared<LogOptions>();
  CLI::App* sub = app.add_subcommand("log", "One entry per ingested article: what each one added");
  sub->add_option("--since", o->since, "Only articles dated on or after DATE (YYYY-MM-DD)");
  sub->add_option("--by", o->by, "Order by ingestion seq (default) or article date")
      ->check(CLI::IsMember({"seq", "date"}));
  sub->add_option("-n,--last", o->last, "Only the last N entries");
  sub->add_flag("--json", o->json, "JSON array instead of text");
  sub->add_option("--top", o->top, "New facts shown per article (default 3)")->capture_default_str();
  sub->callback([&g, o] { RunLog(g, *o); });
}

}  // namespace kg::cli
