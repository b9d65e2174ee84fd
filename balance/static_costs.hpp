#pragma once
// The fallback when measuring is not possible (--static-costs): a configuration's costs from the
// one static cost model (engine/cost_model.hpp) that the engine's thread balancing uses too,
// asked for one of its cells (every cell of a configuration costs the same).
#include "balance/calibration.hpp"
#include "engine/recipe.hpp"

namespace parnet::balance {

ConfigurationCost static_cost(const Recipe& recipe, Gid example);

}  // namespace parnet::balance
