#include <catch2/catch.hpp>

#include "export/chart.h"
#include "tests/export/fixture.h"
#include "graph/algorithms.h"
#include "tests/test_util.h"

using namespace kg;

TEST_CASE("NiceTicks uses 1-2-5 steps covering the range", "[export][chart]") {
  auto t = exports::NiceTicks(0, 97);
  REQUIRE(!t.empty());
  CHECK(t.front() == 0);
  CHECK(t.back() >= 97);
  CHECK(t[1] - t[0] == Approx(20));
  t = exports::NiceTicks(1, 7, 6);
  CHECK(t.front() <= 1);
  CHECK(t.back() >= 7);
  CHECK(t[1] - t[0] == Approx(1));
}

TEST_CASE("SVG line chart has axes, labels, legend and parses as XML", "[export][chart]") {
  exports::LineChart c;
  c.title = "Growth <of> the graph";
  c.x_label = "article";
  c.y_label = "count";
  c.x = {1, 2, 3, 4};
  c.series.push_back({"entities", {3, 5, 9, 10}, "", false});
  c.series.push_back({"facts & more", {1, 4, 4, 8}, "", true});
  const std::string svg = exports::WriteSvgLineChart(c);
  CHECK(svg == exports::WriteSvgLineChart(c));
  CHECK(svg.find("Growth &lt;of&gt; the graph") != std::string::npos);
  CHECK(svg.find(">facts &amp; more</text>") != std::string::npos);
  CHECK(svg.find(">article</text>") != std::string::npos);
  size_t polylines = 0;
  for (size_t p = svg.find("<polyline"); p != std::string::npos; p = svg.find("<polyline", p + 1)) ++polylines;
  CHECK(polylines == 2);
  if (!test::HaveTool("xmllint")) return;
  test::TempDir dir;
  test::WriteFile(dir.path() / "c.svg", svg);
  CHECK(test::Run("xmllint --noout " + (dir.path() / "c.svg").string(), nullptr) == 0);
}

TEST_CASE("PageRank ranks the hub of a star first and sums to one", "[graph][algorithms]") {
  // 0 is the hub of 1..4; 5-6 is a separate pair.
  std::vector<GraphEdge> edges = {{1, 0}, {2, 0}, {0, 3}, {4, 0}, {5, 6}};
  auto pr = PageRank(7, edges);
  REQUIRE(pr.size() == 7);
  double sum = 0;
  for (double v : pr) sum += v;
  CHECK(sum == Approx(1.0));
  auto order = RankOrder(pr);
  CHECK(order[0] == 0);
  CHECK(pr[1] == Approx(pr[2]));
  CHECK(pr[5] == Approx(pr[6]));
  CHECK(PageRank(0, {}).empty());
}

TEST_CASE("Betweenness is highest in the middle of a path", "[graph][algorithms]") {
  // 0 - 1 - 2 - 3 - 4
  std::vector<GraphEdge> edges = {{0, 1}, {1, 2}, {2, 3}, {3, 4}};
  auto b = Betweenness(5, edges);
  REQUIRE(b.size() == 5);
  CHECK(b[0] == Approx(0));
  CHECK(b[4] == Approx(0));
  // Node 2 lies on the paths 0-3, 0-4, 1-3, 1-4: 4 of the 6 pairs without it.
  CHECK(b[2] == Approx(4.0 / 6.0));
  CHECK(b[1] == Approx(3.0 / 6.0));
  CHECK(RankOrder(b)[0] == 2);
}
