#include "balance/split_placement.hpp"

#include "balance/lpt.hpp"
#include "balance/metis_partition.hpp"
#include "balance/part_repair.hpp"
#include "balance/partition_quality.hpp"
#include "engine/cable/cable_layout.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

namespace parnet::balance {

namespace {

// Blocks with every split cell alone in its block.
VertexBlocks isolate(const VertexBlocks& blocks, const SplitDecision& decision) {
    std::vector<Gid> first(blocks.first.begin(), blocks.first.end() - 1);
    for (const SplitCell& c : decision.cells) {
        first.push_back(c.gid);
        first.push_back(c.gid + 1);
    }
    const Gid end = blocks.first.back();
    std::sort(first.begin(), first.end());
    first.erase(std::unique(first.begin(), first.end()), first.end());
    while (!first.empty() && first.back() >= end) first.pop_back();
    VertexBlocks out;
    out.first = std::move(first);
    out.first.push_back(end);
    return out;
}

// For every piece i > 0 of a split, the piece holding its cut's parent.
std::vector<std::uint32_t> pieces_above(const cable::CableLayout& layout, const cable::SplitDescription& split) {
    const cable::SplitSolver solver(layout.parent, layout.a, layout.b, split);
    std::vector<std::uint32_t> above(split.piece_count(), 0);
    for (std::size_t i = 0; i < split.cuts.size(); ++i)
        above[i + 1] = solver.piece_of_node(static_cast<std::size_t>(layout.parent[split.cuts[i]]));
    return above;
}

}  // namespace

SplitPlacement place_with_splits(PlanMethod method, const SplitDecision& decision, const Recipe& recipe,
                                 const IncomingGraph& incoming, std::span<const float> rates,
                                 const VertexBlocks& cell_blocks, std::span<const double> cost, std::uint32_t ranks,
                                 std::uint32_t threads, const MetisSettings& settings,
                                 const TrafficGraphLimits& limits) {
    const Gid cells = cost.size();
    // Units: every whole cell (by gid), then the pieces of the split cells in decision order.
    std::vector<std::int64_t> split_index(cells, -1);
    for (std::size_t i = 0; i < decision.cells.size(); ++i) split_index[decision.cells[i].gid] = static_cast<std::int64_t>(i);
    std::vector<std::size_t> first_piece(decision.cells.size());   // unit index of piece 0
    std::vector<double> unit_cost(cost.begin(), cost.end());
    for (std::size_t i = 0; i < decision.cells.size(); ++i) {
        first_piece[i] = unit_cost.size();
        unit_cost.insert(unit_cost.end(), decision.cells[i].piece_cost.begin(), decision.cells[i].piece_cost.end());
        unit_cost[decision.cells[i].gid] = 0.0;   // the whole cell is no unit
    }
    std::vector<std::uint32_t> unit_rank(unit_cost.size(), 0);
    SplitPlacement out;

    switch (method) {
    case PlanMethod::round_robin:
        for (Gid g = 0; g < cells; ++g) unit_rank[g] = static_cast<std::uint32_t>(g % ranks);
        for (std::size_t i = 0; i < decision.cells.size(); ++i)
            for (std::size_t p = 0; p < decision.cells[i].piece_cost.size(); ++p)
                unit_rank[first_piece[i] + p] = static_cast<std::uint32_t>((decision.cells[i].gid + p) % ranks);
        break;
    case PlanMethod::lpt:
        unit_rank = lpt_assign(unit_cost, ranks);
        break;
    case PlanMethod::metis: {
        const VertexBlocks blocks = isolate(cell_blocks, decision);
        TrafficGraph graph;
        if (ranks > 1) graph = build_traffic_graph(incoming, rates, blocks, limits);
        else graph.xadj.assign(blocks.count() + 1, 0);
        // Vertices: blocks of whole cells, then pieces of split cells; a split cell's block is its piece 0.
        const std::size_t B = blocks.count();
        std::vector<std::size_t> vertex_of_block(B);
        std::vector<std::int64_t> split_of_block(B, -1);
        std::size_t next = 0;
        std::vector<double> vertex_cost;
        std::vector<std::size_t> vertex_first_piece(decision.cells.size());
        for (std::size_t v = 0; v < B; ++v) {
            vertex_of_block[v] = next++;
            const Gid g = blocks.first[v];
            if (split_index[g] >= 0) {
                split_of_block[v] = split_index[g];
                vertex_first_piece[static_cast<std::size_t>(split_index[g])] = vertex_of_block[v];
                const auto& pieces = decision.cells[static_cast<std::size_t>(split_index[g])].piece_cost;
                vertex_cost.insert(vertex_cost.end(), pieces.begin(), pieces.end());
                next += pieces.size() - 1;
            } else {
                double c = 0.0;
                for (Gid h = blocks.first[v]; h < blocks.first[v + 1]; ++h) c += cost[h];
                vertex_cost.push_back(c);
            }
        }
        std::vector<std::vector<std::pair<std::int32_t, std::int64_t>>> adjacency(next);
        for (std::size_t v = 0; v < B; ++v)
            for (auto e = graph.xadj[v]; e < graph.xadj[v + 1]; ++e)
                adjacency[vertex_of_block[v]].emplace_back(
                    static_cast<std::int32_t>(vertex_of_block[static_cast<std::size_t>(graph.adjncy[e])]), graph.adjwgt[e]);
        // Pieces joined at a cut: 1/dt messages per second on the spike traffic's scale, capped
        // so that METIS's 32-bit sums cannot overflow.
        const double messages = 1000.0 / recipe.dt();
        const std::int64_t strong = std::clamp<std::int64_t>(std::llround(messages * graph.weight_scale), 1,
                                                             (std::int64_t{1} << 30) / std::max<std::size_t>(1, 4 * next));
        std::map<std::shared_ptr<const CableCellDescription>, std::unique_ptr<cable::CableLayout>> layouts;
        for (std::size_t i = 0; i < decision.cells.size(); ++i) {
            const SplitCell& c = decision.cells[i];
            const auto description = recipe.cable_cell(c.gid);
            auto& layout = layouts[description];
            if (!layout) layout = std::make_unique<cable::CableLayout>(*description);
            const auto above = pieces_above(*layout, c.split);
            for (std::size_t p = 1; p < above.size(); ++p) {
                const auto a = static_cast<std::int32_t>(vertex_first_piece[i] + p);
                const auto b = static_cast<std::int32_t>(vertex_first_piece[i] + above[p]);
                adjacency[static_cast<std::size_t>(a)].emplace_back(b, strong);
                adjacency[static_cast<std::size_t>(b)].emplace_back(a, strong);
            }
        }
        TrafficGraph expanded;
        expanded.xadj.push_back(0);
        for (auto& list : adjacency) {
            std::sort(list.begin(), list.end());
            for (std::size_t k = 0; k < list.size(); ++k) {
                if (!expanded.adjncy.empty() && k > 0 && list[k - 1].first == list[k].first) {
                    expanded.adjwgt.back() = static_cast<std::int32_t>(std::min<std::int64_t>(
                        std::int64_t{expanded.adjwgt.back()} + list[k].second, std::int64_t{1} << 30));
                    continue;
                }
                expanded.adjncy.push_back(list[k].first);
                expanded.adjwgt.push_back(static_cast<std::int32_t>(list[k].second));
            }
            expanded.xadj.push_back(static_cast<std::int32_t>(expanded.adjncy.size()));
        }
        out.graph_vertices = next;
        MetisOutcome m = metis_partition(expanded, vertex_cost, ranks, settings);
        out.repair = m.repair;
        for (std::size_t v = 0; v < B; ++v) {
            const std::size_t vertex = vertex_of_block[v];
            if (split_of_block[v] >= 0) {
                const auto i = static_cast<std::size_t>(split_of_block[v]);
                for (std::size_t p = 0; p < decision.cells[i].piece_cost.size(); ++p)
                    unit_rank[first_piece[i] + p] = m.part[vertex + p];
                unit_rank[decision.cells[i].gid] = m.part[vertex];
            } else {
                for (Gid h = blocks.first[v]; h < blocks.first[v + 1]; ++h) unit_rank[h] = m.part[vertex];
            }
        }
        if (ranks > 1) {   // blocks are coarse: finish the balance unit by unit
            const RepairReport fine = repair_partition(unit_rank, unit_cost, ranks, settings.tolerance);
            out.repair.moves += fine.moves;
            out.repair.empty_parts_left = fine.empty_parts_left;
        }
        break;
    }
    }
    const auto unit_thread = assign_threads(unit_cost, unit_rank, ranks, threads);
    out.rank_of_gid.assign(unit_rank.begin(), unit_rank.begin() + static_cast<std::ptrdiff_t>(cells));
    out.thread_of_gid.assign(unit_thread.begin(), unit_thread.begin() + static_cast<std::ptrdiff_t>(cells));
    for (std::size_t i = 0; i < decision.cells.size(); ++i) {
        const SplitCell& c = decision.cells[i];
        SplitCellPlacement placement;
        placement.gid = c.gid;
        placement.split = c.split;
        for (std::size_t p = 0; p < c.piece_cost.size(); ++p) {
            placement.piece_rank.push_back(unit_rank[first_piece[i] + p]);
            placement.piece_thread.push_back(unit_thread[first_piece[i] + p]);
        }
        out.rank_of_gid[c.gid] = placement.piece_rank[0];
        out.thread_of_gid[c.gid] = placement.piece_thread[0];
        out.splits.cells.push_back(std::move(placement));
    }
    out.load = bin_loads(unit_cost, unit_rank, ranks);
    out.imbalance = imbalance_of(out.load);
    return out;
}

}  // namespace parnet::balance
