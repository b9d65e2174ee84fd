#pragma once
// A static complexity model of what a cell costs per simulated ms (arbitrary units, lif = 1).
// Used to balance threads when no measured plan is given; the planner's measured calibration
// (balance/) replaces it when available.
#include "recipe.hpp"

namespace parnet {

double estimated_cost(const Recipe& recipe, Gid g);

}  // namespace parnet
