#pragma once
// How good a plan is, before running it: the predicted load of every rank (its slowest thread),
// the imbalance (max / mean), the connections and traffic that cross ranks, and how many distinct
// remote source gids each rank listens to.
#include "balance/incoming_graph.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace parnet::balance {

struct PartitionQuality {
    std::vector<double> load;                   // per rank, seconds per simulated second
    double imbalance = 1.0;                     // max / mean of load
    std::uint64_t cut_connections = 0;          // source and target on different ranks
    double cut_fraction = 0.0;                  // of all connections
    double cut_traffic = 0.0;                   // spikes/s along those connections
    std::vector<std::uint64_t> remote_sources;  // per rank: distinct source gids owned elsewhere
    double mean_remote_sources() const;
    std::uint64_t max_remote_sources() const;
};

PartitionQuality evaluate_partition(const IncomingGraph& incoming, std::span<const float> rates,
                                    std::span<const double> cost, std::span<const std::uint32_t> rank_of_gid,
                                    std::span<const std::uint16_t> thread_of_gid, std::uint32_t ranks,
                                    std::uint32_t threads);

double imbalance_of(std::span<const double> loads);  // max / mean (1 when all are 0)

}  // namespace parnet::balance
