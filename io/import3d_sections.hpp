#pragma once
// The last step both morphology readers share, as NEURON's Import3d_GUI.instantiate() does it:
// from the unbranched pieces a reader found (Import3d_Section objects) to the sections NEURON
// creates. It drops one-point and zero-length two-point pieces (children move to the grandparent),
// names the sections by type in order (soma[0], axon[0], dend[3], apic[1], dend_5[0]...),
// represents a one-point root as NEURON's three-point cylinder (L = diam), and rounds every
// coordinate the way NEURON stores it (printed with %.8g, kept as float).
#include "engine/cable/morphology.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parnet::io {

// One Import3d_Section: `raw` holds all its points, including a copy of the parent point;
// points before `first` are not instantiated (NEURON's logical connection, a "wire").
struct Import3dSection {
    int type = 0;
    std::optional<std::size_t> parent;  // index among the pieces; parents precede children
    double parent_x = 1.0;
    std::vector<Point3> raw;
    std::size_t first = 0;
    std::uint32_t line = 0;             // line of the piece's first own point
};

// NEURON's value of a coordinate after pt3dadd("%.8g" text, stored as float).
double neuron_pt3d_value(double v);

// NEURON's section name for the index-th section of an SWC type: soma, axon, dend, apic,
// dend_<type> for user types, minus_<n> for negative ones.
std::string import3d_type_name(int type);

// Import3d_GUI.instantiate(): the sections NEURON creates from the pieces. Throws input_error
// "<file>:<line>: ..." for a section of zero length (NEURON would make it 1e-9 um long).
Morphology instantiate_import3d(std::vector<Import3dSection> pieces, const std::string& file);

}  // namespace parnet::io
