#pragma once
// Basic identifiers shared by every part of parnet.
#include <cstdint>
#include <limits>

namespace parnet {

using Gid = std::uint32_t;          // global cell identifier, 0..N-1
using Step = std::int64_t;          // index of a fixed time step: t = step * dt

inline constexpr double infinite_time = std::numeric_limits<double>::infinity();

// A spike: which cell fired and when (ms).
struct Spike {
    Gid source = 0;
    double time = 0.0;
    friend bool operator==(const Spike&, const Spike&) = default;
};

// Canonical spike order used for output and comparisons: time, then gid.
inline bool spike_time_order(const Spike& a, const Spike& b) {
    return a.time < b.time || (a.time == b.time && a.source < b.source);
}

}  // namespace parnet
