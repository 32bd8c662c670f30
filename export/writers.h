// Writers from a Subgraph to the formats people load elsewhere.
//
// All writers are deterministic: the same Subgraph gives byte-identical
// output (iteration in Subgraph's canonical order, fixed number formatting).
// They return the text; cli/ decides where it goes. Schemas: docs/exports.md.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "export/subgraph.h"
#include "graph/status.h"

namespace kg::exports {

struct DotOptions {
  // Graphs with more nodes than this are laid out by sfdp (force-directed,
  // no rankdir); smaller ones by dot with rankdir=LR. Default 60.
  size_t sfdp_above = 60;
  bool legend = true;                // a legend cluster: entity types present + edge marks
};

// Graphviz DOT. Every id and label is quoted and escaped, so names such as
// `node`, `strict`, `a "b" \c` or ones with newlines are safe.
std::string WriteDot(const Subgraph& g, const DotOptions& options = DotOptions());
// The layout engine WriteDot chose for this graph: "dot" or "sfdp".
std::string_view DotEngineFor(const Subgraph& g, const DotOptions& options = DotOptions());

// JSON: {"format":"kg-export","version":1,"articles":[...],"entities":[...],"facts":[...]}.
std::string WriteJson(const Subgraph& g);

// GraphML (http://graphml.graphdrawing.org/xmlns), typed <key>s, readable by
// Gephi, networkx.read_graphml and yEd.
std::string WriteGraphml(const Subgraph& g);

// N-Quads (W3C RDF 1.1): entity and article descriptions in the default
// graph, each fact's statements and evidence in one named graph per article.
std::string WriteNquads(const Subgraph& g);

// neo4j-admin database import: file name -> contents. entities.csv and
// articles.csv (nodes), facts.csv (Entity-[:PREDICATE]->Entity) and
// mentions.csv (Article-[:MENTIONS]->Entity, from the evidence).
std::map<std::string, std::string> WriteCsv(const Subgraph& g);
// Writes WriteCsv's files into `dir` (created if missing).
Status WriteCsvDir(const Subgraph& g, const std::string& dir);

// Escapers, exposed for tests.
std::string DotQuote(std::string_view s);         // "..." with \" \\ and \n escaped
std::string XmlEscape(std::string_view s);        // &amp; &lt; &gt; &quot; &apos;, drops XML-illegal controls
std::string NquadsLiteral(std::string_view s);    // "..." per N-Quads STRING_LITERAL_QUOTE
std::string IriComponent(std::string_view s);     // percent-encodes all but unreserved chars
std::string CsvField(std::string_view s);         // RFC 4180 quoting when needed

// The IRI base of N-Quads output.
inline constexpr std::string_view kIriBase = "https://kg.invalid/";

}  // namespace kg::exports
