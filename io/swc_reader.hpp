#pragma once
// Reads an SWC file (NeuroMorpho's standard: lines "id type x y z radius parent", '#' comments,
// blank lines) into exactly the sections NEURON 8.2's Import3d_SWC_read + Import3d_GUI create:
// same names, parents, connection points and pt3d lists. The rules are NEURON's
// (docs/morphology.md, "Reading SWC and Neurolucida files").
#include "engine/cable/morphology.hpp"

#include <string>
#include <string_view>

namespace parnet::io {

// Throws input_error "<path>:<line>: <what was wrong>, <what was expected>" for a malformed file.
Morphology read_swc(const std::string& path);

// The same from text already in memory; `name` stands for the file in messages.
Morphology parse_swc(std::string_view text, const std::string& name);

}  // namespace parnet::io
