#include "path_distance.hpp"

#include "section_geometry.hpp"

#include <algorithm>

namespace parnet::cable {

PathDistance::PathDistance(const CableCellDescription& cell) {
    for (const auto& s : cell.sections) {
        parent_.push_back(s.parent ? static_cast<std::int64_t>(*s.parent) : -1);
        parent_x_.push_back(s.parent_x);
        length_.push_back(section_length(s));
        nseg_.push_back(s.ncomp);
    }
}

PathDistance::Node PathDistance::node_exact(std::uint32_t section, double x) const {
    const std::uint32_t n = nseg_[section];
    if (x <= 0.0) return canonical({section, -1});
    if (x >= 1.0) return {section, static_cast<std::int32_t>(n)};
    const auto i = static_cast<std::uint32_t>(static_cast<double>(n) * x);   // node_index
    return {section, static_cast<std::int32_t>(std::min(i, n - 1))};
}

// A section's x = 0 node is a node of its parent (recursively when attached at the parent's 0).
PathDistance::Node PathDistance::canonical(Node node) const {
    while (node.index == -1 && parent_[node.section] >= 0) {
        const auto p = static_cast<std::uint32_t>(parent_[node.section]);
        const double x = parent_x_[node.section];
        if (x <= 0.0) {
            node = {p, -1};
        } else {
            const std::uint32_t n = nseg_[p];
            const auto i = x >= 1.0 ? n : std::min(static_cast<std::uint32_t>(static_cast<double>(n) * x), n - 1);
            node = {p, static_cast<std::int32_t>(i)};
        }
    }
    return node;
}

// solve.cpp node_dist: the node's distance from the section's x = 0.
double PathDistance::node_dist(std::uint32_t section, Node node) const {
    if (node == canonical({section, -1})) return 0.0;
    const std::uint32_t n = nseg_[section];
    const double ratio = node.index == static_cast<std::int32_t>(n)
                             ? 1.0
                             : (static_cast<double>(node.index) + .5) / static_cast<double>(n);
    return length_[section] * ratio;
}

// topol_distance: move the later section (in the description's order, parents first) towards
// the root until both meet, adding the path covered.
double PathDistance::between(std::uint32_t s1, Node n1, std::uint32_t s2, Node n2) const {
    double d = 0;
    while (s1 != s2) {
        if (s1 > s2) {
            d += node_dist(s1, n1);
            n1 = canonical({s1, -1});
            s1 = static_cast<std::uint32_t>(parent_[s1]);
        } else {
            d += node_dist(s2, n2);
            n2 = canonical({s2, -1});
            s2 = static_cast<std::uint32_t>(parent_[s2]);
        }
    }
    if (!(n1 == n2)) {
        const double x1 = node_dist(s1, n1), x2 = node_dist(s2, n2);
        d += x1 < x2 ? x2 - x1 : x1 - x2;
    }
    return d;
}

double PathDistance::between(std::uint32_t section1, double x1, std::uint32_t section2, double x2) const {
    return between(section1, node_exact(section1, x1), section2, node_exact(section2, x2));
}

std::vector<std::vector<double>> PathDistance::to_segment_centres(std::uint32_t section, double x) const {
    const Node origin = node_exact(section, x);
    std::vector<std::vector<double>> d(nseg_.size());
    for (std::uint32_t s = 0; s < nseg_.size(); ++s)
        for (std::uint32_t k = 0; k < nseg_[s]; ++k)
            d[s].push_back(between(section, origin, s, Node{s, static_cast<std::int32_t>(k)}));
    return d;
}

}  // namespace parnet::cable
