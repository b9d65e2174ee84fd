#pragma once
// One synaptic connection, as built target-centred for the target's owner.
#include "types.hpp"

#include <cstdint>

namespace parnet {

struct Connection {
    Gid source = 0;
    Gid target = 0;
    double weight = 0.0;
    double delay = 0.0;          // ms
    std::uint32_t synapse = 0;   // target synapse index (meaning depends on the target kind)
    std::uint32_t index = 0;     // position in the target's incoming list: the canonical tie-break
    // Which of the source cell's spike detectors sends (Spike::detector): 0, the first (the only
    // one of every cell but a cable cell with several; docs/cable-cells.md, "Several detectors").
    std::uint32_t source_detector = 0;
};

}  // namespace parnet
