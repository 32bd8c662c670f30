// GraphML writer. Keys are declared with attr.type so networkx and Gephi get
// numbers and booleans, not strings. Edge ids are "f<fact id>", node ids
// "e<entity id>"; parallel edges (several predicates between one pair) are
// legal GraphML and networkx reads them into a MultiDiGraph.
#include "export/text_util.h"
#include "export/writers.h"

namespace kg::exports {

std::string XmlEscape(std::string_view raw) {
  const std::string s = internal::ValidUtf8(raw);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows only tab, LF and CR below 0x20.
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

namespace {

void Data(std::string& out, const char* key, std::string_view value) {
  out += "      <data key=\"";
  out += key;
  out += "\">" + XmlEscape(value) + "</data>\n";
}

}  // namespace

std::string WriteGraphml(const Subgraph& g) {
  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
         "         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
         "         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
         "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
  struct Key { const char* id; const char* for_; const char* name; const char* type; };
  static const Key kKeys[] = {
      {"n_name", "node", "name", "string"},        {"n_label", "node", "label", "string"},
      {"n_type", "node", "type", "string"},        {"n_aliases", "node", "aliases", "string"},
      {"n_mentions", "node", "mentions", "long"},  {"n_first_seen", "node", "first_seen", "long"},
      {"n_pagerank", "node", "pagerank", "double"},
      {"e_predicate", "edge", "predicate", "string"}, {"e_label", "edge", "label", "string"},
      {"e_negated", "edge", "negated", "boolean"},    {"e_modality", "edge", "modality", "string"},
      {"e_support", "edge", "support", "int"},        {"e_weight", "edge", "weight", "double"},
      {"e_confidence", "edge", "confidence", "double"}, {"e_first_seen", "edge", "first_seen", "long"},
      {"e_surface", "edge", "surface", "string"},     {"e_articles", "edge", "articles", "string"},
      {"e_mark", "edge", "mark", "string"},
  };
  for (const Key& k : kKeys) {
    out += std::string("  <key id=\"") + k.id + "\" for=\"" + k.for_ + "\" attr.name=\"" + k.name +
           "\" attr.type=\"" + k.type + "\"/>\n";
  }
  out += "  <graph id=\"" + XmlEscape(g.title.empty() ? "kg" : g.title) +
         "\" edgedefault=\"directed\">\n";
  for (const SubEntity& se : g.entities) {
    const Entity& e = se.entity;
    out += "    <node id=\"e" + std::to_string(e.id) + "\">\n";
    Data(out, "n_name", e.name);
    Data(out, "n_label", e.name);  // Gephi shows "label"
    Data(out, "n_type", EntityTypeName(e.type));
    std::string aliases;
    for (const std::string& a : e.aliases) aliases += (aliases.empty() ? "" : "|") + a;
    Data(out, "n_aliases", aliases);
    Data(out, "n_mentions", std::to_string(e.mentions));
    Data(out, "n_first_seen", std::to_string(e.first_seen));
    if (se.centrality > 0) Data(out, "n_pagerank", internal::FormatNumber(se.centrality, 6));
    out += "    </node>\n";
  }
  for (const SubFact& sf : g.facts) {
    const Fact& f = sf.fact;
    out += "    <edge id=\"f" + std::to_string(f.id) + "\" source=\"e" + std::to_string(f.subject) +
           "\" target=\"e" + std::to_string(f.object) + "\">\n";
    Data(out, "e_predicate", f.predicate);
    Data(out, "e_label", internal::FactLabel(f.predicate, f.negated, static_cast<uint8_t>(f.modality)));
    Data(out, "e_negated", f.negated ? "true" : "false");
    Data(out, "e_modality", ModalityName(f.modality));
    Data(out, "e_support", std::to_string(f.support));
    Data(out, "e_weight", std::to_string(f.support));
    Data(out, "e_confidence", internal::FormatNumber(f.confidence, 3));
    Data(out, "e_first_seen", std::to_string(f.first_seen));
    Data(out, "e_surface", f.surface);
    // Evidence comes in seq order: one article's sentences are adjacent.
    std::string articles;
    ArticleSeq last = 0;
    for (const Evidence& ev : sf.evidence) {
      if (ev.article_seq == last) continue;
      last = ev.article_seq;
      articles += (articles.empty() ? "" : "|") + std::to_string(ev.article_seq);
    }
    Data(out, "e_articles", articles);
    if (sf.mark != Mark::kNone) Data(out, "e_mark", MarkName(sf.mark));
    out += "    </edge>\n";
  }
  out += "  </graph>\n</graphml>\n";
  return out;
}

}  // namespace kg::exports
