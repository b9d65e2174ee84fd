#pragma once
// NEURON's h.distance(origin, location): the path length along the tree between the *nodes* of
// two locations (solve.cpp topol_distance). A location inside a section stands for its
// segment's centre, x = 0 and 1 for the section's ends; a child attached at parent_x joins the
// parent at the node there (a segment centre for an interior x). Parameters placed as
// functions of distance are evaluated with it, as NEURON scripts do.
#include "cable_cell.hpp"

#include <cstdint>
#include <vector>

namespace parnet::cable {

class PathDistance {
public:
    // Uses the sections' lengths (3-D or cylinder), ncomp, parents and parent_x as they stand.
    explicit PathDistance(const CableCellDescription& cell);

    double between(std::uint32_t section1, double x1, std::uint32_t section2, double x2) const;
    // From (section, x) to the centre of every segment: [section][segment].
    std::vector<std::vector<double>> to_segment_centres(std::uint32_t section, double x) const;

private:
    struct Node {
        std::uint32_t section = 0;
        std::int32_t index = 0;   // -1: the node the section's x = 0 joins; ncomp: its x = 1 end
        bool operator==(const Node&) const = default;
    };
    Node node_exact(std::uint32_t section, double x) const;
    Node canonical(Node node) const;
    double node_dist(std::uint32_t section, Node node) const;
    double between(std::uint32_t s1, Node n1, std::uint32_t s2, Node n2) const;

    std::vector<std::int64_t> parent_;   // -1 for the root
    std::vector<double> parent_x_, length_;
    std::vector<std::uint32_t> nseg_;
};

}  // namespace parnet::cable
