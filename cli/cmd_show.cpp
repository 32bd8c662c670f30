// kg show ARTICLE: everything one article contributed, new and reinforced,
// with the sentences it was read from.
#include <cmath>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "export/history.h"

namespace kg::cli {
namespace {

void RunShow(const GlobalOptions& g, const std::string& spec, const std::string& as_of, bool json) {
  const std::string cmd = "show";
  auto st = OpenStore(g, cmd, store::OpenMode::kReadOnly);
  auto reader = st->NewReader();
  if (!as_of.empty()) {
    auto p = exports::ResolvePoint(*reader, as_of);
    if (!p.ok()) throw Fail(cmd, "--as-of: " + p.status().message(), kExitUsage);
    store::View v;
    v.as_of = *p;
    reader = st->NewReader(v);
  }
  auto seq = exports::ResolveArticle(*reader, spec);
  if (!seq.ok()) throw Fail(cmd, seq.status().message(), ExitCodeFor(seq.status()));
  auto report = exports::ShowArticle(*reader, *seq);
  if (!report.ok()) throw Fail(cmd, report.status().ToString(), ExitCodeFor(report.status()));
  const store::LogEntry& e = report->entry;
  if (json) {
    nlohmann::ordered_json j;
    j["seq"] = e.seq;
    j["id"] = e.article.id;
    j["title"] = e.article.title;
    j["date"] = e.article.date;
    j["source"] = e.article.source;
    j["url"] = e.article.url;
    j["retracted"] = e.retracted;
    j["new_entities"] = e.new_entities;
    j["new_facts"] = e.new_facts;
    j["reinforced_facts"] = e.reinforced_facts;
    nlohmann::ordered_json facts = nlohmann::ordered_json::array();
    for (const auto& f : report->facts) {
      facts.push_back({{"status", f.first_seen_here ? "new" : "reinforced"},
                       {"fact", f.fact.fact.id},
                       {"subject", f.fact.subject},
                       {"predicate", f.fact.fact.predicate},
                       {"object", f.fact.object},
                       {"negated", f.fact.fact.negated},
                       {"modality", ModalityName(f.fact.fact.modality)},
                       {"support", f.fact.fact.support},
                       {"sentence_index", f.evidence.sentence_index},
                       {"sentence_begin", f.evidence.sentence_begin},
                       {"sentence_end", f.evidence.sentence_end},
                       {"sentence", f.evidence.sentence},
                       {"attribution", f.evidence.attribution},
                       {"confidence", std::round(static_cast<double>(f.evidence.confidence) * 1000.0) / 1000.0}});
    }
    j["facts"] = std::move(facts);
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  std::cout << "#" << e.seq << "  " << e.article.id << (e.retracted ? "  [retracted]" : "") << "\n"
            << "title   " << e.article.title << "\n"
            << "date    " << (e.article.date.empty() ? "-" : e.article.date) << "\n";
  if (!e.article.source.empty()) std::cout << "source  " << e.article.source << "\n";
  if (!e.article.url.empty()) std::cout << "url     " << e.article.url << "\n";
  std::cout << "brought +" << e.new_entities << " entities, +" << e.new_facts << " facts, " << e.reinforced_facts
            << " reinforced (" << e.sentences << " sentences, " << e.mentions << " mentions, " << e.merged_mentions
            << " attached to known entities)\n";
  for (int pass = 0; pass < 2; ++pass) {
    const bool want_new = pass == 0;
    std::cout << "\n" << (want_new ? "New facts" : "Reinforced facts (already known)") << ":\n";
    size_t n = 0;
    for (const auto& f : report->facts) {
      if (f.first_seen_here != want_new) continue;
      ++n;
      std::cout << "  " << f.fact.Text();
      if (!want_new) std::cout << "  (now " << f.fact.fact.support << " articles)";
      if (!f.evidence.attribution.empty()) std::cout << "  according to " << f.evidence.attribution;
      std::cout << "\n      [" << f.evidence.sentence_index << "] " << f.evidence.sentence << "\n";
    }
    if (n == 0) std::cout << "  (none)\n";
  }
  if (e.retracted && report->facts.empty()) {
    std::cout << "\n(this article was retracted: add --as-of with a point before its retraction, see kg log)\n";
  }
}

}  // namespace

void AddShowCommand(CLI::App& app, GlobalOptions& g) {
  auto spec = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto as_of = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("show", "What one article contributed: new and reinforced facts, with sentences");
  sub->add_option("article", *spec, "Article id or seq (see kg log)")->required();
  sub->add_option("--as-of", *as_of, "As after this point (e.g. before the article was retracted)");
  sub->add_flag("--json", *json, "JSON instead of text");
  sub->callback([&g, spec, as_of, json] { RunShow(g, *spec, *as_of, *json); });
}

}  // namespace kg::cli
