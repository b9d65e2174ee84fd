#pragma once
// The fallback when measuring is not possible (--static-costs): a complexity model that predicts
// a configuration's costs from what it integrates — steps per ms, compartments with and without
// Hodgkin-Huxley channels, synapses — with coefficients measured once on the development machine
// (docs/planning.md). It gets the order of cells right; its absolute seconds are only a guide.
#include "balance/calibration.hpp"
#include "engine/model.hpp"

namespace parnet::balance {

ConfigurationCost static_cost(const Population& population, double dt, std::size_t variant = 0);

}  // namespace parnet::balance
