// kg stats: counts and database size, the most central entities and how
// their rank changed; --growth: per article growth as a table, CSV, JSON or
// an SVG chart (--plot).
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "export/chart.h"
#include "export/history.h"

namespace kg::cli {
namespace {

struct StatsOptions {
  std::string as_of;
  bool growth = false;
  std::string format = "table";
  std::string plot;
  size_t top = 10;
  std::string measure = "pagerank";
  std::string compare;
};

std::string HumanBytes(uint64_t b) {
  char buf[32];
  if (b >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(b) / (1ull << 30));
  else if (b >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(b) / (1ull << 20));
  else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(b) / 1024);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  return buf;
}

void PrintGrowth(const std::vector<exports::GrowthRow>& rows, const std::string& format) {
  if (format == "json") {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& r : rows) {
      arr.push_back({{"seq", r.seq}, {"kind", r.retraction ? "retraction" : "article"}, {"id", r.article_id},
                     {"date", r.date}, {"entities", r.entities}, {"facts", r.facts},
                     {"new_entities", r.new_entities}, {"new_facts", r.new_facts},
                     {"reinforced_facts", r.reinforced_facts}, {"lost_facts", r.lost_facts},
                     {"mentions", r.mentions}, {"merged_mentions", r.merged_mentions}});
    }
    std::cout << arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  if (format == "csv") {
    std::cout << "seq,kind,id,date,entities,facts,new_entities,new_facts,reinforced_facts,lost_facts,mentions,"
                 "merged_mentions\n";
    for (const auto& r : rows) {
      std::string id = r.article_id;
      if (id.find_first_of(",\"\n") != std::string::npos) {
        std::string q = "\"";
        for (char c : id) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        id = q + "\"";
      }
      std::cout << r.seq << "," << (r.retraction ? "retraction" : "article") << "," << id << "," << r.date << ","
                << r.entities << "," << r.facts << "," << r.new_entities << "," << r.new_facts << ","
                << r.reinforced_facts << "," << r.lost_facts << "," << r.mentions << "," << r.merged_mentions
                << "\n";
    }
    return;
  }
  std::cout << std::right << std::setw(6) << "seq" << "  " << std::setw(10) << "date" << std::setw(10) << "entities"
            << std::setw(8) << "facts" << std::setw(9) << "+entity" << std::setw(8) << "+fact" << std::setw(12)
            << "reinforced" << std::setw(10) << "mentions" << std::setw(10) << "attached" << "\n";
  for (const auto& r : rows) {
    std::cout << std::setw(6) << r.seq << "  " << std::setw(10) << (r.date.empty() ? "-" : r.date) << std::setw(10)
              << r.entities << std::setw(8) << r.facts;
    if (r.retraction) {
      std::cout << "   retraction: -" << r.lost_facts << " facts\n";
      continue;
    }
    std::cout << std::setw(9) << r.new_entities << std::setw(8) << r.new_facts << std::setw(12)
              << r.reinforced_facts << std::setw(10) << r.mentions << std::setw(10) << r.merged_mentions << "\n";
  }
  std::cout << "(attached: mentions that joined an entity already in the graph)\n";
}

void Plot(const std::string& cmd, const std::vector<exports::GrowthRow>& rows, const std::string& path) {
  exports::LineChart c;
  c.title = "Growth of the knowledge graph across articles";
  c.x_label = "log entry (article seq)";
  c.y_label = "count";
  exports::ChartSeries entities{"entities", {}, "", false};
  exports::ChartSeries facts{"facts", {}, "", false};
  exports::ChartSeries attached{"mentions attached to known entities (cumulative)", {}, "", true};
  uint64_t merged = 0;
  for (const auto& r : rows) {
    merged += r.merged_mentions;
    c.x.push_back(static_cast<double>(r.seq));
    entities.values.push_back(static_cast<double>(r.entities));
    facts.values.push_back(static_cast<double>(r.facts));
    attached.values.push_back(static_cast<double>(merged));
  }
  c.series = {entities, facts, attached};
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << exports::WriteSvgLineChart(c);
  f.close();
  if (!f) throw Fail(cmd, "cannot write " + path);
}

void RunStats(const GlobalOptions& g, const StatsOptions& o) {
  const std::string cmd = "stats";
  auto st = OpenStore(g, cmd, store::OpenMode::kReadOnly);
  auto latest = st->NewReader();
  ArticleSeq as_of = latest->LastSeq();
  if (!o.as_of.empty()) {
    auto p = exports::ResolvePoint(*latest, o.as_of);
    if (!p.ok()) throw Fail(cmd, "--as-of: " + p.status().message(), kExitUsage);
    as_of = *p;
  }
  auto rows = exports::Growth(*st, as_of);
  if (!rows.ok()) throw Fail(cmd, rows.status().ToString(), ExitCodeFor(rows.status()));
  if (!o.plot.empty()) {
    Plot(cmd, *rows, o.plot);
    if (!g.quiet) std::cerr << "kg stats: wrote " << o.plot << " (" << rows->size() << " log entries)\n";
  }
  if (o.growth) {
    PrintGrowth(*rows, o.format);
    return;
  }
  // Counts: at the latest state from the store; as of a point from the log.
  uint64_t articles = 0;  // articles in the graph: ingested minus withdrawn
  for (const auto& r : *rows) {
    if (!r.retraction) ++articles;
    else if (articles > 0) --articles;
  }
  uint64_t entities = rows->empty() ? 0 : rows->back().entities;
  uint64_t facts = rows->empty() ? 0 : rows->back().facts;
  auto stats = st->Stats();
  if (!stats.ok()) throw Fail(cmd, stats.status().ToString(), ExitCodeFor(stats.status()));
  if (o.as_of.empty()) {
    // The latest state: the store's own counters (they also reflect kg merge).
    articles = stats->articles;
    entities = stats->entities;
    facts = stats->facts;
  }

  ArticleSeq before = as_of > 0 ? as_of - 1 : 0;
  if (!o.compare.empty()) {
    auto p = exports::ResolvePoint(*latest, o.compare);
    if (!p.ok()) throw Fail(cmd, "--compare: " + p.status().message(), kExitUsage);
    before = *p;
  }
  const auto measure = o.measure == "betweenness" ? exports::Centrality::kBetweenness : exports::Centrality::kPageRank;
  auto central = exports::Central(*st, as_of, before, o.top, measure);
  if (!central.ok()) throw Fail(cmd, central.status().ToString(), ExitCodeFor(central.status()));

  if (o.format == "json") {
    nlohmann::ordered_json j;
    j["as_of"] = as_of;
    j["articles"] = articles;
    j["entities"] = entities;
    j["facts"] = facts;
    if (o.as_of.empty()) {
      j["evidence"] = stats->evidence;
    }
    j["disk_bytes"] = stats->disk_bytes;
    j["centrality"] = o.measure;
    j["compared_with"] = before;
    nlohmann::ordered_json top = nlohmann::ordered_json::array();
    for (const auto& r : *central) {
      nlohmann::ordered_json e = {{"rank", r.rank}, {"id", r.entity.id}, {"name", r.entity.name},
                                  {"type", EntityTypeName(r.entity.type)}, {"score", r.score}};
      e["previous_rank"] = r.previous_rank ? nlohmann::ordered_json(*r.previous_rank) : nlohmann::ordered_json();
      top.push_back(std::move(e));
    }
    j["most_central"] = std::move(top);
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  std::cout << "database   " << g.db_path << "  (" << HumanBytes(stats->disk_bytes) << ", " << stats->disk_bytes
            << " bytes)\n";
  if (!o.as_of.empty()) std::cout << "as of      #" << as_of << "\n";
  std::cout << "articles   " << articles << "\n"
            << "entities   " << entities << "\n"
            << "facts      " << facts << "\n";
  if (o.as_of.empty()) std::cout << "evidence   " << stats->evidence << "\n";
  if (central->empty()) return;
  std::cout << "\nMost central entities (" << o.measure << "; rank change since #" << before << "):\n";
  for (const auto& r : *central) {
    std::string change = "new";
    if (r.previous_rank) {
      const int d = static_cast<int>(*r.previous_rank) - static_cast<int>(r.rank);
      change = d > 0 ? "up " + std::to_string(d) : d < 0 ? "down " + std::to_string(-d) : "=";
    }
    char score[32];
    std::snprintf(score, sizeof score, "%.4f", r.score);
    std::cout << std::right << std::setw(4) << r.rank << "  " << std::left << std::setw(32) << r.entity.name
              << std::setw(14) << EntityTypeName(r.entity.type) << score << "  " << change << "\n";
  }
}

}  // namespace

void AddStatsCommand(CLI::App& app, GlobalOptions& g) {
  auto o = std::make_shared<StatsOptions>();
  CLI::App* sub = app.add_subcommand("stats", "Counts, database size, most central entities; --growth per article");
  sub->add_option("--as-of", o->as_of, "As after this article (id, seq) or date YYYY-MM-DD");
  sub->add_flag("--growth", o->growth, "Per log entry: entities, facts, new ones, attached mentions");
  sub->add_option("--format", o->format, "table (default), csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  sub->add_option("--plot", o->plot, "Write the growth as an SVG line chart to FILE");
  sub->add_option("--top", o->top, "How many central entities (default 10)")->capture_default_str();
  sub->add_option("--measure", o->measure, "pagerank (default) or betweenness")
      ->check(CLI::IsMember({"pagerank", "betweenness"}));
  sub->add_option("--compare", o->compare, "Rank change since this point (default: the entry before)");
  sub->callback([&g, o] { RunStats(g, *o); });
}

}  // namespace kg::cli
