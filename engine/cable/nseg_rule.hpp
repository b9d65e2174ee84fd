#pragma once
// How many segments (NEURON's nseg) a section gets: a fixed number, NEURON scripts' odd count
// per length `1 + 2*int(L/per_length)`, or the d_lambda rule of NEURON's CellBuilder and
// BluePyOpt, `int((L/(d_lambda*lambda_f(frequency)) + 0.9)/2)*2 + 1`.
#include "cable_cell.hpp"

#include <cstdint>

namespace parnet::cable {

struct NsegRule {
    enum class Kind { fixed, per_length, d_lambda };
    Kind kind = Kind::fixed;
    std::uint32_t count = 1;      // fixed
    double per_length = 40.0;     // um, per_length
    double d_lambda = 0.1;        // fraction of the AC length constant, d_lambda
    double frequency = 100.0;     // Hz, d_lambda
};

// The section's nseg under the rule (its L, diam or points, Ra and cm as they stand).
std::uint32_t nseg_for(const CableSection& section, const NsegRule& rule);

}  // namespace parnet::cable
