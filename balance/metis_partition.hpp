#pragma once
// Graph partitioning with METIS_PartGraphKway, with the quirks of Debian's METIS 5.1 handled:
// 32-bit idx_t (costs and traffic are scaled to integers whose sums cannot overflow), a symmetric
// graph (traffic_graph.hpp merges both directions), nparts = 1 (METIS crashes: answered without
// calling it), empty parts returned with METIS_OK (repaired), and error codes (thrown, never
// ignored).
#include "balance/part_repair.hpp"
#include "balance/traffic_graph.hpp"

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace parnet::balance {

struct metis_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct MetisSettings {
    double tolerance = 0.02;   // allowed load imbalance (METIS ufactor = 1000 * tolerance)
    int seed = 1;              // METIS's random seed: the same plan on every run
};

struct MetisOutcome {
    std::vector<std::uint32_t> part;
    RepairReport repair;
    std::int64_t edge_cut = 0;   // METIS's objective, in integer traffic units
    bool called_metis = false;
};

// Integer vertex weights in [1, ...] proportional to cost, whose sum is at most `max_total`.
std::vector<std::int32_t> integer_weights(std::span<const double> cost, std::int64_t max_total = std::int64_t{1} << 30);

// Human-readable name of a METIS return code.
std::string metis_status_name(int status);

// Partitions the graph's vertices (vertex v has cost[v]) into `parts` parts.
MetisOutcome metis_partition(const TrafficGraph& graph, std::span<const double> cost, std::uint32_t parts,
                             const MetisSettings& settings = {});

}  // namespace parnet::balance
