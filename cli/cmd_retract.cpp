// kg retract ARTICLE: withdraw an article. The retraction is itself a log
// entry, so views before it (AS OF, --as-of) still show the old state.
#include <iostream>
#include <unordered_set>

#include "cli/commands.h"
#include "export/history.h"

namespace kg::cli {
namespace {

void RunRetract(const GlobalOptions& g, const std::string& spec) {
  const std::string cmd = "retract";
  auto st = OpenStore(g, cmd, store::OpenMode::kReadWrite);
  ArticleSeq seq = 0;
  {
    auto reader = st->NewReader();
    auto r = exports::ResolveArticle(*reader, spec);
    if (!r.ok()) throw Fail(cmd, r.status().message(), ExitCodeFor(r.status()));
    seq = *r;
    auto e = reader->GetLogEntry(seq);
    if (e && e->retracted) throw Fail(cmd, "article #" + std::to_string(seq) + " is already retracted", kExitUsage);
  }
  auto entry = st->Retract(seq);
  if (!entry.ok()) throw Fail(cmd, entry.status().ToString(), ExitCodeFor(entry.status()));
  // What went: facts of the article visible before the entry and not after.
  store::View before_view;
  before_view.as_of = entry->seq - 1;
  store::View after_view;
  after_view.as_of = entry->seq;
  auto before = st->NewReader(before_view);
  auto after = st->NewReader(after_view);
  std::unordered_set<FactId> facts, gone;
  Status s = before->ScanArticleFacts(seq, [&](const Fact& f, const Evidence&, bool) {
    facts.insert(f.id);
    if (!after->GetFact(f.id)) gone.insert(f.id);
    return true;
  });
  if (!s.ok()) throw Fail(cmd, s.ToString(), ExitCodeFor(s));
  std::cout << "retracted #" << seq << " " << entry->article.id << " \"" << entry->article.title
            << "\" as log entry #" << entry->seq << ": " << gone.size() << " of its " << facts.size()
            << " facts are gone (the others are still stated by other articles)\n"
            << "the state before is still there: --as-of " << entry->seq - 1 << "\n";
}

}  // namespace

void AddRetractCommand(CLI::App& app, GlobalOptions& g) {
  auto spec = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("retract", "Withdraw an article (a correction); recorded in the log");
  sub->add_option("article", *spec, "Article id or seq (see kg log)")->required();
  sub->callback([&g, spec] { RunRetract(g, *spec); });
}

}  // namespace kg::cli
