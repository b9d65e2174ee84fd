// The planner's split decision (balance/cell_splitting.hpp): heavy cable cells are cut into
// pieces of balanced cost, other cells stay whole, and LPT over the pieces beats whole cells.
#include "balance/cell_splitting.hpp"
#include "balance/lpt.hpp"
#include "balance/firing_rates.hpp"
#include "balance/incoming_graph.hpp"
#include "balance/partition_quality.hpp"
#include "balance/progress_line.hpp"
#include "balance/split_placement.hpp"
#include "engine/split_layout.hpp"
#include "balance_test_support.hpp"
#include "engine/network.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

namespace parnet::balance {
namespace {

using testing::cable_cell_json;
using testing::model_from;

// 4 cable cells of 200 compartments (gids 0-3) and 100 lif cells (gids 4-103).
Model heavy_model() {
    return model_from(R"({"run": {"tstop": 100, "dt": 0.025},
      "cell_templates": {"big": )" + cable_cell_json(199) + R"(},
      "populations": [{"name": "big", "count": 4, "kind": "cable", "cell": "big"},
                      {"name": "exc", "count": 100, "kind": "lif"}]})");
}

std::vector<double> costs() {
    std::vector<double> cost(104, 0.1);
    std::fill(cost.begin(), cost.begin() + 4, 10.0);
    cost[50] = 5.0;   // a heavy lif cell: it cannot be split
    return cost;
}

TEST(CellSplitting, HeavyCableCellsBecomeBalancedPieces) {
    const Model model = heavy_model();
    const Network network(model);
    const auto cost = costs();
    const std::uint32_t ranks = 16;
    const double total = std::accumulate(cost.begin(), cost.end(), 0.0);   // 54.9
    const SplitDecision decision = split_heavy_cells(network, cost, ranks, 0.5);
    EXPECT_DOUBLE_EQ(decision.threshold, 0.5 * total / ranks);
    ASSERT_EQ(decision.cells.size(), 4u);
    for (const SplitCell& cell : decision.cells) {
        // ceil(10 / 1.7156) = 6 pieces, each near a sixth of the cell.
        EXPECT_EQ(cell.piece_cost.size(), 6u);
        EXPECT_NEAR(std::accumulate(cell.piece_cost.begin(), cell.piece_cost.end(), 0.0), 10.0, 1e-12);
        EXPECT_LT(*std::max_element(cell.piece_cost.begin(), cell.piece_cost.end()), 1.3 * 10.0 / 6);
    }
    EXPECT_EQ(decision.boundary_nodes, 4u * 5u);
    // Every gid appears: whole once, or as its pieces; the units' costs sum to the total.
    EXPECT_EQ(decision.unit_cost.size(), 100u + 4u * 6u);
    EXPECT_NEAR(std::accumulate(decision.unit_cost.begin(), decision.unit_cost.end(), 0.0), total, 1e-9);
    EXPECT_EQ(std::count(decision.unit_gid.begin(), decision.unit_gid.end(), 50u), 1);
    EXPECT_EQ(std::count(decision.unit_gid.begin(), decision.unit_gid.end(), 2u), 6);

    const auto whole = bin_loads(cost, lpt_assign(cost, ranks), ranks);
    const SplitPrediction split = predict_split_lpt(decision, ranks);
    EXPECT_NEAR(imbalance_of(whole), 10.0 / (total / ranks), 1e-9);   // 2.91: one cell per rank at most
    EXPECT_NEAR(split.imbalance, 5.0 / (total / ranks), 1e-9);         // now the unsplittable lif cell
    EXPECT_LT(split.imbalance, imbalance_of(whole));
}

TEST(CellSplitting, OffByDefaultAndDeterministic) {
    const Model model = heavy_model();
    const Network network(model);
    const auto cost = costs();
    const SplitDecision none = split_heavy_cells(network, cost, 16, 0.0);
    EXPECT_TRUE(none.cells.empty());
    EXPECT_EQ(none.unit_cost, cost);
    const SplitDecision a = split_heavy_cells(network, cost, 64, 0.5);
    const SplitDecision b = split_heavy_cells(network, cost, 64, 0.5);
    ASSERT_EQ(a.cells.size(), b.cells.size());
    for (std::size_t i = 0; i < a.cells.size(); ++i) EXPECT_EQ(a.cells[i].split.cuts, b.cells[i].split.cuts);
    EXPECT_EQ(a.unit_cost, b.unit_cost);
}

TEST(CellSplitting, FixedPieceCountsCutTheSameForAnyRankCount) {
    const Model model = heavy_model();
    const Network network(model);
    const auto cost = costs();
    const SplitDecision a = split_into_pieces(network, cost, 4);
    ASSERT_EQ(a.cells.size(), 4u);   // the cable cells, not the heavy lif cell
    for (const SplitCell& c : a.cells) {
        EXPECT_EQ(c.piece_cost.size(), 4u);
        EXPECT_EQ(c.split.cuts, standard_cuts(*model.populations[0].cable_of(c.gid), 4).cuts);
    }
}

// Every unit is placed: pieces become vertices of METIS's graph; loads count pieces where they
// run; the plan's rank of a split cell is its piece 0's.
TEST(CellSplitting, PiecesArePlacedAsUnitsByEveryMethod) {
    const Model model = heavy_model();
    const Network network(model);
    const auto cost = costs();
    const std::uint32_t ranks = 16, threads = 2;
    const double total = std::accumulate(cost.begin(), cost.end(), 0.0);
    ProgressLine quiet(0.0);
    const IncomingGraph incoming = build_incoming_graph(network, quiet);
    const auto rates = expected_rates(network, RateAssumptions{});
    const SplitDecision decision = split_heavy_cells(network, cost, ranks, 0.5);
    const VertexBlocks blocks = population_blocks(model, 8, cost, 0.1 * total / ranks);
    for (PlanMethod method : {PlanMethod::metis, PlanMethod::lpt, PlanMethod::round_robin}) {
        const SplitPlacement placed = place_with_splits(method, decision, network, incoming, rates, blocks, cost, ranks,
                                                        threads, MetisSettings{}, TrafficGraphLimits{});
        ASSERT_EQ(placed.rank_of_gid.size(), cost.size()) << method_name(method);
        ASSERT_EQ(placed.splits.cells.size(), 4u);
        EXPECT_NEAR(std::accumulate(placed.load.begin(), placed.load.end(), 0.0), total, 1e-9);
        for (const SplitCellPlacement& c : placed.splits.cells) {
            EXPECT_EQ(c.piece_rank.size(), 6u);
            EXPECT_EQ(placed.rank_of_gid[c.gid], c.piece_rank[0]);
            for (auto t : c.piece_thread) EXPECT_LT(t, threads);
        }
        if (method != PlanMethod::round_robin) {   // the heavy lif cell (5) bounds it: 5 / (54.9 / 16) = 1.46
            EXPECT_LT(placed.imbalance, 1.5) << method_name(method);
        }
    }
}

// Cells the split groups cannot run as the whole cell runs stay whole, with their reason: a clamp
// at the dendrite's zero-area tip (gid 1) and a cell with two detectors (gid 4). A clamp at the
// soma's x = 1, the node the dendrite hangs from, does not stop a split (gid 2).
TEST(CellSplitting, CellsThatSplitCellsWouldRunDifferentlyStayWhole) {
    std::string detectors = cable_cell_json(199);
    detectors.insert(detectors.rfind('}'), R"(, "detectors": [{"name": "soma", "section": "soma", "x": 0.5, "threshold": 10},
        {"name": "tip", "section": "dend", "x": 1, "threshold": -20}])");
    const Model model = model_from(R"({"run": {"tstop": 100, "dt": 0.025},
      "cell_templates": {"big": )" + cable_cell_json(199) + R"(, "two": )" + detectors + R"(},
      "populations": [{"name": "big", "count": 4, "kind": "cable", "cell": "big"},
                      {"name": "two", "count": 1, "kind": "cable", "cell": "two"}],
      "stimuli": [{"type": "current_clamp", "population": "big", "cells": [1], "delay": 1, "duration": 1,
                   "amplitude": 0.1, "section": "dend", "x": 1},
                  {"type": "current_clamp", "population": "big", "cells": [2], "delay": 1, "duration": 1,
                   "amplitude": 0.1, "section": "soma", "x": 1}]})");
    const Network network(model);
    const std::vector<double> cost(5, 10.0);
    for (const SplitDecision& decision : {split_heavy_cells(network, cost, 8, 0.5), split_into_pieces(network, cost, 4)}) {
        std::vector<Gid> split;
        for (const SplitCell& c : decision.cells) split.push_back(c.gid);
        EXPECT_EQ(split, (std::vector<Gid>{0, 2, 3}));
        ASSERT_EQ(decision.kept_whole.size(), 2u);
        EXPECT_EQ(decision.kept_whole[0].first, 1u);
        EXPECT_EQ(decision.kept_whole[0].second, "a current clamp at x = 1 of section 'dend' injects into a zero-area end "
                                                 "node, which split cells do not keep (whole cells do, as NEURON)");
        EXPECT_EQ(decision.kept_whole[1].first, 4u);
        EXPECT_EQ(decision.kept_whole[1].second, "it has 2 spike detectors (split cells detect on one)");
        EXPECT_EQ(std::count(decision.unit_gid.begin(), decision.unit_gid.end(), 1u), 1);
        EXPECT_EQ(std::count(decision.unit_gid.begin(), decision.unit_gid.end(), 4u), 1);
        EXPECT_NEAR(std::accumulate(decision.unit_cost.begin(), decision.unit_cost.end(), 0.0), 50.0, 1e-9);
    }
}

}  // namespace
}  // namespace parnet::balance
