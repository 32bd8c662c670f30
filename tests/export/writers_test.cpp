// Golden-file and validity tests for every export format, on the hand-made
// fixture of fixture.h. Regenerate the golden files (after checking the
// change is intended) with KG_UPDATE_GOLDEN=1.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "export/render.h"
#include "export/writers.h"
#include "tests/export/fixture.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::exports;

TEST_CASE("DOT quoting escapes quotes, backslashes, newlines and always quotes", "[export][dot]") {
  CHECK(DotQuote("node") == "\"node\"");
  CHECK(DotQuote("strict") == "\"strict\"");
  CHECK(DotQuote("a \"b\"") == "\"a \\\"b\\\"\"");
  CHECK(DotQuote("back\\") == "\"back\\\\\"");
  CHECK(DotQuote("two\nlines\r") == "\"two\\nlines\"");
  CHECK(DotQuote("bad \xFF byte") == "\"bad \xEF\xBF\xBD byte\"");
}

TEST_CASE("N-Quads literals and IRIs are escaped per the spec", "[export][nquads]") {
  CHECK(NquadsLiteral("a\"b\\c\nd\re\tf") == "\"a\\\"b\\\\c\\nd\\re\\tf\"");
  CHECK(NquadsLiteral(std::string("x\x01y", 3)) == "\"x\\u0001y\"");
  CHECK(IriComponent("disagree_with") == "disagree_with");
  CHECK(IriComponent("a b<c>\"{|}^`\\") == "a%20b%3Cc%3E%22%7B%7C%7D%5E%60%5C");
  CHECK(IriComponent("S\xC3\xA3o") == "S%C3%A3o");
}

TEST_CASE("XML and CSV escaping", "[export]") {
  CHECK(XmlEscape("a<b>&\"c\"'") == "a&lt;b&gt;&amp;&quot;c&quot;&apos;");
  CHECK(XmlEscape(std::string("x\x01y", 3)) == "x y");
  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("two\nlines") == "two lines");
}

TEST_CASE("DOT output matches the golden file", "[export][dot]") {
  const Subgraph g = test::FixtureGraph();
  const std::string dot = WriteDot(g);
  CHECK(dot == test::Golden("fixture.dot", dot));
  CHECK(WriteDot(g) == dot);  // deterministic
  CHECK(DotEngineFor(g) == "dot");
  DotOptions small;
  small.sfdp_above = 3;
  CHECK(DotEngineFor(g, small) == "sfdp");
  CHECK(WriteDot(g, small).find("layout=\"sfdp\"") != std::string::npos);
  // Every node id is quoted: no bare keyword can appear as an id.
  CHECK(dot.find("\"e4\" [label=\"node\"") != std::string::npos);
  CHECK(dot.find("\"e8\" [label=\"strict\"") != std::string::npos);
}

TEST_CASE("Graphviz parses our DOT and keeps every node, edge and label", "[export][dot][tool]") {
  if (!test::HaveTool("dot")) {
    std::cout << "KG_SKIP: graphviz dot not installed\n";
    return;
  }
  const Subgraph g = test::FixtureGraph();
  test::TempDir dir;
  test::WriteFile(dir.path() / "g.dot", WriteDot(g));
  std::string out;
  REQUIRE(test::Run("dot -Tjson " + (dir.path() / "g.dot").string(), &out) == 0);
  const auto j = nlohmann::json::parse(out);
  // Entity nodes plus the legend node.
  REQUIRE(j["objects"].size() == g.entities.size() + 1);
  REQUIRE(j["edges"].size() == g.facts.size());
  std::map<std::string, std::string> labels;
  for (const auto& o : j["objects"]) labels[o["name"].get<std::string>()] = o.value("label", "");
  CHECK(labels["e4"] == "node");
  CHECK(labels["e8"] == "strict");
  // Graphviz keeps escString escapes in the attribute: \\ and \n stay as written.
  CHECK(labels["e5"] == "Say \"hi\" \\\\ back\\nslash");
  CHECK(labels["e7"] == "S\xC3\xA3o Paulo & <Co>; 'x'");
  // And it renders.
  REQUIRE(test::Run("dot -Tsvg -o " + (dir.path() / "g.svg").string() + " " + (dir.path() / "g.dot").string(),
                    &out) == 0);
  CHECK(std::filesystem::file_size(dir.path() / "g.svg") > 1000);
}

TEST_CASE("JSON output matches the golden file and the documented schema", "[export][json]") {
  const Subgraph g = test::FixtureGraph();
  const std::string text = WriteJson(g);
  CHECK(text == test::Golden("fixture.json", text));
  const auto j = nlohmann::json::parse(text);
  CHECK(j["format"] == "kg-export");
  REQUIRE(j["entities"].size() == g.entities.size());
  REQUIRE(j["facts"].size() == g.facts.size());
  REQUIRE(j["articles"].size() == g.articles.size());
  const auto& rubio = j["entities"][0];
  CHECK(rubio["name"] == "Marco Rubio");
  CHECK(rubio["mentions"][1]["article"] == "a2");
  CHECK(rubio["mentions"][1]["begin"] == 40);
  CHECK(rubio["mentions"][1]["end"] == 45);
  for (const auto& f : j["facts"]) {
    if (f["id"] == 11) {
      CHECK(f["polarity"] == "negative");
      CHECK(f["evidence"][0]["sentence_begin"] == 90);
    }
    if (f["id"] == 10) {
      CHECK(f["evidence"][1]["attribution"] == "NBC News");
      CHECK(f["evidence"][1]["confidence"] == Approx(0.7));
    }
    if (f["id"] == 12) CHECK(f["modality"] == "possible");
  }
}

TEST_CASE("GraphML output matches the golden file and is well-formed XML", "[export][graphml]") {
  const Subgraph g = test::FixtureGraph();
  const std::string text = WriteGraphml(g);
  CHECK(text == test::Golden("fixture.graphml", text));
  if (!test::HaveTool("xmllint")) {
    std::cout << "KG_SKIP: xmllint not installed\n";
    return;
  }
  test::TempDir dir;
  test::WriteFile(dir.path() / "g.graphml", text);
  std::string out;
  REQUIRE(test::Run("xmllint --noout " + (dir.path() / "g.graphml").string(), &out) == 0);
  // Count nodes and edges through XPath, not string search.
  REQUIRE(test::Run("xmllint --xpath \"count(//*[local-name()='node'])\" " + (dir.path() / "g.graphml").string(),
                    &out) == 0);
  CHECK(std::stoul(out) == g.entities.size());
  REQUIRE(test::Run("xmllint --xpath \"count(//*[local-name()='edge'])\" " + (dir.path() / "g.graphml").string(),
                    &out) == 0);
  CHECK(std::stoul(out) == g.facts.size());
}

TEST_CASE("networkx reads our GraphML", "[export][graphml][tool]") {
  if (test::Run("python3 -c 'import networkx'", nullptr) != 0) {
    std::cout << "KG_SKIP: python3 networkx not available\n";
    return;
  }
  const Subgraph g = test::FixtureGraph();
  test::TempDir dir;
  test::WriteFile(dir.path() / "g.graphml", WriteGraphml(g));
  std::string out;
  REQUIRE(test::Run("python3 -c \"import networkx as nx; g = nx.read_graphml('" +
                        (dir.path() / "g.graphml").string() +
                        "'); print(g.number_of_nodes(), g.number_of_edges(), g.nodes['e4']['name'], "
                        "type(g.edges['e1','e3',0]['support'] if g.is_multigraph() else g.edges['e1','e3']['support']).__name__)\"",
                    &out) == 0);
  CHECK(out == std::to_string(g.entities.size()) + " " + std::to_string(g.facts.size()) + " node int\n");
}

TEST_CASE("N-Quads output matches the golden file and parses with rapper", "[export][nquads]") {
  const Subgraph g = test::FixtureGraph();
  const std::string text = WriteNquads(g);
  CHECK(text == test::Golden("fixture.nq", text));
  // Named graphs: one per article that has evidence.
  for (ArticleSeq seq : {1, 2, 3}) {
    CHECK(text.find("<https://kg.invalid/article/" + std::to_string(seq) + "> .\n") != std::string::npos);
  }
  // No plain triple for the negated fact 11 or the hedged fact 12.
  CHECK(text.find("<https://kg.invalid/entity/2> <https://kg.invalid/predicate/supply>") == std::string::npos);
  CHECK(text.find("<https://kg.invalid/entity/1> <https://kg.invalid/predicate/disagree_with>") ==
        std::string::npos);
  CHECK(text.find("<https://kg.invalid/entity/1> <https://kg.invalid/predicate/warn> "
                  "<https://kg.invalid/entity/3> <https://kg.invalid/article/2> .") != std::string::npos);
  if (!test::HaveTool("rapper")) {
    std::cout << "KG_SKIP: rapper (raptor2-utils) not installed\n";
    return;
  }
  test::TempDir dir;
  test::WriteFile(dir.path() / "g.nq", text);
  std::string out;
  REQUIRE(test::Run("rapper -q -i nquads -o nquads " + (dir.path() / "g.nq").string(), &out) == 0);
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  size_t parsed = 0;
  for (char c : out) parsed += c == '\n';
  CHECK(parsed == lines);
}

TEST_CASE("CSV output is in the neo4j-admin import layout", "[export][csv]") {
  const Subgraph g = test::FixtureGraph();
  const auto files = WriteCsv(g);
  REQUIRE(files.size() == 4);
  for (const auto& [name, content] : files) CHECK(content == test::Golden("csv/" + name, content));
  CHECK(files.at("entities.csv").rfind("entityId:ID(Entity),", 0) == 0);
  CHECK(files.at("facts.csv").rfind(":START_ID(Entity),:END_ID(Entity),:TYPE,", 0) == 0);
  CHECK(files.at("facts.csv").find(",NOT_SUPPLY,") != std::string::npos);
  size_t rows = 0;
  for (char c : files.at("facts.csv")) rows += c == '\n';
  CHECK(rows == g.facts.size() + 1);
  test::TempDir dir;
  REQUIRE(WriteCsvDir(g, (dir.path() / "out").string()).ok());
  CHECK(test::ReadFile(dir.path() / "out" / "entities.csv") == files.at("entities.csv"));
}

TEST_CASE("RenderDot says clearly when Graphviz is missing", "[export][render]") {
  const char* old_path = std::getenv("PATH");
  const std::string saved = old_path != nullptr ? old_path : "";
  test::TempDir dir;
  ::setenv("PATH", dir.str().c_str(), 1);  // an empty directory: no dot anywhere
  Status s = RenderDot(WriteDot(test::FixtureGraph()), "dot", "svg", (dir.path() / "g.svg").string());
  ::setenv("PATH", saved.c_str(), 1);
  CHECK(s.code() == Status::Code::kNotFound);
  CHECK(s.message().find("apt-get install graphviz") != std::string::npos);
  CHECK(!std::filesystem::exists(dir.path() / "g.svg"));
  CHECK(RenderDot("digraph {}", "dot", "gif", (dir.path() / "g.gif").string()).code() ==
        Status::Code::kInvalidArgument);
}

TEST_CASE("RenderDot renders SVG and PNG and reports Graphviz errors", "[export][render][tool]") {
  if (!FindProgram("dot")) {
    std::cout << "KG_SKIP: graphviz dot not installed\n";
    return;
  }
  test::TempDir dir;
  const std::string dot = WriteDot(test::FixtureGraph());
  REQUIRE(RenderDot(dot, "dot", "svg", (dir.path() / "g.svg").string()).ok());
  CHECK(test::ReadFile(dir.path() / "g.svg").find("<svg") != std::string::npos);
  REQUIRE(RenderDot(dot, "sfdp", "png", (dir.path() / "g.png").string()).ok());
  CHECK(test::ReadFile(dir.path() / "g.png").rfind("\x89PNG", 0) == 0);
  Status bad = RenderDot("digraph { a -> }", "dot", "svg", (dir.path() / "bad.svg").string());
  CHECK(bad.code() == Status::Code::kIoError);
  CHECK(bad.message().find("syntax error") != std::string::npos);
}
