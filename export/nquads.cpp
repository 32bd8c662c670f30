// N-Quads writer (W3C RDF 1.1 N-Quads). Provenance is the named graph: what
// article N said lives in graph <article/N>, so an RDF store can drop,
// compare or trust articles one by one. Descriptions of entities, articles
// and facts (one fact node each, with polarity and modality) are in the
// default graph. The plain triple `<s> <predicate> <o>` is written only for
// positive, asserted facts, so no negated or hedged claim reads as a plain one.
#include <cstdio>

#include "export/text_util.h"
#include "export/writers.h"

namespace kg::exports {

std::string NquadsLiteral(std::string_view raw) {
  const std::string s = internal::ValidUtf8(raw);
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", u);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string IriComponent(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                            (u >= '0' && u <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

namespace {

const std::string kRdfType = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";
const std::string kRdfsLabel = "<http://www.w3.org/2000/01/rdf-schema#label>";
const std::string kSkosAlt = "<http://www.w3.org/2004/02/skos/core#altLabel>";
const std::string kDct = "http://purl.org/dc/terms/";
const std::string kXsd = "http://www.w3.org/2001/XMLSchema#";

std::string Iri(std::string_view path) { return "<" + std::string(kIriBase) + std::string(path) + ">"; }
std::string Vocab(std::string_view term) { return Iri("ns#" + std::string(term)); }
std::string EntityIri(EntityId id) { return Iri("entity/" + std::to_string(id)); }
std::string ArticleIri(ArticleSeq seq) { return Iri("article/" + std::to_string(seq)); }
std::string FactIri(FactId id) { return Iri("fact/" + std::to_string(id)); }
std::string PredicateIri(std::string_view p) { return Iri("predicate/" + IriComponent(p)); }
std::string Typed(std::string_view lexical, std::string_view type) {
  return NquadsLiteral(lexical) + "^^<" + kXsd + std::string(type) + ">";
}
std::string Int(uint64_t v) { return Typed(std::to_string(v), "integer"); }

std::string TypeClass(EntityType t) {
  switch (t) {
    case EntityType::kPerson: return Vocab("Person");
    case EntityType::kOrganization: return Vocab("Organization");
    case EntityType::kPlace: return Vocab("Place");
    case EntityType::kGroup: return Vocab("Group");
    case EntityType::kMisc: return Vocab("Misc");
    case EntityType::kConcept: return Vocab("Concept");
  }
  return Vocab("Misc");
}

bool IsIsoDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

// A URL may be written as an IRI only when it has a scheme and none of the
// characters IRIREF forbids; otherwise it stays a literal.
bool SafeIri(std::string_view u) {
  if (u.find("://") == std::string_view::npos) return false;
  for (char c : u) {
    const auto x = static_cast<unsigned char>(c);
    if (x <= 0x20 || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' ||
        c == '^' || c == '`' || c == '\\') {
      return false;
    }
  }
  return true;
}

void Quad(std::string& out, const std::string& s, const std::string& p, const std::string& o,
          const std::string& graph = std::string()) {
  out += s;
  out += ' ';
  out += p;
  out += ' ';
  out += o;
  if (!graph.empty()) {
    out += ' ';
    out += graph;
  }
  out += " .\n";
}

}  // namespace

std::string WriteNquads(const Subgraph& g) {
  std::string out;
  for (const Article& a : g.articles) {
    const std::string ai = ArticleIri(a.seq);
    Quad(out, ai, kRdfType, Vocab("Article"));
    Quad(out, ai, Vocab("seq"), Int(a.seq));
    Quad(out, ai, "<" + kDct + "identifier>", NquadsLiteral(a.id));
    if (!a.title.empty()) Quad(out, ai, "<" + kDct + "title>", NquadsLiteral(a.title));
    if (IsIsoDate(a.date)) Quad(out, ai, "<" + kDct + "date>", Typed(a.date, "date"));
    if (!a.source.empty()) Quad(out, ai, "<" + kDct + "source>", NquadsLiteral(a.source));
    if (!a.url.empty()) {
      Quad(out, ai, Vocab("url"), SafeIri(a.url) ? "<" + internal::ValidUtf8(a.url) + ">"
                                                 : NquadsLiteral(a.url));
    }
  }
  for (const SubEntity& se : g.entities) {
    const Entity& e = se.entity;
    const std::string ei = EntityIri(e.id);
    Quad(out, ei, kRdfType, TypeClass(e.type));
    Quad(out, ei, kRdfsLabel, NquadsLiteral(e.name));
    for (const std::string& alias : e.aliases) {
      if (alias != e.name) Quad(out, ei, kSkosAlt, NquadsLiteral(alias));
    }
    Quad(out, ei, Vocab("mentions"), Int(e.mentions));
    Quad(out, ei, Vocab("firstSeen"), ArticleIri(e.first_seen));
  }
  for (const SubFact& sf : g.facts) {
    const Fact& f = sf.fact;
    const std::string fi = FactIri(f.id);
    Quad(out, fi, kRdfType, Vocab("Fact"));
    Quad(out, fi, Vocab("subject"), EntityIri(f.subject));
    Quad(out, fi, Vocab("predicate"), PredicateIri(f.predicate));
    Quad(out, fi, Vocab("object"), EntityIri(f.object));
    Quad(out, fi, Vocab("negated"), Typed(f.negated ? "true" : "false", "boolean"));
    Quad(out, fi, Vocab("modality"), NquadsLiteral(ModalityName(f.modality)));
    Quad(out, fi, Vocab("support"), Int(f.support));
    Quad(out, fi, Vocab("confidence"), Typed(internal::FormatNumber(f.confidence, 3), "decimal"));
    if (!f.surface.empty()) Quad(out, fi, Vocab("surface"), NquadsLiteral(f.surface));
    // Provenance: the article's named graph holds what it said.
    ArticleSeq last = 0;
    for (const Evidence& ev : sf.evidence) {
      const std::string graph = ArticleIri(ev.article_seq);
      if (ev.article_seq != last && !f.negated && f.modality == Modality::kAsserted) {
        Quad(out, EntityIri(f.subject), PredicateIri(f.predicate), EntityIri(f.object), graph);
      }
      last = ev.article_seq;
      const std::string evi = Iri("fact/" + std::to_string(f.id) + "/evidence/" +
                                  std::to_string(ev.article_seq) + "/" + std::to_string(ev.sentence_index));
      Quad(out, evi, Vocab("supports"), fi, graph);
      Quad(out, evi, Vocab("sentence"), NquadsLiteral(ev.sentence), graph);
      Quad(out, evi, Vocab("sentenceIndex"), Int(ev.sentence_index), graph);
      Quad(out, evi, Vocab("sentenceBegin"), Int(ev.sentence_begin), graph);
      Quad(out, evi, Vocab("sentenceEnd"), Int(ev.sentence_end), graph);
      if (!ev.surface.empty()) Quad(out, evi, Vocab("surface"), NquadsLiteral(ev.surface), graph);
      if (!ev.attribution.empty()) {
        Quad(out, evi, Vocab("attribution"), NquadsLiteral(ev.attribution), graph);
      }
      Quad(out, evi, Vocab("confidence"), Typed(internal::FormatNumber(ev.confidence, 3), "decimal"),
           graph);
    }
  }
  return out;
}

}  // namespace kg::exports
