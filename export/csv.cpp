// CSV in the layout `neo4j-admin database import full` takes: header rows
// with :ID / :START_ID / :END_ID / :TYPE / :LABEL and typed properties,
// arrays split on ';' (the tool's default --array-delimiter). Newlines inside
// fields become spaces because the importer rejects multi-line fields unless
// --multiline-fields=true.
#include <filesystem>
#include <fstream>
#include <map>

#include "export/text_util.h"
#include "export/writers.h"

namespace kg::exports {

std::string CsvField(std::string_view raw) {
  std::string s = internal::ValidUtf8(raw);
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (s.find_first_of(",\"") == std::string::npos && (s.empty() || (s.front() != ' ' && s.back() != ' '))) {
    return s;
  }
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

namespace {

std::string Label(EntityType t) {
  switch (t) {
    case EntityType::kPerson: return "Person";
    case EntityType::kOrganization: return "Organization";
    case EntityType::kPlace: return "Place";
    case EntityType::kGroup: return "Group";
    case EntityType::kMisc: return "Misc";
    case EntityType::kConcept: return "Concept";
  }
  return "Misc";
}

// "disagree_with" -> "DISAGREE_WITH"; anything else than [A-Za-z0-9_] -> '_'.
std::string RelType(std::string_view predicate, bool negated) {
  std::string t = negated ? "NOT_" : "";
  for (char c : predicate) {
    if (c >= 'a' && c <= 'z') t += static_cast<char>(c - 'a' + 'A');
    else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') t += c;
    else t += '_';
  }
  if (t.empty() || (t[0] >= '0' && t[0] <= '9')) t = "R_" + t;
  return t;
}

std::string ArrayItem(std::string s) {
  for (char& c : s) {
    if (c == ';') c = ',';
  }
  return s;
}

}  // namespace

std::map<std::string, std::string> WriteCsv(const Subgraph& g) {
  std::map<std::string, std::string> files;
  std::string& ents = files["entities.csv"];
  ents = "entityId:ID(Entity),name,type,aliases:string[],mentions:long,firstSeen:long,:LABEL\n";
  for (const SubEntity& se : g.entities) {
    const Entity& e = se.entity;
    std::string aliases;
    for (const std::string& a : e.aliases) aliases += (aliases.empty() ? "" : ";") + ArrayItem(a);
    ents += std::to_string(e.id) + "," + CsvField(e.name) + "," + std::string(EntityTypeName(e.type)) +
            "," + CsvField(aliases) + "," + std::to_string(e.mentions) + "," +
            std::to_string(e.first_seen) + ",Entity;" + Label(e.type) + "\n";
  }
  std::string& arts = files["articles.csv"];
  arts = "articleSeq:ID(Article),id,title,date,source,url,:LABEL\n";
  for (const Article& a : g.articles) {
    arts += std::to_string(a.seq) + "," + CsvField(a.id) + "," + CsvField(a.title) + "," +
            CsvField(a.date) + "," + CsvField(a.source) + "," + CsvField(a.url) + ",Article\n";
  }
  std::string& facts = files["facts.csv"];
  facts = ":START_ID(Entity),:END_ID(Entity),:TYPE,factId:long,predicate,negated:boolean,modality,"
          "support:int,confidence:float,firstSeen:long,surface,articles:long[]\n";
  std::map<std::pair<ArticleSeq, EntityId>, uint32_t> mentions;
  for (const SubFact& sf : g.facts) {
    const Fact& f = sf.fact;
    std::string articles;
    ArticleSeq last = 0;
    for (const Evidence& ev : sf.evidence) {
      if (ev.article_seq == last) continue;
      last = ev.article_seq;
      articles += (articles.empty() ? "" : ";") + std::to_string(ev.article_seq);
      ++mentions[{ev.article_seq, f.subject}];
      ++mentions[{ev.article_seq, f.object}];
    }
    facts += std::to_string(f.subject) + "," + std::to_string(f.object) + "," +
             RelType(f.predicate, f.negated) + "," + std::to_string(f.id) + "," + CsvField(f.predicate) +
             "," + (f.negated ? "true" : "false") + "," + std::string(ModalityName(f.modality)) + "," +
             std::to_string(f.support) + "," + internal::FormatNumber(f.confidence, 3) + "," +
             std::to_string(f.first_seen) + "," + CsvField(f.surface) + "," + articles + "\n";
  }
  std::string& ment = files["mentions.csv"];
  ment = ":START_ID(Article),:END_ID(Entity),:TYPE,facts:int\n";
  for (const auto& [key, count] : mentions) {
    if (g.FindArticle(key.first) == nullptr) continue;  // the article node must exist
    ment += std::to_string(key.first) + "," + std::to_string(key.second) + ",MENTIONS," +
            std::to_string(count) + "\n";
  }
  return files;
}

Status WriteCsvDir(const Subgraph& g, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create directory " + dir + ": " + ec.message());
  for (const auto& [name, content] : WriteCsv(g)) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << content;
    f.close();
    if (!f) return Status::IoError("cannot write " + path);
  }
  return Status::Ok();
}

}  // namespace kg::exports
