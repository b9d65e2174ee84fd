#pragma once
// Calibration by measurement: a sample of cells of one configuration is integrated on this machine
// for a short simulated interval, once with no input and once with the input the model gives
// them, giving seconds per cell per simulated ms and seconds per delivered event (the event's
// own cost and what it makes the cell do; docs/planning.md).
#include "balance/calibration.hpp"
#include "balance/cell_configuration.hpp"
#include "engine/network.hpp"

#include <cstdint>
#include <span>

namespace parnet::balance {

struct MeasurementSettings {
    std::uint32_t sample_cells = 256;    // cells timed per configuration (fewer if the model has fewer)
    double min_wall_seconds = 0.1;       // each timing runs at least this long (CPU seconds)
    int repeats = 3;                     // the median of this many timings is kept
    double events_per_cell_ms = 10.0;    // input of the event timing when the model gives the cells none
};

// Times the configuration's cells of `network` (they must exist in its model). The event timing
// gives the cells the input the model gives them (every projection onto them, at its in-degree
// times its sources' `rates`, in Hz per gid, with its mean weight), as Poisson trains.
ConfigurationCost measure_configuration(const Network& network, const CellConfiguration& configuration,
                                        const MeasurementSettings& settings, std::span<const float> rates);

// Seconds the event queue spends per event (push, then sorted hand-out at its epoch); part of
// every configuration's seconds_per_event.
double measure_queue_cost(const MeasurementSettings& settings);

}  // namespace parnet::balance
