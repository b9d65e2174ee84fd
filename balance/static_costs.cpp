#include "balance/static_costs.hpp"

#include "engine/cost_model.hpp"

namespace parnet::balance {

ConfigurationCost static_cost(const Recipe& recipe, Gid example) {
    const CellKind kind = recipe.kind(example);
    const auto cable = kind == CellKind::cable ? recipe.cable_cell(example) : nullptr;
    const StaticCost c = static_cell_cost(kind, cable.get(), recipe.dt());
    ConfigurationCost cost;
    cost.source = "static";
    cost.seconds_per_cell_ms = c.seconds_per_cell_ms;
    cost.seconds_per_event = c.seconds_per_event;
    return cost;
}

}  // namespace parnet::balance
