#pragma once
// NEURON's geometry of one section: its length, and per segment the membrane area and the axial
// conductances between the segment's node and its neighbours (treeset.cpp nrn_area_ri). A
// section is either a cylinder (length, diam) or a list of 3-D points (NEURON's pt3d), over
// which areas and resistances are integrated as frusta exactly as NEURON 8.2 does
// (diam_from_list), including its single-precision storage of the points.
#include "cable_cell.hpp"

#include <vector>

namespace parnet::cable {

struct SectionGeometry {
    double length = 0.0;          // L, um
    std::vector<double> area;     // per segment, um2 (NEURON's NODEAREA)
    // Per node, nseg + 1 entries: the conductance (uS) from segment k's node towards the
    // previous node of the section (NEURON's NODERINV): entry 0 covers only segment 0's left
    // half (the parent adds nothing), entry k the right half of k-1 plus the left half of k,
    // entry nseg the right half of the last segment (to the x = 1 end node).
    std::vector<double> rinv;
    std::vector<double> diam;     // mean diameter per segment, um (NEURON's diam after pt3d)
};

// NEURON's section_length: the path length of the points (from single-precision coordinates,
// as NEURON stores them), or `length` for a cylinder.
double section_length(const CableSection& section);

SectionGeometry section_geometry(const CableSection& section);

// stdlib.hoc's lambda_f(frequency): the AC length constant at `frequency` (Hz), um, integrated
// over the 3-D points when the section has them.
double lambda_f(const CableSection& section, double frequency);

}  // namespace parnet::cable
