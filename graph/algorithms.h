// Generic graph algorithms over plain edge lists (Boost.Graph inside).
//
// The caller numbers its nodes 0..n-1 and passes the edges; nothing here
// knows about the store or about entities, so graph/ stays the ground floor.
// Boost types never appear in this header.
//
// Thread-safety: pure functions, safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kg {

struct GraphEdge {
  uint32_t from = 0;     // node index in [0, n)
  uint32_t to = 0;
};

// PageRank of each node, summing to 1 (an empty graph gives an empty vector).
// Edges are taken in both directions: in a news graph "A criticised B" makes
// both A and B more central, and no node is a dangling sink. Parallel edges
// (several facts between one pair) add up; self loops are ignored. `damping`
// defaults to the usual 0.85; `iterations` is the number of power iterations
// of Boost's page_rank.
std::vector<double> PageRank(size_t n, const std::vector<GraphEdge>& edges,
                             double damping = 0.85, int iterations = 50);

// Betweenness centrality of each node on the undirected, unweighted graph
// (Brandes' algorithm, Boost's brandes_betweenness_centrality), normalised to
// [0, 1] by the number of node pairs. O(n*m).
std::vector<double> Betweenness(size_t n, const std::vector<GraphEdge>& edges);

// Node indices from most to least central: descending score, ties by lower index.
std::vector<uint32_t> RankOrder(const std::vector<double>& scores);

}  // namespace kg
