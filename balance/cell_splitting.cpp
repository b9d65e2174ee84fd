#include "balance/cell_splitting.hpp"

#include "balance/lpt.hpp"
#include "balance/partition_quality.hpp"
#include "engine/cable/cable_cell.hpp"
#include "engine/cable/cable_layout.hpp"
#include "engine/cable/split_cell.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace parnet::balance {

namespace {

// A cell description's node tree and the weight of every node (1 per compartment).
struct Tree {
    std::vector<std::int32_t> parent;
    std::vector<double> weight;
    double total = 0.0;
};

Tree tree_of(const CableCellDescription& cell) {
    const cable::CableLayout layout(cell);
    Tree tree{layout.parent, std::vector<double>(layout.node_count(), 0.0), 0.0};
    for (std::size_t j = 0; j < layout.node_count(); ++j) tree.weight[j] = layout.cm[j] > 0 ? 1.0 : 0.0;
    tree.total = std::accumulate(tree.weight.begin(), tree.weight.end(), 0.0);
    return tree;
}

// False, noting why in the decision, for a cell the split groups cannot run as the whole cell.
bool can_split(const Recipe& recipe, Gid g, const CableCellDescription& cell, SplitDecision& decision) {
    auto why = cable::why_not_splittable(cell, recipe.clamps_on(g));
    if (!why) return true;
    decision.kept_whole.emplace_back(g, std::move(*why));
    return false;
}

}  // namespace

SplitDecision split_heavy_cells(const Recipe& recipe, std::span<const double> cost, std::uint32_t ranks,
                                double fraction) {
    SplitDecision decision;
    const double total = std::accumulate(cost.begin(), cost.end(), 0.0);
    decision.threshold = fraction * total / ranks;
    std::map<std::shared_ptr<const CableCellDescription>, Tree> trees;   // one layout per distinct description
    std::vector<double> pieces_cost;
    std::vector<Gid> pieces_gid;
    for (Gid g = 0; g < cost.size(); ++g) {
        const bool heavy = fraction > 0 && cost[g] > decision.threshold && recipe.kind(g) == CellKind::cable;
        const auto description = heavy ? recipe.cable_cell(g) : nullptr;
        if (!heavy || !can_split(recipe, g, *description, decision)) {
            decision.unit_cost.push_back(cost[g]);
            decision.unit_gid.push_back(g);
            continue;
        }
        auto found = trees.find(description);
        if (found == trees.end()) found = trees.emplace(description, tree_of(*description)).first;
        const Tree& tree = found->second;
        // The greedy cuts do not always reach equal pieces: more pieces (up to twice as many)
        // until the heaviest is below the threshold.
        const auto least = static_cast<std::uint32_t>(std::min(std::ceil(cost[g] / decision.threshold), tree.total));
        const auto most = static_cast<std::uint32_t>(std::min(2.0 * least, tree.total));
        SplitCell cell;
        cell.gid = g;
        for (std::uint32_t pieces = std::max(least, 1u); pieces <= std::max(most, 1u); ++pieces) {
            cell.split = cable::balanced_cuts(tree.parent, tree.weight, pieces);
            cell.piece_cost.clear();
            for (double w : cable::piece_costs(tree.parent, tree.weight, cell.split))
                cell.piece_cost.push_back(cost[g] * w / tree.total);
            if (*std::max_element(cell.piece_cost.begin(), cell.piece_cost.end()) <= decision.threshold) break;
        }
        decision.boundary_nodes += cell.split.cuts.size();
        pieces_cost.insert(pieces_cost.end(), cell.piece_cost.begin(), cell.piece_cost.end());
        pieces_gid.insert(pieces_gid.end(), cell.piece_cost.size(), g);
        decision.cells.push_back(std::move(cell));
    }
    decision.unit_cost.insert(decision.unit_cost.end(), pieces_cost.begin(), pieces_cost.end());
    decision.unit_gid.insert(decision.unit_gid.end(), pieces_gid.begin(), pieces_gid.end());
    return decision;
}

SplitDecision split_into_pieces(const Recipe& recipe, std::span<const double> cost, std::uint32_t pieces) {
    SplitDecision decision;
    double heaviest = 0.0;
    for (Gid g = 0; g < cost.size(); ++g)
        if (recipe.kind(g) == CellKind::cable)
            heaviest = std::max(heaviest, cost[g]);
    decision.threshold = 0.5 * heaviest;
    std::map<std::shared_ptr<const CableCellDescription>, Tree> trees;
    std::vector<double> pieces_cost;
    std::vector<Gid> pieces_gid;
    for (Gid g = 0; g < cost.size(); ++g) {
        const bool heavy = pieces >= 2 && recipe.kind(g) == CellKind::cable && cost[g] >= decision.threshold && heaviest > 0;
        const auto description = heavy ? recipe.cable_cell(g) : nullptr;
        if (!heavy || !can_split(recipe, g, *description, decision)) {
            decision.unit_cost.push_back(cost[g]);
            decision.unit_gid.push_back(g);
            continue;
        }
        auto found = trees.find(description);
        if (found == trees.end()) found = trees.emplace(description, tree_of(*description)).first;
        const Tree& tree = found->second;
        SplitCell cell;
        cell.gid = g;
        cell.split = cable::balanced_cuts(tree.parent, tree.weight, pieces);
        for (double w : cable::piece_costs(tree.parent, tree.weight, cell.split))
            cell.piece_cost.push_back(cost[g] * w / tree.total);
        decision.boundary_nodes += cell.split.cuts.size();
        pieces_cost.insert(pieces_cost.end(), cell.piece_cost.begin(), cell.piece_cost.end());
        pieces_gid.insert(pieces_gid.end(), cell.piece_cost.size(), g);
        decision.cells.push_back(std::move(cell));
    }
    decision.unit_cost.insert(decision.unit_cost.end(), pieces_cost.begin(), pieces_cost.end());
    decision.unit_gid.insert(decision.unit_gid.end(), pieces_gid.begin(), pieces_gid.end());
    return decision;
}

SplitPrediction predict_split_lpt(const SplitDecision& decision, std::uint32_t ranks) {
    SplitPrediction prediction;
    const auto bin = lpt_assign(decision.unit_cost, ranks);
    prediction.load = bin_loads(decision.unit_cost, bin, ranks);
    prediction.imbalance = imbalance_of(prediction.load);
    if (!decision.unit_cost.empty())
        prediction.heaviest_unit = *std::max_element(decision.unit_cost.begin(), decision.unit_cost.end());
    return prediction;
}

}  // namespace parnet::balance
