#pragma once
// The predicted cost of every gid in seconds of compute per simulated second (the unit of a plan's
// predicted_load): 1000 ms x seconds per cell per ms of its configuration, plus its expected
// events per second (sum of its sources' rates) x seconds per event.
#include "balance/calibration.hpp"
#include "balance/cell_configuration.hpp"
#include "balance/incoming_graph.hpp"

#include <span>
#include <vector>

namespace parnet::balance {

std::vector<double> predict_cell_costs(const ConfigurationIndex& configurations,
                                       std::span<const ConfigurationCost> cost_of_configuration,
                                       const IncomingGraph& incoming, std::span<const float> rates);

}  // namespace parnet::balance
