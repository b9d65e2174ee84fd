#pragma once
// Placing whole cells and the pieces of split cells on ranks and threads (docs/planning.md,
// "Splitting heavy cells"). For METIS the graph's vertices are the blocks of whole cells and the
// pieces; a split cell's spike traffic attaches to its piece 0 (the root's, which holds the soma
// in the usual description order), and pieces joined at a cut are joined by an edge weighted by
// their per-step messages (1/dt messages per second, on the scale of the spike traffic), so METIS
// keeps pieces together where balance allows and cuts few of them. LPT and round-robin place the
// same units by cost only or in turn.
#include "balance/cell_splitting.hpp"
#include "balance/rank_assignment.hpp"
#include "balance/traffic_graph.hpp"
#include "engine/split_layout.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace parnet::balance {

struct SplitPlacement {
    std::vector<std::uint32_t> rank_of_gid;    // split cells: their piece 0's rank
    std::vector<std::uint16_t> thread_of_gid;
    SplitLayout splits;
    std::vector<double> load;                  // per rank, cells and pieces (s/s)
    double imbalance = 1.0;
    RepairReport repair;
    std::size_t graph_vertices = 0;
};

// blocks: METIS vertex blocks over all gids (a block holding a split cell is divided so that the
// cell is a block of its own). The traffic graph is built here for metis.
SplitPlacement place_with_splits(PlanMethod method, const SplitDecision& decision, const Recipe& recipe,
                                 const IncomingGraph& incoming, std::span<const float> rates,
                                 const VertexBlocks& blocks, std::span<const double> cost, std::uint32_t ranks,
                                 std::uint32_t threads, const MetisSettings& settings,
                                 const TrafficGraphLimits& limits);

}  // namespace parnet::balance
