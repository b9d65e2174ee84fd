#pragma once
// The one static cost model of a cell: seconds to integrate it through 1 ms of simulated time and
// seconds to deliver one event to it, from what it integrates (steps per ms, compartments with and
// without channels, species, synapses), with coefficients measured once on the development
// machine (docs/planning.md, "Static costs"). The engine balances threads with it when no plan
// fixes them (engine/cost_estimate.hpp); the planner uses it when it does not measure
// (`plan --static-costs`, balance/static_costs.hpp). It gets the order of cells right; its
// absolute seconds are only a guide.
#include "model.hpp"

namespace parnet {

struct StaticCost {
    double seconds_per_cell_ms = 0.0;
    double seconds_per_event = 0.0;
};

// `cable` is the cell's description for CellKind::cable (required there), ignored otherwise.
StaticCost static_cell_cost(CellKind kind, const CableCellDescription* cable, double dt);

}  // namespace parnet
