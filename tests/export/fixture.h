// A small hand-made Subgraph for the writer tests: names that are DOT
// keywords, quotes, backslashes, newlines, XML specials, non-ASCII; a
// negated fact, a hedged one, one repeated by two articles, and facts of the
// newest article.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "export/subgraph.h"
#include "tests/test_util.h"

namespace kg::test {

inline Evidence Ev(ArticleSeq seq, uint32_t sentence, uint64_t begin, uint64_t end, std::string text,
                   std::string surface, std::string attribution, float confidence) {
  Evidence ev;
  ev.article_seq = seq;
  ev.article_id = "a" + std::to_string(seq);
  ev.sentence_index = sentence;
  ev.sentence_begin = begin;
  ev.sentence_end = end;
  ev.sentence = std::move(text);
  ev.surface = std::move(surface);
  ev.attribution = std::move(attribution);
  ev.confidence = confidence;
  return ev;
}

inline exports::Subgraph FixtureGraph() {
  using exports::Mark;
  exports::Subgraph g;
  g.title = "fixture";
  g.newest = 3;
  auto entity = [&](EntityId id, std::string name, EntityType t, std::vector<std::string> aliases,
                    uint64_t mentions, ArticleSeq first) {
    exports::SubEntity se;
    se.entity.id = id;
    se.entity.name = std::move(name);
    se.entity.type = t;
    se.entity.aliases = std::move(aliases);
    se.entity.mentions = mentions;
    se.entity.first_seen = first;
    g.entities.push_back(std::move(se));
  };
  entity(1, "Marco Rubio", EntityType::kPerson, {"Marco Rubio", "Rubio"}, 3, 1);
  entity(2, "Pentagon", EntityType::kOrganization, {"Pentagon", "the Pentagon"}, 2, 1);
  entity(3, "Ukraine", EntityType::kPlace, {"Ukraine"}, 4, 1);
  entity(4, "node", EntityType::kMisc, {"node"}, 1, 3);
  entity(5, "Say \"hi\" \\ back\nslash", EntityType::kConcept, {"Say \"hi\" \\ back\nslash"}, 1, 3);
  entity(6, "Ukrainians", EntityType::kGroup, {"Ukrainians"}, 1, 2);
  entity(7, "S\xC3\xA3o Paulo & <Co>; 'x'", EntityType::kPlace, {"S\xC3\xA3o Paulo & <Co>; 'x'"}, 1, 2);
  entity(8, "strict", EntityType::kOrganization, {"strict"}, 1, 3);
  g.entities[0].mentions = {{1, 0, 11, 0, Mention::Kind::kName}, {2, 40, 45, 1, Mention::Kind::kName}};

  auto fact = [&](FactId id, EntityId s, std::string p, EntityId o, bool neg, Modality m, uint32_t support,
                  float conf, ArticleSeq first, std::string surface, std::vector<Evidence> ev, Mark mark) {
    exports::SubFact sf;
    sf.fact.id = id;
    sf.fact.subject = s;
    sf.fact.predicate = std::move(p);
    sf.fact.object = o;
    sf.fact.negated = neg;
    sf.fact.modality = m;
    sf.fact.support = support;
    sf.fact.confidence = conf;
    sf.fact.first_seen = first;
    sf.fact.surface = std::move(surface);
    sf.evidence = std::move(ev);
    sf.mark = mark;
    g.facts.push_back(std::move(sf));
  };
  fact(10, 1, "warn", 3, false, Modality::kAsserted, 2, 0.8f, 1, "warned",
       {Ev(1, 0, 0, 42, "Marco Rubio warned Ukraine on Monday.", "warned", "", 0.8f),
        Ev(2, 1, 30, 80, "Rubio warned Ukraine again, NBC News said.", "warned", "NBC News", 0.7f)},
       Mark::kNone);
  fact(11, 2, "supply", 3, true, Modality::kAsserted, 1, 0.6f, 1, "cannot continue supplying",
       {Ev(1, 2, 90, 150, "The Pentagon cannot continue supplying Ukraine.", "cannot continue supplying", "",
           0.6f)},
       Mark::kNone);
  fact(12, 1, "disagree_with", 2, false, Modality::kPossible, 1, 0.5f, 2, "may disagree with",
       {Ev(2, 3, 100, 160, "Rubio may disagree with the Pentagon.", "may disagree with", "", 0.5f)},
       Mark::kNone);
  fact(13, 4, "say", 5, false, Modality::kAsserted, 1, 0.9f, 3, "said",
       {Ev(3, 0, 0, 35, "Node said \"hi\" \\ back\nslash.", "said", "", 0.9f)}, Mark::kNewest);
  fact(14, 6, "visit", 7, false, Modality::kAsserted, 4, 0.75f, 2, "visited",
       {Ev(2, 4, 170, 200, "Ukrainians visited S\xC3\xA3o Paulo.", "visited", "", 0.75f),
        Ev(3, 1, 36, 70, "Ukrainians visited S\xC3\xA3o Paulo again.", "visited", "", 0.7f)},
       Mark::kNewest);
  fact(15, 8, "criticize", 1, false, Modality::kReported, 1, 0.4f, 3, "reportedly criticised",
       {Ev(3, 2, 71, 120, "strict reportedly criticised Rubio.", "reportedly criticised", "Reuters", 0.4f)},
       Mark::kNewest);

  auto article = [&](ArticleSeq seq, std::string title, std::string date, std::string url) {
    Article a;
    a.seq = seq;
    a.id = "a" + std::to_string(seq);
    a.title = std::move(title);
    a.date = std::move(date);
    a.source = "Test \"wire\"";
    a.url = std::move(url);
    a.content_hash = "hash" + std::to_string(seq);
    a.bytes = 100 * seq;
    g.articles.push_back(std::move(a));
  };
  article(1, "Rubio warns Ukraine", "2025-03-01", "https://example.org/a1");
  article(2, "Rift, \"deepens\"", "2025-03-02", "https://example.org/a 2");
  article(3, "Node says hi", "", "");
  g.Sort();
  return g;
}

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

inline void WriteFile(const std::filesystem::path& p, const std::string& content) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << content;
}

// Runs a shell command; returns its exit status and fills `output` with stdout+stderr.
inline int Run(const std::string& command, std::string* output) {
  const std::string tmp = (std::filesystem::temp_directory_path() /
                           ("kg-run-" + std::to_string(::getpid()) + ".out")).string();
  const int rc = std::system((command + " >" + tmp + " 2>&1").c_str());
  if (output != nullptr) *output = ReadFile(tmp);
  std::filesystem::remove(tmp);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline bool HaveTool(const std::string& tool) {
  return Run("command -v " + tool, nullptr) == 0;
}

// Compares `actual` with tests/export/golden/<name>; KG_UPDATE_GOLDEN=1 rewrites it.
inline std::string Golden(const std::string& name, const std::string& actual) {
  const std::filesystem::path p = std::filesystem::path(KG_SOURCE_DIR) / "tests/export/golden" / name;
  if (const char* u = std::getenv("KG_UPDATE_GOLDEN"); u != nullptr && std::string(u) == "1") {
    WriteFile(p, actual);
  }
  return ReadFile(p);
}

}  // namespace kg::test
