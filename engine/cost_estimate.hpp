#pragma once
// What a cell costs per simulated ms (seconds), from the one static cost model
// (engine/cost_model.hpp) that the planner uses too. Used to balance threads when no plan fixes
// them; the planner's measured calibration (balance/) replaces it when available.
#include "recipe.hpp"

namespace parnet {

double estimated_cost(const Recipe& recipe, Gid g);

}  // namespace parnet
