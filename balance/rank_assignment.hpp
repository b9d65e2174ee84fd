#pragma once
// Which rank and thread own each gid, by each method: metis (graph partition weighted by cost and
// traffic), lpt (cost only) and round-robin (NEURON's gid % nhost). Threads are always filled by
// LPT over the rank's cells.
#include "balance/metis_partition.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace parnet::balance {

enum class PlanMethod { metis, lpt, round_robin };
const char* method_name(PlanMethod method);
std::optional<PlanMethod> parse_method(const std::string& name);

struct RankAssignment {
    std::vector<std::uint32_t> rank_of_gid;
    RepairReport repair;          // metis only
    bool called_metis = false;
};

// The graph (non-null, with its vertex blocks) is needed for metis only. cost is per gid. METIS
// places blocks; then single cells move between ranks to fill empty ones and meet the tolerance.
RankAssignment assign_ranks(PlanMethod method, const TrafficGraph* graph, const VertexBlocks* blocks,
                            std::span<const double> cost, std::uint32_t ranks, const MetisSettings& settings = {});

// LPT over each rank's cells.
std::vector<std::uint16_t> assign_threads(std::span<const double> cost, std::span<const std::uint32_t> rank_of_gid,
                                          std::uint32_t ranks, std::uint32_t threads);

// Cells costing more than one rank's fair share (total / ranks), heaviest first: no plan for this
// many ranks can be balanced better than the heaviest of them allows.
struct HeavyCell {
    Gid gid = 0;
    double cost = 0.0;
};
std::vector<HeavyCell> cells_above_fair_share(std::span<const double> cost, std::uint32_t ranks);

}  // namespace parnet::balance
