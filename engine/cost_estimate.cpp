#include "cost_estimate.hpp"

#include "cost_model.hpp"

namespace parnet {

double estimated_cost(const Recipe& recipe, Gid g) {
    const CellKind kind = recipe.kind(g);
    const auto cable = kind == CellKind::cable ? recipe.cable_cell(g) : nullptr;
    return static_cell_cost(kind, cable.get(), recipe.dt()).seconds_per_cell_ms;
}

}  // namespace parnet
