#pragma once
// The one static cost model of a cell: seconds to integrate it through 1 ms of simulated time and
// seconds to deliver one event to it, from what it integrates (steps per ms, compartments with and
// without channels, species, synapses), with coefficients measured once on the development
// machine (docs/planning.md, "Static costs"). The engine balances threads with it when no plan
// fixes them (engine/cost_estimate.hpp); the planner uses it when it does not measure
// (`plan --static-costs`, balance/static_costs.hpp). It gets the order of cells right; its
// absolute seconds are only a guide.
#include "model.hpp"

#include <cstdint>
#include <string>

namespace parnet {

struct StaticCost {
    double seconds_per_cell_ms = 0.0;
    double seconds_per_event = 0.0;
};

// `cable` is the cell's description for CellKind::cable (required there), ignored otherwise.
StaticCost static_cell_cost(CellKind kind, const CableCellDescription* cable, double dt);

// What makes two cells cost the same, as a key: the kind (spike sources: their model) and, for
// cable cells, what static_cell_cost counts (compartments, species and calcium channels,
// instances per catalogue mechanism by name, GLOBALs set), and dt; e.g. "lif dt=0.025",
// "cable c=200 ExpSyn=1 hh=200 dt=0.025". The planner's configurations and calibration files
// are keyed by it, so its strings must not change for cells that did not.
std::string cost_configuration_key(CellKind kind, SourceModel source, const CableCellDescription* cable, double dt);

// Synapse indices an event may target (0: the cell takes no input).
std::uint32_t synapse_count(CellKind kind, const CableCellDescription* cable);

}  // namespace parnet
