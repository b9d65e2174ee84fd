#pragma once
// Counts that come from a time: how many steps a run has, how many rows a trace has. Computed in
// one place by division and rounding, never by adding dt up (a sum of 4e6 steps of 0.025 ms drifts
// by a whole step), so the simulation, the report writers and the readers agree on every count.
#include "types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace parnet {

// The most steps a run may have: far more than any simulation finishes (1e12 steps at 1 us per
// step is 11 days of wall time even for one cell), far fewer than overflow a Step or lose whole
// steps in a double.
inline constexpr double max_steps = 1e12;

// The longest epoch (ms): the default flush interval, so that no epoch holds more output than a
// flush writes (any epoch up to the minimum delay gives the same results).
inline constexpr double max_epoch_ms = 100.0;

// Whole steps of length dt that cover a span: ceil(span / dt), where a quotient within rounding
// of a whole number counts as that number (100 ms / 0.1 ms is 1000 steps, not 1001).
// Precondition: span >= 0, dt > 0 and span / dt <= max_steps (the model reader refuses the rest).
inline std::uint64_t steps_covering(double span, double dt) {
    const double q = span / dt;
    if (!(q > 0)) return 0;
    const double nearest = std::nearbyint(q);
    if (std::abs(q - nearest) <= std::max(1e-9, 1e-12 * q)) return static_cast<std::uint64_t>(nearest);
    return static_cast<std::uint64_t>(std::ceil(q));
}

// Rows of a trace sampled every `interval` from tstart while t < tstop: one per whole interval
// that starts inside [tstart, tstop).
inline std::uint64_t sample_rows(double tstart, double tstop, double interval) {
    return steps_covering(tstop - tstart, interval);
}

}  // namespace parnet
