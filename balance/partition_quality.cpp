#include "balance/partition_quality.hpp"

#include <algorithm>
#include <numeric>

namespace parnet::balance {

double PartitionQuality::mean_remote_sources() const {
    if (remote_sources.empty()) return 0.0;
    return static_cast<double>(std::accumulate(remote_sources.begin(), remote_sources.end(), std::uint64_t{0})) /
           static_cast<double>(remote_sources.size());
}

std::uint64_t PartitionQuality::max_remote_sources() const {
    return remote_sources.empty() ? 0 : *std::max_element(remote_sources.begin(), remote_sources.end());
}

double imbalance_of(std::span<const double> loads) {
    if (loads.empty()) return 1.0;
    const double total = std::accumulate(loads.begin(), loads.end(), 0.0);
    if (!(total > 0)) return 1.0;
    return *std::max_element(loads.begin(), loads.end()) / (total / static_cast<double>(loads.size()));
}

PartitionQuality evaluate_partition(const IncomingGraph& incoming, std::span<const float> rates,
                                    std::span<const double> cost, std::span<const std::uint32_t> rank_of_gid,
                                    std::span<const std::uint16_t> thread_of_gid, std::uint32_t ranks,
                                    std::uint32_t threads) {
    const Gid n = incoming.cell_count();
    PartitionQuality q;
    // A rank computes for as long as its slowest thread.
    std::vector<double> thread_load(static_cast<std::size_t>(ranks) * threads, 0.0);
    for (Gid g = 0; g < n; ++g)
        thread_load[static_cast<std::size_t>(rank_of_gid[g]) * threads + (threads > 1 ? thread_of_gid[g] : 0)] += cost[g];
    q.load.assign(ranks, 0.0);
    for (std::uint32_t r = 0; r < ranks; ++r)
        q.load[r] = *std::max_element(thread_load.begin() + static_cast<std::ptrdiff_t>(r) * threads,
                                      thread_load.begin() + static_cast<std::ptrdiff_t>(r + 1) * threads);
    q.imbalance = imbalance_of(q.load);

    // Gids of each rank (counting sort), then each rank's remote sources counted once with a stamp.
    std::vector<std::uint64_t> first(static_cast<std::size_t>(ranks) + 1, 0);
    for (Gid g = 0; g < n; ++g) ++first[rank_of_gid[g] + 1];
    for (std::uint32_t r = 0; r < ranks; ++r) first[r + 1] += first[r];
    std::vector<Gid> by_rank(n);
    {
        std::vector<std::uint64_t> cursor(first.begin(), first.end() - 1);
        for (Gid g = 0; g < n; ++g) by_rank[cursor[rank_of_gid[g]]++] = g;
    }
    std::vector<std::uint32_t> stamp(n, 0);  // rank + 1 that last counted the gid
    q.remote_sources.assign(ranks, 0);
    for (std::uint32_t r = 0; r < ranks; ++r) {
        for (std::uint64_t i = first[r]; i < first[r + 1]; ++i) {
            for (Gid s : incoming.sources_of(by_rank[i])) {
                if (rank_of_gid[s] == r) continue;
                ++q.cut_connections;
                q.cut_traffic += rates[s];
                if (stamp[s] != r + 1) {
                    stamp[s] = r + 1;
                    ++q.remote_sources[r];
                }
            }
        }
    }
    const auto connections = incoming.connection_count();
    q.cut_fraction = connections ? static_cast<double>(q.cut_connections) / static_cast<double>(connections) : 0.0;
    return q;
}

}  // namespace parnet::balance
