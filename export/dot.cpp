// Graphviz DOT writer. Layout decisions (why each attribute is there):
// - every id is "e<entity id>" and always quoted, labels carry the names, so
//   no name can collide with a DOT keyword or another node;
// - one legend node with an HTML-like table instead of a cluster: it works
//   under dot and sfdp alike and puts no entity node in any cluster;
// - penwidth grows with log2(support) so a fact repeated by many articles
//   stands out without drowning the graph.
#include <algorithm>
#include <cmath>
#include <set>

#include "export/text_util.h"
#include "export/writers.h"

namespace kg::exports {
namespace {

struct TypeStyle {
  const char* shape;
  const char* fill;
  const char* extra_style;  // appended to "filled"
};

TypeStyle StyleFor(EntityType t) {
  switch (t) {
    case EntityType::kPerson: return {"ellipse", "#9ecae1", ""};
    case EntityType::kOrganization: return {"box", "#fdae6b", ""};
    case EntityType::kPlace: return {"hexagon", "#a1d99b", ""};
    case EntityType::kGroup: return {"octagon", "#dadaeb", ""};
    case EntityType::kMisc: return {"note", "#fff7bc", ""};
    case EntityType::kConcept: return {"box", "#f0f0f0", ",rounded,dashed"};  // legend: "rounded box"
  }
  return {"ellipse", "#ffffff", ""};
}

const char* MarkColor(Mark m) {
  switch (m) {
    case Mark::kNone: return "#555555";
    case Mark::kNewest: return "#d62728";
    case Mark::kAdded: return "#2ca02c";
    case Mark::kReinforced: return "#1f77b4";
    case Mark::kRetracted: return "#9e9e9e";
  }
  return "#555555";
}

std::string MarkLegend(Mark m, ArticleSeq newest) {
  switch (m) {
    case Mark::kNewest: return "fact from the newest article (#" + std::to_string(newest) + ")";
    case Mark::kAdded: return "added";
    case Mark::kReinforced: return "reinforced";
    case Mark::kRetracted: return "retracted";
    case Mark::kNone: return "fact (width: number of articles)";
  }
  return "";
}

std::string NodeId(EntityId id) { return "\"e" + std::to_string(id) + "\""; }

}  // namespace

std::string DotQuote(std::string_view raw) {
  const std::string s = internal::ValidUtf8(raw);
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      case '\t': out += ' '; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string_view DotEngineFor(const Subgraph& g, const DotOptions& options) {
  return g.entities.size() > options.sfdp_above ? "sfdp" : "dot";
}

std::string WriteDot(const Subgraph& g, const DotOptions& options) {
  const bool big = DotEngineFor(g, options) == "sfdp";
  std::string out;
  out += "digraph " + DotQuote(g.title.empty() ? "kg" : g.title) + " {\n";
  out += "  graph [fontname=\"Helvetica\", fontsize=12, labelloc=\"t\", label=" +
         DotQuote(g.title.empty() ? "kg" : g.title) + "";
  if (big) {
    // Force-directed for large graphs: dot's layered layout becomes a wide band.
    out += ", layout=\"sfdp\", overlap=\"prism\", sep=\"+8\", K=\"1.3\", splines=\"true\", "
           "outputorder=\"edgesfirst\"";
  } else {
    out += ", layout=\"dot\", rankdir=\"LR\", nodesep=\"0.35\", ranksep=\"0.6\"";
  }
  out += "];\n";
  out += "  node [fontname=\"Helvetica\", fontsize=11, style=\"filled\", penwidth=\"1\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=\"0.7\"];\n";

  std::set<EntityType> types_present;
  std::set<Mark> marks_present;
  for (const SubEntity& se : g.entities) {
    const Entity& e = se.entity;
    types_present.insert(e.type);
    const TypeStyle st = StyleFor(e.type);
    out += "  " + NodeId(e.id) + " [label=" + DotQuote(e.name) + ", shape=\"" + st.shape +
           "\", fillcolor=\"" + st.fill + "\", style=\"filled" + st.extra_style + "\"";
    std::string tooltip = std::string(EntityTypeName(e.type)) + ", " + std::to_string(e.mentions) +
                          (e.mentions == 1 ? " mention" : " mentions") + ", first seen in #" + std::to_string(e.first_seen);
    out += ", tooltip=" + DotQuote(tooltip);
    if (se.mark == Mark::kAdded || se.mark == Mark::kNewest) {
      out += ", color=\"" + std::string(MarkColor(se.mark)) + "\", penwidth=\"2.5\"";
    }
    out += "];\n";
  }
  for (const SubFact& sf : g.facts) {
    const Fact& f = sf.fact;
    marks_present.insert(sf.mark);
    std::string label = internal::FactLabel(f.predicate, f.negated, static_cast<uint8_t>(f.modality));
    if (f.support > 1) label += " (" + std::to_string(f.support) + ")";
    // In a large drawing only repeated or highlighted facts carry a label;
    // the others keep theirs in the tooltip, or the labels bury the graph.
    const bool show_label = !big || f.support > 1 || sf.mark != Mark::kNone;
    const double width = std::min(1.0 + std::log2(std::max<uint32_t>(f.support, 1)), 5.0);
    std::string style;
    if (f.negated) style = "dashed";
    else if (f.modality != Modality::kAsserted) style = "dotted";
    if (sf.mark == Mark::kNewest || sf.mark == Mark::kAdded) style += style.empty() ? "bold" : ",bold";
    if (sf.mark == Mark::kRetracted && style.empty()) style = "dashed";
    out += "  " + NodeId(f.subject) + " -> " + NodeId(f.object) + " [label=" + DotQuote(show_label ? label : "") +
           ", penwidth=\"" + internal::FormatNumber(width, 2) + "\", color=\"" + MarkColor(sf.mark) +
           "\", fontcolor=\"" + MarkColor(sf.mark) + "\"";
    if (!style.empty()) out += ", style=\"" + style + "\"";
    std::string tooltip = label + (f.surface.empty() ? "" : " (\"" + f.surface + "\")");
    if (!sf.evidence.empty()) tooltip += ": " + sf.evidence.front().sentence;
    if (tooltip.size() > 300) tooltip = tooltip.substr(0, 300) + "...";
    out += ", tooltip=" + DotQuote(tooltip) + "];\n";
  }

  if (options.legend && !g.entities.empty()) {
    // An HTML-like label: the only place XML escaping applies in DOT.
    out += "  \"kg_legend\" [shape=\"plaintext\", style=\"\", fontsize=9, label=<<TABLE BORDER=\"0\" "
           "CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">\n";
    out += "    <TR><TD COLSPAN=\"2\"><B>Legend</B></TD></TR>\n";
    for (EntityType t : types_present) {
      const TypeStyle st = StyleFor(t);
      out += "    <TR><TD BGCOLOR=\"" + std::string(st.fill) + "\">" + std::string(EntityTypeName(t)) +
             "</TD><TD>" + (t == EntityType::kConcept ? "dashed rounded box" : st.shape) + "</TD></TR>\n";
    }
    for (Mark m : marks_present) {
      out += "    <TR><TD><FONT COLOR=\"" + std::string(MarkColor(m)) + "\">&#8594;</FONT></TD><TD>" +
             XmlEscape(MarkLegend(m, g.newest)) + "</TD></TR>\n";
    }
    out += "    <TR><TD>- - &#8594;</TD><TD>negated (dotted: not asserted)</TD></TR>\n";
    if (big) out += "    <TR><TD COLSPAN=\"2\">facts stated once: label in the tooltip</TD></TR>\n";
    out += "  </TABLE>>];\n";
  }
  out += "}\n";
  return out;
}

}  // namespace kg::exports
