#pragma once
// BluePyOpt's replace_axon (bluepyopt/ephys/morphologies.py, NrnFileMorphology.replace_axon):
// the reconstructed axon is deleted and replaced by two 30-um cylinders of one segment each,
// axon[0] on soma[0](1) and axon[1] on axon[0](1). Their diameters come from the original
// axon as NEURON saw it after BluePyOpt's set_nseg (nseg = 1 + 2*int(L/40) everywhere):
// no axon: 1 and 1 um; otherwise axon[0].diam (the diameter of its middle segment), and for
// the second the diam of the first axonal section whose middle is more than 60 um from
// soma[0](0) (h.distance), axon[0].diam when there is none or only one axonal section.
#include "cable_cell.hpp"

#include <cstdint>
#include <vector>

namespace parnet::cable {

struct AxonStub {
    double length = 30.0;       // um, each of the two sections
    std::uint32_t nseg = 1;
};

// Replaces the sections of type 2 (and anything attached beyond them) in `cell`, keeping
// `types` (one per section) in step. The stub sections take the cm and Ra of the soma.
// Returns the diameters used. Throws std::invalid_argument without a soma section.
std::vector<double> replace_axon_by_stub(CableCellDescription& cell, std::vector<int>& types, const AxonStub& stub);

}  // namespace parnet::cable
