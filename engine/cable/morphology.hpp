#pragma once
// A reconstructed morphology as NEURON's Import3d instantiates it: unbranched sections, each with
// the 3-D points (pt3d) NEURON gives it, connected child(0) to parent(parent_x). Readers
// (io/swc_reader, io/asc_reader) produce it; the cable cell reader turns it into CableSections
// whose geometry (areas, axial resistances) is integrated over these points as NEURON does.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parnet {

// One 3-D point of a section, as NEURON's pt3dadd(x, y, z, diam): um.
struct Point3 {
    double x = 0.0, y = 0.0, z = 0.0, diam = 0.0;
};

// SWC structure identifiers (NeuroMorpho's standard); Neurolucida trees map onto the same codes.
enum class MorphologyType : int { undefined = 0, soma = 1, axon = 2, dend = 3, apic = 4 };

struct MorphologySection {
    std::string name;                     // NEURON's name after Import3d: soma[0], axon[2], dend[12]...
    int type = 0;                         // SWC type code (MorphologyType, or a user code >= 5)
    std::optional<std::uint32_t> parent;  // index of the parent section; none for the root
    double parent_x = 1.0;                // where this section's x = 0 attaches on the parent
    std::vector<Point3> points;           // NEURON's pt3d list of the section, in order
    std::uint32_t line = 0;               // line of the file where the section starts (messages)
};

struct Morphology {
    std::string file;                          // path as given, for messages
    std::vector<MorphologySection> sections;   // sections[0] is the root; parents precede children
};

}  // namespace parnet
