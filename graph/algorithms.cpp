#include "graph/algorithms.h"

#include <algorithm>
#include <numeric>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/page_rank.hpp>

namespace kg {

std::vector<double> PageRank(size_t n, const std::vector<GraphEdge>& edges, double damping,
                             int iterations) {
  std::vector<double> rank(n, 0.0);
  if (n == 0) return rank;
  // page_rank needs in-edges, hence bidirectionalS; vecS keeps parallel edges.
  using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;
  G g(n);
  for (const GraphEdge& e : edges) {
    if (e.from >= n || e.to >= n || e.from == e.to) continue;
    boost::add_edge(e.from, e.to, g);
    boost::add_edge(e.to, e.from, g);
  }
  boost::graph::page_rank(
      g, boost::make_iterator_property_map(rank.begin(), boost::get(boost::vertex_index, g)),
      boost::graph::n_iterations(iterations), damping, n);
  // Boost's variant is not normalised ((1-d) per node plus the flow); isolated
  // nodes keep only the teleport share. Normalise so scores compare across graphs.
  double sum = std::accumulate(rank.begin(), rank.end(), 0.0);
  if (sum > 0) {
    for (double& r : rank) r /= sum;
  }
  return rank;
}

std::vector<double> Betweenness(size_t n, const std::vector<GraphEdge>& edges) {
  std::vector<double> centrality(n, 0.0);
  if (n < 3) return centrality;
  using G = boost::adjacency_list<boost::setS, boost::vecS, boost::undirectedS>;
  G g(n);  // setS: parallel edges collapse, betweenness counts shortest paths
  for (const GraphEdge& e : edges) {
    if (e.from >= n || e.to >= n || e.from == e.to) continue;
    boost::add_edge(e.from, e.to, g);
  }
  boost::brandes_betweenness_centrality(
      g, boost::centrality_map(boost::make_iterator_property_map(
             centrality.begin(), boost::get(boost::vertex_index, g))));
  // Undirected: each pair counted once out of (n-1)(n-2)/2.
  const double pairs = static_cast<double>(n - 1) * static_cast<double>(n - 2) / 2.0;
  for (double& c : centrality) c /= pairs;
  return centrality;
}

std::vector<uint32_t> RankOrder(const std::vector<double>& scores) {
  std::vector<uint32_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return scores[a] > scores[b]; });
  return order;
}

}  // namespace kg
