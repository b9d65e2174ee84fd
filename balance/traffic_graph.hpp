#pragma once
// The graph METIS partitions. A vertex is a block of consecutive gids of one population (one gid
// per vertex unless coarsened: cells of a population share their connection rules, so neighbours
// in gid order are interchangeable and blocks lose no structure while shrinking the graph), and
// an undirected edge joins two blocks with connections between them, weighted by the expected
// spikes per second they exchange. Connections are directed and METIS needs a symmetric graph, so
// a -> b and b -> a are merged into one edge of summed traffic; connections within a block are
// dropped. Stored as METIS's CSR with 32-bit indices and integer weights.
#include "balance/incoming_graph.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace parnet::balance {

// Vertex v holds gids [first[v], first[v+1]).
struct VertexBlocks {
    std::vector<Gid> first;
    std::size_t count() const { return first.empty() ? 0 : first.size() - 1; }
    std::size_t largest() const;
};

// One vertex per gid.
VertexBlocks single_cells(Gid cells);
// Runs of at most `block_size` consecutive gids, never crossing a population boundary. With costs,
// a block also ends before its cost would exceed `max_block_cost` (so that blocks stay much
// lighter than a rank's share and METIS can balance them).
VertexBlocks population_blocks(const Model& model, std::uint32_t block_size, std::span<const double> cost = {},
                               double max_block_cost = 0.0);
// The same over population ranges covering `cells` gids (a recipe's).
VertexBlocks population_blocks(const std::vector<PopulationRange>& populations, Gid cells, std::uint32_t block_size,
                               std::span<const double> cost = {}, double max_block_cost = 0.0);

struct TrafficGraph {
    std::vector<std::int32_t> xadj;    // one more than vertices
    std::vector<std::int32_t> adjncy;  // neighbours, ascending within a vertex
    std::vector<std::int32_t> adjwgt;  // integer traffic, >= 1
    double weight_scale = 1.0;         // adjwgt ~ spikes/s * weight_scale (over the kept pairs)
    double kept_fraction = 1.0;        // share of connected pairs kept (1: all)

    std::size_t vertex_count() const { return xadj.empty() ? 0 : xadj.size() - 1; }
    std::size_t entry_count() const { return adjncy.size(); }
};

struct TrafficGraphLimits {
    // Most adjacency entries (two per edge) to hold; above it, pairs are sampled (by a hash of the
    // pair, so a -> b and b -> a go together). 32-bit METIS caps it at 2^31 - 1.
    std::uint64_t max_entries = 400'000'000;
    // Most adjacency entries per vertex on average, for the same sampling: METIS's time grows
    // steeply with the degree (a 51,000-vertex graph of mean degree 400 into 1024 parts took
    // minutes, at mean degree 19 five seconds), while a sample of the pairs still shows it the
    // structure (which populations talk to which).
    double max_mean_degree = 32.0;
    // Largest sum of all edge weights (METIS sums them in 32-bit integers).
    std::int64_t max_total_weight = std::int64_t{1} << 30;
};

// rates: spikes/s of every gid (its outgoing traffic per connection).
TrafficGraph build_traffic_graph(const IncomingGraph& incoming, std::span<const float> rates,
                                 const VertexBlocks& blocks, const TrafficGraphLimits& limits = {});
inline TrafficGraph build_traffic_graph(const IncomingGraph& incoming, std::span<const float> rates,
                                        const TrafficGraphLimits& limits = {}) {
    return build_traffic_graph(incoming, rates, single_cells(incoming.cell_count()), limits);
}

}  // namespace parnet::balance
