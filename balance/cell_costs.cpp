#include "balance/cell_costs.hpp"

namespace parnet::balance {

std::vector<double> predict_cell_costs(const ConfigurationIndex& configurations,
                                       std::span<const ConfigurationCost> cost_of_configuration,
                                       const IncomingGraph& incoming, std::span<const float> rates) {
    std::vector<double> cost(incoming.cell_count(), 0.0);
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(cost.size()); ++i) {
        const auto g = static_cast<Gid>(i);
        const ConfigurationCost& c = cost_of_configuration[configurations.of_cell(g)];
        const double per_second = 1000.0 * c.seconds_per_cell_ms;
        double events_per_second = 0.0;
        for (Gid s : incoming.sources_of(g)) events_per_second += rates[s];
        cost[g] = per_second + events_per_second * c.seconds_per_event;
    }
    return cost;
}

}  // namespace parnet::balance
