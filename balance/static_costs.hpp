#pragma once
// The fallback when measuring is not possible (--static-costs): a configuration's costs from the
// one static cost model (engine/cost_model.hpp) that the engine's thread balancing uses too.
#include "balance/calibration.hpp"
#include "engine/model.hpp"

namespace parnet::balance {

ConfigurationCost static_cost(const Population& population, double dt, std::size_t variant = 0);

}  // namespace parnet::balance
