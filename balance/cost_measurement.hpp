#pragma once
// Calibration by measurement: a sample of cells of one configuration is integrated on this machine
// for a short simulated interval, once with no input and once with the input the network gives
// them, giving seconds per cell per simulated ms and seconds per delivered event (the event's
// own cost and what it makes the cell do; docs/planning.md).
#include "balance/calibration.hpp"
#include "balance/cell_configuration.hpp"
#include "engine/recipe.hpp"

#include <cstdint>
#include <span>

namespace parnet::balance {

struct MeasurementSettings {
    std::uint32_t sample_cells = 256;    // cells timed per configuration (fewer if the model has fewer)
    double min_wall_seconds = 0.1;       // each timing runs at least this long (CPU seconds)
    int repeats = 3;                     // the median of this many timings is kept
    double events_per_cell_ms = 10.0;    // input of the event timing when the model gives the cells none
};

// Times a sample of configuration c's cells, as the recipe describes them. The event timing gives
// them the input the recipe gives them (their incoming connections, at the sources' `rates`, in
// Hz per gid), as Poisson trains.
ConfigurationCost measure_configuration(const Recipe& recipe, const ConfigurationIndex& index, std::uint32_t c,
                                        const MeasurementSettings& settings, std::span<const float> rates);

// Seconds the event queue spends per event (push, then sorted hand-out at its epoch); part of
// every configuration's seconds_per_event.
double measure_queue_cost(const MeasurementSettings& settings);

}  // namespace parnet::balance
