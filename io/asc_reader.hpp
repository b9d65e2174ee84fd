#pragma once
// Reads a Neurolucida ASC file into exactly the sections NEURON 8.2's Import3d_Neurolucida3 +
// Import3d_GUI create: a CellBody contour becomes the soma (NEURON's centroid of the contour),
// (Axon), (Dendrite) and (Apical) trees with their ( ... | ... ) branches become sections;
// markers, spines, colors, names and text are read and ignored as NEURON ignores them.
#include "engine/cable/morphology.hpp"

#include <string>
#include <string_view>

namespace parnet::io {

// Throws input_error "<path>:<line>: <what was wrong>, <what was expected>" for a malformed file.
Morphology read_asc(const std::string& path);

// The same from text already in memory; `name` stands for the file in messages.
Morphology parse_asc(std::string_view text, const std::string& name);

}  // namespace parnet::io
