#pragma once
// A cable cell description compiled into NEURON's node structure: one node at the centre of each
// compartment, a zero-area node at the x=1 end of every section and a root node at the x=0 end
// of the root section, in Hines order (a parent's index is below its children's), with NEURON's
// areas and axial coefficients (treeset.cpp's a and b). Zero-area nodes with a single neighbour
// and nothing attached (the root below the soma, the tips of the tree) carry no information —
// NEURON's solve sets their voltage equal to their neighbour's — and are left out; those with a
// synapse, a detector or a clamp (CableCellDescription::kept_locations) are kept.
#include "cable_cell.hpp"

#include <cstdint>
#include <vector>

namespace parnet::cable {

class CableLayout {
public:
    explicit CableLayout(const CableCellDescription& cell);

    std::uint32_t node_count() const { return static_cast<std::uint32_t>(parent.size()); }
    // The node NEURON uses for location x of a section (a point process or a probe there).
    std::uint32_t node_at(std::uint32_t section, double x) const;

    // Per node. parent[0] = -1 (node 0 is the only root).
    std::vector<std::int32_t> parent;
    std::vector<double> a;          // coefficient of this node's dv in its parent's row
    std::vector<double> b;          // coefficient of the parent's dv in this node's row
    std::vector<double> area;       // um2; 100 for zero-area nodes (their rows are in nA, uS)
    std::vector<double> cm;         // uF/cm2; 0 on zero-area nodes
    std::vector<double> axial_diagonal;  // -b - sum of the children's a
    // Nodes 1..N-1 in the order the Hines elimination takes them: every node after its
    // children, the children of a node in descending index (so every row receives the same
    // terms in the same order as in the plain descending sweep: the same bits), interleaving
    // independent branches so that their division chains overlap in the processor.
    std::vector<std::uint32_t> elimination_order;

    std::vector<std::uint32_t> synapse_node;  // per synapse of the description
    std::uint32_t detector_node = 0;
    std::vector<std::uint32_t> more_detector_nodes;   // per CableCellDescription::more_detectors
    std::uint64_t compartments = 0;

    // Compartments (nodes with area) for reaction-diffusion, numbered in node order (so a
    // section's compartments are consecutive and a parent comes before its children). They form
    // a tree of their own: a compartment's parent is the nearest compartment towards the root
    // (across zero-area nodes; children of a branch point all join the parent's compartment).
    std::vector<std::uint32_t> compartment_node;      // node of each compartment
    std::vector<std::int32_t> compartment_parent;     // -1 for the first compartment
    std::vector<double> compartment_volume;           // um3, pi d^2/4 dx
    std::vector<double> compartment_diam;             // um
    // Diffusive path to the parent: (dx/2)/(pi d^2/4) of both halves, 1/um; the flux between
    // the two is D (c_parent - c) / path.
    std::vector<double> compartment_path;
    std::vector<std::uint32_t> node_compartment;      // per node: the compartment read there

private:
    struct SectionNodes {
        std::uint32_t start = 0;       // node at x = 0 (full numbering)
        std::uint32_t first_segment = 0;
        std::uint32_t segments = 0;
    };
    std::uint32_t full_node_at(std::uint32_t section, double x) const;
    std::vector<SectionNodes> sections_;
    std::vector<std::uint32_t> kept_;   // full node number -> node (removed nodes -> neighbour)
};

}  // namespace parnet::cable
