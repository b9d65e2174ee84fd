#pragma once
// Events as cells receive them, and the per-cell lanes a cell group is handed each epoch.
#include "types.hpp"

#include <cmath>
#include <cstdint>
#include <span>

namespace parnet {

struct Event {
    double time = 0.0;          // arrival time (ms): spike time + delay
    double weight = 0.0;
    std::uint32_t synapse = 0;
    std::uint32_t order = 0;    // the event queue's tie-break (PendingEvent::order); in the padding
};

// Fixed-step delivery rule (NEURON's): an event is delivered at the step n whose start t_n = n*dt
// satisfies t_n - dt/2 < time <= t_n + dt/2.
inline Step delivery_step(double time, double dt) {
    const double s = std::ceil(time / dt - 0.5);
    return s < 0 ? 0 : static_cast<Step>(s);
}

// An epoch: steps [begin, end) of length dt. Cells advance from t = begin*dt to end*dt.
struct Epoch {
    Step begin = 0;
    Step end = 0;
    double dt = 0.025;
    double t_begin() const { return static_cast<double>(begin) * dt; }
    double t_end() const { return static_cast<double>(end) * dt; }
    double time_of(Step n) const { return static_cast<double>(n) * dt; }
};

// Events due in one epoch for the cells of one group: lane i holds cell i's events in the
// canonical order (time, source gid, connection index). offsets has one entry more than cells.
// When `ends` is given (a part of an epoch), lane i is events[offsets[i] .. ends[i]].
struct EventLanes {
    std::span<const Event> events;
    std::span<const std::uint32_t> offsets;
    std::span<const std::uint32_t> ends = {};
    std::span<const Event> lane(std::size_t cell) const {
        if (offsets.empty()) return {};
        const std::uint32_t end = ends.empty() ? offsets[cell + 1] : ends[cell];
        return events.subspan(offsets[cell], end - offsets[cell]);
    }
};

// One event as a step-binned epoch hands it out: all a cell that only sums weights per step needs.
struct StepInput {
    std::uint32_t cell = 0;     // thread-local cell index
    std::uint32_t synapse = 0;
    double weight = 0.0;
};

// Events due in (a part of) an epoch for the cells of one group, step by step: the inputs of step
// epoch.begin + k are inputs[begins[k] .. ends[k]], in cell order, each cell's in the canonical
// order. A cell's index in the group is its `cell` minus first_cell.
struct StepEvents {
    std::span<const StepInput> inputs;
    std::span<const std::uint32_t> begins, ends;
    std::uint32_t first_cell = 0;
    std::span<const StepInput> step(std::size_t k) const {
        if (begins.empty()) return {};
        return inputs.subspan(begins[k], ends[k] - begins[k]);
    }
};

}  // namespace parnet
