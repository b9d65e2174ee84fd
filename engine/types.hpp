#pragma once
// Basic identifiers shared by every part of parnet.
#include <cstdint>
#include <limits>

namespace parnet {

using Gid = std::uint32_t;          // global cell identifier, 0..N-1
using Step = std::int64_t;          // index of a fixed time step: t = step * dt

inline constexpr double infinite_time = std::numeric_limits<double>::infinity();

// A spike: which cell fired, which of its spike detectors (0 for every cell but a cable cell
// with several, docs/cable-cells.md), and when (ms). The detector lives in what was padding: a
// spike is 16 bytes, on the wire as in memory, with one detector or many.
struct Spike {
    Gid source = 0;
    std::uint32_t detector = 0;
    double time = 0.0;
    Spike() = default;
    Spike(Gid source_gid, double t) : source(source_gid), time(t) {}
    Spike(Gid source_gid, std::uint32_t detector_index, double t)
        : source(source_gid), detector(detector_index), time(t) {}
    friend bool operator==(const Spike&, const Spike&) = default;
};
static_assert(sizeof(Spike) == 16);

// Canonical spike order used for output and comparisons: time, then gid, then detector.
inline bool spike_time_order(const Spike& a, const Spike& b) {
    if (a.time != b.time) return a.time < b.time;
    return a.source < b.source || (a.source == b.source && a.detector < b.detector);
}

}  // namespace parnet
