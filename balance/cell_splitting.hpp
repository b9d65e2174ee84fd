#pragma once
// The planner's split decision: a cable cell predicted to cost more than a fraction of a rank's
// fair share is cut into pieces of balanced cost on its node tree (engine/cable/split_solve.hpp,
// the cut engine/split_layout.hpp's standard_cuts), and the pieces, with the cells left whole,
// become the units placed on ranks (balance/split_placement.hpp); the plan file records them and
// the engine runs them. See docs/planning.md, "Splitting heavy cells".
#include "engine/cable/split_solve.hpp"
#include "engine/recipe.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace parnet::balance {

struct SplitCell {
    Gid gid = 0;
    cable::SplitDescription split;
    std::vector<double> piece_cost;   // s/s, the cell's cost shared by its pieces' compartments
};

struct SplitDecision {
    double threshold = 0.0;              // s/s: cells above it are split
    std::vector<SplitCell> cells;        // ascending gid
    std::uint64_t boundary_nodes = 0;    // cuts over all split cells
    // Cable cells heavy enough to split that stay whole, and why (cable::why_not_splittable:
    // several detectors, a clamp on a zero-area end node), ascending gid.
    std::vector<std::pair<Gid, std::string>> kept_whole;
    // The units to place: every whole cell, then the pieces of the split cells in order.
    std::vector<double> unit_cost;
    std::vector<Gid> unit_gid;
};

// fraction of a rank's share (total / ranks); cells that are not cable cells, or that the split
// groups cannot run as the whole cell runs (SplitDecision::kept_whole), stay whole. Pieces
// per cell: ceil(cost / threshold), or more (up to twice that, at most one per compartment) until
// the heaviest piece is below the threshold. Compartments share a cell's cost
// equally (zero-area nodes nothing): per-compartment costs are not measured yet.
SplitDecision split_heavy_cells(const Recipe& recipe, std::span<const double> cost, std::uint32_t ranks,
                                double fraction);

// The split that does not depend on the rank count: every cable cell costing at least half as
// much as the most expensive cable cell is cut into exactly `pieces` pieces. Plans for any number
// of ranks made so cut every cell the same, so their runs give the same bits.
SplitDecision split_into_pieces(const Recipe& recipe, std::span<const double> cost, std::uint32_t pieces);

// Rank loads when the units are placed by LPT, and their imbalance (max / mean).
struct SplitPrediction {
    std::vector<double> load;
    double imbalance = 1.0;
    double heaviest_unit = 0.0;
};
SplitPrediction predict_split_lpt(const SplitDecision& decision, std::uint32_t ranks);

}  // namespace parnet::balance
