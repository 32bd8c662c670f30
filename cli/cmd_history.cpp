// kg history NAME: the timeline of one entity, every fact about it in date
// order with the article that first said it and those that repeated it.
// kg blame SUBJECT PREDICATE OBJECT: the same for one fact.
#include <cmath>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "export/history.h"

namespace kg::cli {
namespace {

nlohmann::ordered_json ItemJson(const exports::TimelineItem& it) {
  nlohmann::ordered_json arts = nlohmann::ordered_json::array();
  for (const Article& a : it.articles) {
    arts.push_back({{"seq", a.seq}, {"id", a.id}, {"date", a.date}, {"title", a.title}});
  }
  nlohmann::ordered_json ev = nlohmann::ordered_json::array();
  for (const Evidence& e : it.evidence) {
    ev.push_back({{"article_seq", e.article_seq}, {"sentence_index", e.sentence_index},
                  {"sentence_begin", e.sentence_begin}, {"sentence_end", e.sentence_end},
                  {"sentence", e.sentence}, {"attribution", e.attribution},
                  {"confidence", std::round(static_cast<double>(e.confidence) * 1000.0) / 1000.0}});
  }
  return {{"fact", it.fact.fact.id},
          {"subject", it.fact.subject},
          {"predicate", it.fact.fact.predicate},
          {"object", it.fact.object},
          {"negated", it.fact.fact.negated},
          {"modality", ModalityName(it.fact.fact.modality)},
          {"first_date", it.first_date},
          {"articles", std::move(arts)},
          {"evidence", std::move(ev)}};
}

void PrintItem(const exports::TimelineItem& it, bool sentences) {
  std::cout << (it.first_date.empty() ? "     -    " : it.first_date) << "  " << it.fact.Text() << "\n";
  for (size_t i = 0; i < it.articles.size(); ++i) {
    const Article& a = it.articles[i];
    std::cout << "            " << (i == 0 ? "first said by " : "repeated by   ") << "#" << a.seq << " " << a.id
              << (a.date.empty() ? "" : " (" + a.date + ")") << "  " << a.title << "\n";
  }
  if (sentences) {
    for (const Evidence& e : it.evidence) {
      std::cout << "              #" << e.article_seq << " [" << e.sentence_index << "] " << e.sentence;
      if (!e.attribution.empty()) std::cout << "  (according to " << e.attribution << ")";
      std::cout << "\n";
    }
  }
}

std::unique_ptr<store::Reader> ReaderAsOf(const store::Store& st, const std::string& cmd, const std::string& as_of) {
  store::View v;
  if (!as_of.empty()) {
    auto latest = st.NewReader();
    auto p = exports::ResolvePoint(*latest, as_of);
    if (!p.ok()) throw Fail(cmd, "--as-of: " + p.status().message(), kExitUsage);
    v.as_of = *p;
  }
  return st.NewReader(v);
}

}  // namespace

void AddHistoryCommand(CLI::App& app, GlobalOptions& g) {
  struct Opts {
    std::string name;
    std::string as_of;
    bool json = false;
    bool sentences = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand("history", "Timeline of one entity: its facts in date order, who said them first");
  sub->add_option("name", o->name, "Entity name or alias")->required();
  sub->add_option("--as-of", o->as_of, "As after this article (id, seq) or date");
  sub->add_flag("--sentences", o->sentences, "Also print every evidence sentence");
  sub->add_flag("--json", o->json, "JSON instead of text");
  sub->callback([&g, o] {
    const std::string cmd = "history";
    auto st = OpenStore(g, cmd, store::OpenMode::kReadOnly);
    auto reader = ReaderAsOf(*st, cmd, o->as_of);
    auto t = exports::History(*reader, o->name);
    if (!t.ok()) throw Fail(cmd, t.status().message(), ExitCodeFor(t.status()));
    if (o->json) {
      nlohmann::ordered_json j;
      j["entity"] = {{"id", t->entity.id}, {"name", t->entity.name}, {"type", EntityTypeName(t->entity.type)},
                     {"aliases", t->entity.aliases}, {"mentions", t->entity.mentions},
                     {"first_seen", t->entity.first_seen}};
      nlohmann::ordered_json items = nlohmann::ordered_json::array();
      for (const auto& it : t->items) items.push_back(ItemJson(it));
      j["timeline"] = std::move(items);
      std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return;
    }
    const Entity& e = t->entity;
    std::cout << e.name << " (" << EntityTypeName(e.type) << ", " << e.mentions << " mentions, first seen in #"
              << e.first_seen << ")\n";
    if (e.aliases.size() > 1) {
      std::cout << "also called: ";
      for (size_t i = 0; i < e.aliases.size(); ++i) std::cout << (i ? ", " : "") << e.aliases[i];
      std::cout << "\n";
    }
    if (!t->other_matches.empty()) {
      std::cout << "(" << t->other_matches.size() << " other entities share this name; showing the most mentioned)\n";
    }
    std::cout << "\n";
    if (t->items.empty()) std::cout << "no facts about it in this view\n";
    for (const auto& it : t->items) PrintItem(it, o->sentences);
  });
}

void AddBlameCommand(CLI::App& app, GlobalOptions& g) {
  struct Opts {
    std::string s, p, o;
    std::string as_of;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand("blame", "Which articles said one fact, and in which sentences");
  sub->add_option("subject", o->s, "Subject name")->required();
  sub->add_option("predicate", o->p, "Predicate label (warn, disagree_with or \"disagree with\")")->required();
  sub->add_option("object", o->o, "Object name")->required();
  sub->add_option("--as-of", o->as_of, "As after this article (id, seq) or date");
  sub->add_flag("--json", o->json, "JSON instead of text");
  sub->callback([&g, o] {
    const std::string cmd = "blame";
    auto st = OpenStore(g, cmd, store::OpenMode::kReadOnly);
    auto reader = ReaderAsOf(*st, cmd, o->as_of);
    auto items = exports::Blame(*reader, o->s, o->p, o->o);
    if (!items.ok()) throw Fail(cmd, items.status().message(), ExitCodeFor(items.status()));
    if (o->json) {
      nlohmann::ordered_json arr = nlohmann::ordered_json::array();
      for (const auto& it : *items) arr.push_back(ItemJson(it));
      std::cout << arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return;
    }
    for (const auto& it : *items) PrintItem(it, true);
  });
}

}  // namespace kg::cli
