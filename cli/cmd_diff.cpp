// kg diff A B: what changed between two points in the log (articles by id or
// seq, or dates): entities and facts added, reinforced and retracted.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "export/history.h"
#include "export/render.h"
#include "export/writers.h"

namespace kg::cli {
namespace {

struct DiffOptions {
  std::string a;
  std::string b;
  std::string format = "text";
  std::string out;
  size_t limit = 50;
};

nlohmann::ordered_json FactsJson(const std::vector<exports::DiffFact>& facts) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& df : facts) {
    nlohmann::ordered_json ev = nlohmann::ordered_json::array();
    for (const Evidence& e : df.evidence) {
      ev.push_back({{"article_seq", e.article_seq}, {"article", e.article_id}, {"sentence_index", e.sentence_index},
                    {"sentence", e.sentence}});
    }
    arr.push_back({{"fact", df.fact.fact.id}, {"subject", df.fact.subject}, {"predicate", df.fact.fact.predicate},
                   {"object", df.fact.object}, {"negated", df.fact.fact.negated},
                   {"modality", ModalityName(df.fact.fact.modality)}, {"support", df.fact.fact.support},
                   {"evidence", std::move(ev)}});
  }
  return arr;
}

void Emit(const std::string& cmd, const std::string& out, const std::string& text) {
  if (out.empty() || out == "-") {
    std::cout << text;
    return;
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) throw Fail(cmd, "cannot write " + out);
}

void RunDiff(const GlobalOptions& g, const DiffOptions& o) {
  const std::string cmd = "diff";
  auto st = OpenStore(g, cmd, store::OpenMode::kReadOnly);
  auto latest = st->NewReader();
  auto a = exports::ResolvePoint(*latest, o.a);
  if (!a.ok()) throw Fail(cmd, a.status().message(), kExitUsage);
  auto b = exports::ResolvePoint(*latest, o.b);
  if (!b.ok()) throw Fail(cmd, b.status().message(), kExitUsage);
  ArticleSeq from = *a, to = *b;
  if (from > to) std::swap(from, to);
  auto d = exports::ComputeDiff(*st, from, to);
  if (!d.ok()) throw Fail(cmd, d.status().ToString(), ExitCodeFor(d.status()));

  if (o.format == "json") {
    nlohmann::ordered_json j;
    j["from"] = d->from;
    j["to"] = d->to;
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    for (const auto& e : d->entries) {
      entries.push_back({{"seq", e.seq},
                         {"kind", e.kind == store::LogEntry::Kind::kArticle ? "article" : "retraction"},
                         {"id", e.article.id},
                         {"date", e.article.date}});
    }
    j["entries"] = std::move(entries);
    j["new_entities"] = d->new_entities;
    nlohmann::ordered_json ents = nlohmann::ordered_json::array();
    for (const Entity& e : d->added_entities) {
      ents.push_back({{"id", e.id}, {"name", e.name}, {"type", EntityTypeName(e.type)}, {"first_seen", e.first_seen}});
    }
    j["added_entities"] = std::move(ents);
    j["added"] = FactsJson(d->added);
    j["reinforced"] = FactsJson(d->reinforced);
    j["retracted"] = FactsJson(d->retracted);
    Emit(cmd, o.out, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return;
  }
  if (o.format == "dot" || o.format == "svg" || o.format == "png") {
    exports::Subgraph sub = exports::DiffSubgraph(*st, *d);
    const std::string dot = exports::WriteDot(sub);
    if (o.format == "dot") return Emit(cmd, o.out, dot);
    if (o.out.empty() || o.out == "-") throw Fail(cmd, "--format " + o.format + " needs --out FILE", kExitUsage);
    Status s = exports::RenderDot(dot, exports::DotEngineFor(sub), o.format, o.out);
    if (!s.ok()) throw Fail(cmd, s.message());
    return;
  }
  std::cout << "diff #" << d->from << " .. #" << d->to << ": " << d->entries.size() << " log entries, +"
            << d->new_entities << " entities, +" << d->added.size() << " facts, " << d->reinforced.size()
            << " reinforced, " << d->retracted.size() << " retracted\n";
  for (const auto& e : d->entries) {
    std::cout << "  #" << e.seq << " " << (e.kind == store::LogEntry::Kind::kArticle ? "" : "RETRACT ") << e.article.id
              << "  " << e.article.date << "  " << e.article.title << "\n";
  }
  auto list = [&](const char* title, const std::vector<exports::DiffFact>& facts, const char* sign) {
    if (facts.empty()) return;
    std::cout << "\n" << title << " (" << facts.size() << "):\n";
    size_t n = 0;
    for (const auto& df : facts) {
      if (n++ == o.limit) {
        std::cout << "  ... " << facts.size() - o.limit << " more (--limit 0 for all)\n";
        break;
      }
      std::cout << "  " << sign << " " << df.fact.Text();
      if (!df.evidence.empty()) std::cout << "   [#" << df.evidence.front().article_seq << "]";
      std::cout << "\n";
    }
  };
  if (!d->added_entities.empty()) {
    std::cout << "\nNew entities with facts (" << d->added_entities.size() << "):\n  ";
    size_t n = 0;
    for (const Entity& e : d->added_entities) {
      if (o.limit != 0 && n++ == o.limit) {
        std::cout << "...";
        break;
      }
      std::cout << e.name << " (" << EntityTypeName(e.type) << ")  ";
    }
    std::cout << "\n";
  }
  list("Added facts", d->added, "+");
  list("Reinforced facts", d->reinforced, "=");
  list("Retracted facts", d->retracted, "-");
}

}  // namespace

void AddDiffCommand(CLI::App& app, GlobalOptions& g) {
  auto o = std::make_shared<DiffOptions>();
  CLI::App* sub = app.add_subcommand("diff", "What changed between two points: facts added, reinforced, retracted");
  sub->add_option("from", o->a, "Article id or seq, or a date YYYY-MM-DD (0: the empty graph)")->required();
  sub->add_option("to", o->b, "Article id or seq, or a date YYYY-MM-DD")->required();
  sub->add_option("--format", o->format, "text (default), json, dot, svg or png")
      ->check(CLI::IsMember({"text", "json", "dot", "svg", "png"}));
  sub->add_option("-o,--out", o->out, "Output file (default stdout; required for svg/png)");
  sub->add_option("--limit", o->limit, "Facts listed per section in text (default 50, 0: all)");
  sub->footer("Example: kg diff 3 7 --format svg --out diff.svg   (green: added, blue: reinforced)");
  sub->callback([&g, o] {
    DiffOptions copy = *o;
    if (copy.limit == 0) copy.limit = SIZE_MAX;
    RunDiff(g, copy);
  });
}

}  // namespace kg::cli
