// kg-bench-meantime: entity quality on NewsReader MEANTIME (dev topics).
//  1. named-mention F1: gold NAM mentions of PER/ORG/LOC vs our name mentions
//     typed person/organization/place (exact byte span and type);
//  2. cross-article merges: every article is committed, in order, to a fresh
//     store; for pairs of gold named mentions in different articles, the share
//     of same-instance pairs that land on one kg entity, and the share of
//     different-instance pairs that are merged.
//   kg-bench-meantime MEANTIME_DIR [MODEL_DIR]
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <cctype>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "bench/tool_args.h"
#include "extract/extractor.h"
#include "store/store.h"

using namespace kg;

namespace {
// Gold offsets count characters (code points); ours count UTF-8 bytes.
std::vector<uint64_t> ByteToChar(const std::string& text) {
  std::vector<uint64_t> out(text.size() + 1, 0);
  uint64_t c = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    out[i] = c;
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++c;
  }
  // A byte offset at a continuation byte never occurs for token bounds.
  out[text.size()] = c;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) out[i] = out[i] + 1;
  }
  return out;
}

struct GoldMention {
  size_t article;
  uint64_t begin, end;
  EntityType type;
  std::string instance;
};
}  // namespace

int main(int argc, char** argv) {
  if (kg::bench::WantsHelp(argc, argv)) {
    std::cout << "usage: kg-bench-meantime MEANTIME_DIR [MODEL_DIR]\n"
                 "Named-mention F1 and cross-article merges on MEANTIME (docs/extraction.md).\n";
    return 0;
  }
  if (argc < 2) {
    std::cerr << "usage: kg-bench-meantime MEANTIME_DIR [MODEL_DIR]\n";
    return 2;
  }
  std::string dir = argv[1];
  extract::ExtractorOptions eo;
  if (argc > 2) eo.model_dir = argv[2];
  eo.allow_heuristic_fallback = false;
  auto ex = extract::MakeExtractor(eo);
  if (!ex.ok()) {
    std::cerr << "kg-bench-meantime: " << ex.status().ToString() << "\n";
    return 1;
  }
  std::vector<nlohmann::json> articles;
  std::map<std::string, size_t> index;
  {
    std::ifstream in(dir + "/articles.jsonl");
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      articles.push_back(nlohmann::json::parse(line));
      index[articles.back()["id"].get<std::string>()] = articles.size() - 1;
    }
  }
  std::vector<GoldMention> gold;
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> annotated(articles.size());  // every gold entity span
  // Named mentions: syntactic type NAM or PRE.NAM, plus mentions with no
  // syntactic type whose exact text is annotated NAM elsewhere in the corpus
  // (about a third of the names, e.g. most "Boeing", carry no type).
  std::set<std::string> nam_texts;
  {
    std::ifstream in(dir + "/gold_annotations.jsonl");
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line);
      for (const auto& m : j["mentions"]) {
        if (m.value("kind", "") == "entity" && m.value("syntactic_type", "") == "NAM") nam_texts.insert(m.value("text", ""));
      }
    }
  }
  {
    std::ifstream in(dir + "/gold_annotations.jsonl");
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line);
      auto it = index.find(j["id"].get<std::string>());
      if (it == index.end()) continue;
      for (const auto& m : j["mentions"]) {
        if (m.value("kind", "") != "entity") continue;
        annotated[it->second].emplace_back(m["start"].get<uint64_t>(), m["end"].get<uint64_t>());
        const bool has_type = m.contains("syntactic_type") && m["syntactic_type"].is_string();
        const std::string syn = has_type ? m["syntactic_type"].get<std::string>() : "";
        if (!(syn == "NAM" || syn == "PRE.NAM" || (!has_type && nam_texts.count(m.value("text", ""))))) continue;
        std::string t = m.value("type", "");
        EntityType et;
        if (t == "PER") et = EntityType::kPerson;
        else if (t == "ORG") et = EntityType::kOrganization;
        else if (t == "LOC") et = EntityType::kPlace;
        else continue;
        gold.push_back({it->second, m["start"].get<uint64_t>(), m["end"].get<uint64_t>(), et, m.value("instance", "")});
      }
    }
  }
  if (articles.empty() || gold.empty()) {
    std::cerr << "kg-bench-meantime: no articles or gold mentions under " << dir << "\n";
    return 1;
  }
  // A fresh store for the cross-article part.
  auto db_path = std::filesystem::temp_directory_path() / ("kg-bench-meantime-" + std::to_string(::getpid()));
  std::filesystem::remove_all(db_path);
  auto st = store::Store::Open(db_path.string(), store::OpenMode::kReadWrite);
  if (!st.ok()) {
    std::cerr << "kg-bench-meantime: " << st.status().ToString() << "\n";
    return 1;
  }
  std::set<std::tuple<size_t, uint64_t, uint64_t, EntityType>> pred;
  std::map<ArticleSeq, size_t> seq_to_article;
  std::vector<std::vector<uint64_t>> byte_to_char;
  uint64_t tokens = 0;
  for (size_t a = 0; a < articles.size(); ++a) {
    std::string text = articles[a]["text"].get<std::string>();
    Extraction x = ex.value()->Extract(text);
    tokens += x.tokens;
    auto b2c = ByteToChar(text);
    byte_to_char.push_back(b2c);
    for (const auto& m : x.mentions) {
      if (m.kind != Mention::Kind::kName) continue;
      EntityType t = x.entities[static_cast<size_t>(m.entity)].type;
      if (t != EntityType::kPerson && t != EntityType::kOrganization && t != EntityType::kPlace) continue;
      pred.insert({a, b2c[m.begin], b2c[m.end], t});
    }
    Article art;
    art.id = articles[a]["id"].get<std::string>();
    art.title = articles[a].value("title", "");
    art.date = articles[a].value("date", "");
    auto r = st.value()->Commit(art, text, x);
    if (!r.ok()) {
      std::cerr << "kg-bench-meantime: commit " << art.id << ": " << r.status().ToString() << "\n";
      return 1;
    }
    seq_to_article[r.value().seq] = a;
  }
  // 1. Named-mention F1.
  long tp = 0, tp_span = 0;
  std::set<std::tuple<size_t, uint64_t, uint64_t>> pred_spans;
  for (const auto& p : pred) pred_spans.insert({std::get<0>(p), std::get<1>(p), std::get<2>(p)});
  for (const auto& g : gold) {
    tp += pred.count({g.article, g.begin, g.end, g.type}) > 0;
    tp_span += pred_spans.count({g.article, g.begin, g.end}) > 0;
  }
  auto f1 = [](double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0.0; };
  double P = double(tp) / static_cast<double>(pred.size()), R = double(tp) / static_cast<double>(gold.size());
  double Ps = double(tp_span) / static_cast<double>(pred.size()), Rs = double(tp_span) / static_cast<double>(gold.size());
  std::printf("articles %zu  tokens %lu  gold named mentions %zu  predicted %zu\n", articles.size(),
              static_cast<unsigned long>(tokens), gold.size(), pred.size());
  std::printf("named-mention (span+type)  P %.1f  R %.1f  F1 %.1f\n", 100 * P, 100 * R, 100 * f1(P, R));
  std::printf("named-mention (span only)  P %.1f  R %.1f  F1 %.1f\n", 100 * Ps, 100 * Rs, 100 * f1(Ps, Rs));
  // Lenient: MEANTIME spans include determiners, titles and appositions
  // ("the United States", "Senator John McCain"), and only mentions of event
  // participants are annotated. A prediction matches a gold name it lies in
  // when both end at the same word; precision counts only predictions that
  // overlap some annotated entity mention (unannotated names are not judged).
  std::vector<std::u32string> chars(articles.size());
  for (size_t a = 0; a < articles.size(); ++a) {
    std::string t = articles[a]["text"].get<std::string>();
    for (size_t i = 0; i < t.size(); ++i) {
      if ((static_cast<unsigned char>(t[i]) & 0xC0) != 0x80) chars[a].push_back(static_cast<unsigned char>(t[i]) < 0x80 ? t[i] : U'x');
    }
  }
  auto end_aligned = [&](size_t a, uint64_t pe, uint64_t ge) {
    if (pe > ge) return false;
    for (uint64_t i = pe; i < ge && i < chars[a].size(); ++i) {
      char32_t c = chars[a][i];
      if (c < 128 && std::isalnum(static_cast<int>(c))) return false;
    }
    return true;
  };
  auto lenient = [&](const GoldMention& g, size_t a, uint64_t pb, uint64_t pe) {
    return a == g.article && g.begin <= pb && end_aligned(a, pe, g.end) && pb < pe;
  };
  {
    long judged = 0, correct = 0, found_gold = 0;
    std::map<size_t, std::vector<const GoldMention*>> gold_by_article;
    for (const auto& g : gold) gold_by_article[g.article].push_back(&g);
    for (const auto& [a, pb, pe, t] : pred) {
      bool overlaps = false;
      for (const auto& [gb, ge] : annotated[a]) overlaps = overlaps || (pb < ge && gb < pe);
      if (!overlaps) continue;
      ++judged;
      bool ok = false;
      for (const GoldMention* g : gold_by_article[a]) ok = ok || (g->type == t && lenient(*g, a, pb, pe));
      correct += ok;
    }
    for (const auto& g : gold) {
      bool ok = false;
      for (const auto& [a, pb, pe, t] : pred) {
        if (a == g.article && t == g.type && lenient(g, a, pb, pe)) {
          ok = true;
          break;
        }
      }
      found_gold += ok;
      if (!ok && std::getenv("KG_BENCH_DEBUG") != nullptr) {
        std::string t = articles[g.article]["text"].get<std::string>();
        std::u32string& cs = chars[g.article];
        std::string w;
        for (uint64_t q = g.begin; q < g.end && q < cs.size(); ++q) w.push_back(static_cast<char>(cs[q] < 128 ? cs[q] : '?'));
        std::string got = "-";
        for (const auto& [a, pb, pe, t] : pred) {
          if (a == g.article && pb < g.end && g.begin < pe) got = std::string(EntityTypeName(t)) + ":" + std::to_string(pb) + "-" + std::to_string(pe);
        }
        std::printf("MISS %s %s got %s\n", std::string(EntityTypeName(g.type)).c_str(), w.c_str(), got.c_str());
      }
    }
    double lp = judged ? double(correct) / judged : 0, lr = double(found_gold) / static_cast<double>(gold.size());
    std::printf("named-mention (lenient, judged) P %.1f  R %.1f  F1 %.1f\n", 100 * lp, 100 * lr, 100 * f1(lp, lr));
  }
  // 2. Cross-article merges: kg entity of each gold mention (lenient match).
  std::map<std::tuple<size_t, uint64_t, uint64_t>, EntityId> entity_at;
  auto reader = st.value()->NewReader();
  Status s = reader->ScanEntities([&](const Entity& e) {
    Status ms = reader->ScanMentions(e.id, [&](const store::StoredMention& m) {
      auto it = seq_to_article.find(m.article_seq);
      if (it != seq_to_article.end() && m.kind == Mention::Kind::kName) {
        const auto& b2c = byte_to_char[it->second];
        if (m.end < b2c.size()) entity_at[{it->second, b2c[m.begin], b2c[m.end]}] = e.id;
      }
      return true;
    });
    return ms.ok();
  });
  if (!s.ok()) {
    std::cerr << "kg-bench-meantime: " << s.ToString() << "\n";
    return 1;
  }
  std::vector<std::pair<const GoldMention*, EntityId>> found;
  for (const auto& g : gold) {
    if (g.instance.empty() || g.instance.rfind("local:", 0) == 0) continue;
    EntityId id = 0;
    for (auto it = entity_at.lower_bound({g.article, g.begin, 0}); it != entity_at.end(); ++it) {
      const auto& [a, pb, pe] = it->first;
      if (a != g.article || pb >= g.end) break;
      if (lenient(g, a, pb, pe)) {
        id = it->second;
        break;
      }
    }
    found.emplace_back(&g, id);
  }
  if (std::getenv("KG_BENCH_DEBUG") != nullptr) {
    std::map<std::string, std::map<EntityId, int>> by_inst;
    std::map<std::string, std::string> text_of;
    for (const auto& [g, id] : found) {
      by_inst[g->instance][id]++;
      std::string t = articles[g->article]["text"].get<std::string>();
      text_of[g->instance] = t.substr(0, 0);
    }
    for (const auto& [inst, ids] : by_inst) {
      if (ids.size() < 2) continue;
      std::printf("%s:", inst.c_str());
      for (const auto& [id, n] : ids) {
        std::string name = "-";
        if (id != 0) {
          auto e = reader->GetEntity(id);
          if (e) name = e->name + "/" + std::string(EntityTypeName(e->type));
        }
        std::printf("  %s x%d", name.c_str(), n);
      }
      std::printf("\n");
    }
  }
  long same = 0, same_joined = 0, same_both_found = 0, same_joined_found = 0, diff = 0, diff_merged = 0;
  for (size_t i = 0; i < found.size(); ++i) {
    for (size_t j = i + 1; j < found.size(); ++j) {
      const auto& [gi, ei] = found[i];
      const auto& [gj, ej] = found[j];
      if (gi->article == gj->article) continue;
      bool joined = ei != 0 && ei == ej;
      if (gi->instance == gj->instance) {
        ++same;
        same_joined += joined;
        if (ei != 0 && ej != 0) {
          ++same_both_found;
          same_joined_found += joined;
        }
      } else {
        ++diff;
        diff_merged += joined;
      }
    }
  }
  std::printf("cross-article same-instance pairs %ld: on one entity %.1f%% (%.1f%% of %ld pairs where both mentions were found)\n",
              same, same ? 100.0 * same_joined / same : 0.0,
              same_both_found ? 100.0 * same_joined_found / same_both_found : 0.0, same_both_found);
  std::printf("cross-article different-instance pairs %ld: merged %.2f%%\n", diff, diff ? 100.0 * diff_merged / diff : 0.0);
  reader.reset();
  st.value().reset();
  std::filesystem::remove_all(db_path);
  return 0;
}
