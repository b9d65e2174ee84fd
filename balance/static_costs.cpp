#include "balance/static_costs.hpp"

#include "engine/cost_model.hpp"

namespace parnet::balance {

ConfigurationCost static_cost(const Population& population, double dt, std::size_t variant) {
    const StaticCost c = static_cell_cost(population.kind, population.kind == CellKind::cable
                                                                ? population.cable_variant(variant).get()
                                                                : nullptr,
                                          dt);
    ConfigurationCost cost;
    cost.source = "static";
    cost.seconds_per_cell_ms = c.seconds_per_cell_ms;
    cost.seconds_per_event = c.seconds_per_event;
    return cost;
}

}  // namespace parnet::balance
