#include "balance/rank_assignment.hpp"

#include "balance/lpt.hpp"

#include <algorithm>
#include <numeric>

namespace parnet::balance {

const char* method_name(PlanMethod method) {
    switch (method) {
    case PlanMethod::metis: return "metis";
    case PlanMethod::lpt: return "lpt";
    case PlanMethod::round_robin: return "round-robin";
    }
    return "?";
}

std::optional<PlanMethod> parse_method(const std::string& name) {
    for (PlanMethod m : {PlanMethod::metis, PlanMethod::lpt, PlanMethod::round_robin})
        if (name == method_name(m)) return m;
    return std::nullopt;
}

RankAssignment assign_ranks(PlanMethod method, const TrafficGraph* graph, const VertexBlocks* blocks,
                            std::span<const double> cost, std::uint32_t ranks, const MetisSettings& settings) {
    RankAssignment out;
    switch (method) {
    case PlanMethod::round_robin:
        out.rank_of_gid.resize(cost.size());
        for (std::size_t g = 0; g < cost.size(); ++g) out.rank_of_gid[g] = static_cast<std::uint32_t>(g % ranks);
        break;
    case PlanMethod::lpt:
        out.rank_of_gid = lpt_assign(cost, ranks);
        break;
    case PlanMethod::metis: {
        if (!graph || !blocks || blocks->count() != graph->vertex_count() || blocks->first.back() != cost.size())
            throw std::logic_error("assign_ranks: metis needs the traffic graph and its blocks");
        std::vector<double> block_cost(blocks->count(), 0.0);
        for (std::size_t v = 0; v < blocks->count(); ++v)
            for (Gid g = blocks->first[v]; g < blocks->first[v + 1]; ++g) block_cost[v] += cost[g];
        MetisOutcome m = metis_partition(*graph, block_cost, ranks, settings);
        out.rank_of_gid.resize(cost.size());
        for (std::size_t v = 0; v < blocks->count(); ++v)
            for (Gid g = blocks->first[v]; g < blocks->first[v + 1]; ++g) out.rank_of_gid[g] = m.part[v];
        out.repair = m.repair;
        out.called_metis = m.called_metis;
        if (blocks->largest() > 1 && ranks > 1) {
            // Blocks are coarse: finish the balance cell by cell.
            const RepairReport fine = repair_partition(out.rank_of_gid, cost, ranks, settings.tolerance);
            out.repair.moves += fine.moves;
            out.repair.empty_parts_left = fine.empty_parts_left;
        }
        break;
    }
    }
    return out;
}

std::vector<std::uint16_t> assign_threads(std::span<const double> cost, std::span<const std::uint32_t> rank_of_gid,
                                          std::uint32_t ranks, std::uint32_t threads) {
    std::vector<std::uint16_t> thread(cost.size(), 0);
    if (threads <= 1) return thread;
    std::vector<std::vector<Gid>> members(ranks);
    for (Gid g = 0; g < cost.size(); ++g) members[rank_of_gid[g]].push_back(g);
    std::vector<double> local;
    for (const auto& gids : members) {
        local.resize(gids.size());
        for (std::size_t i = 0; i < gids.size(); ++i) local[i] = cost[gids[i]];
        const auto bin = lpt_assign(local, threads);
        for (std::size_t i = 0; i < gids.size(); ++i) thread[gids[i]] = static_cast<std::uint16_t>(bin[i]);
    }
    return thread;
}

std::vector<HeavyCell> cells_above_fair_share(std::span<const double> cost, std::uint32_t ranks) {
    const double total = std::accumulate(cost.begin(), cost.end(), 0.0);
    const double fair = total / static_cast<double>(ranks);
    std::vector<HeavyCell> heavy;
    if (ranks <= 1) return heavy;
    for (Gid g = 0; g < cost.size(); ++g)
        if (cost[g] > fair) heavy.push_back({g, cost[g]});
    std::stable_sort(heavy.begin(), heavy.end(), [](const HeavyCell& a, const HeavyCell& b) { return a.cost > b.cost; });
    return heavy;
}

}  // namespace parnet::balance
