#include "cable_layout.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace parnet::cable {

namespace {
constexpr double zero_area = 100.0;  // NEURON's area of end nodes: point currents in nA
}

std::uint32_t CableLayout::full_node_at(std::uint32_t section, double x) const {
    const SectionNodes& s = sections_[section];
    if (x <= 0.0) return s.start;
    if (x >= 1.0) return s.first_segment + s.segments;
    // NEURON's node_index: the compartment containing x.
    auto k = static_cast<std::uint32_t>(x * static_cast<double>(s.segments));
    return s.first_segment + std::min(k, s.segments - 1);
}

std::uint32_t CableLayout::node_at(std::uint32_t section, double x) const {
    return kept_[full_node_at(section, x)];
}

CableLayout::CableLayout(const CableCellDescription& cell) {
    cell.validate();
    const double pi = std::numbers::pi;

    // Full NEURON numbering: the root node, then per section its compartments and its end node.
    std::vector<std::int32_t> full_parent{-1};
    std::vector<double> full_area{zero_area};
    std::vector<double> full_rinv{0.0};  // uS to the parent
    std::vector<double> full_cm{0.0};
    std::vector<bool> full_zero{true};    // root and section-end nodes
    sections_.resize(cell.sections.size());
    for (std::size_t si = 0; si < cell.sections.size(); ++si) {
        const CableSection& sec = cell.sections[si];
        SectionNodes& nodes = sections_[si];
        nodes.start = si == 0 ? 0 : full_node_at(*sec.parent, sec.parent_x);
        nodes.first_segment = static_cast<std::uint32_t>(full_parent.size());
        nodes.segments = sec.ncomp;
        // treeset.cpp nrn_area_ri: half-compartment resistances in megohm, areas in um2.
        const double dx = sec.length / static_cast<double>(sec.ncomp);
        const double rleft = 1e-2 * sec.Ra * (dx / 2) / (pi * sec.diam * sec.diam / 4.);
        double rright = 0.0;
        for (std::uint32_t k = 0; k < sec.ncomp; ++k) {
            full_parent.push_back(k == 0 ? static_cast<std::int32_t>(nodes.start)
                                         : static_cast<std::int32_t>(full_parent.size() - 1));
            full_area.push_back(pi * sec.diam * dx);
            full_rinv.push_back(1. / (rleft + rright));
            full_cm.push_back(sec.cm);
            full_zero.push_back(false);
            rright = rleft;
        }
        full_parent.push_back(static_cast<std::int32_t>(full_parent.size() - 1));
        full_area.push_back(zero_area);
        full_rinv.push_back(1. / rright);
        full_cm.push_back(0.0);
        full_zero.push_back(true);
        compartments += sec.ncomp;
    }
    const std::size_t full = full_parent.size();

    // Which zero-area nodes can go: one neighbour and nothing attached.
    std::vector<int> degree(full, 0);
    for (std::size_t i = 1; i < full; ++i) {
        ++degree[i];
        ++degree[static_cast<std::size_t>(full_parent[i])];
    }
    std::vector<bool> pinned(full, false);
    for (const auto& syn : cell.synapses) pinned[full_node_at(syn.section, syn.x)] = true;
    pinned[full_node_at(cell.detector.section, cell.detector.x)] = true;
    std::vector<bool> removed(full, false);
    for (std::size_t i = 0; i < full; ++i)
        removed[i] = full_zero[i] && degree[i] == 1 && !pinned[i];

    kept_.assign(full, 0);
    std::uint32_t next = 0;
    for (std::size_t i = 0; i < full; ++i)
        if (!removed[i]) kept_[i] = next++;
    for (std::size_t i = 0; i < full; ++i) {
        if (!removed[i]) continue;
        if (i == 0) {  // the root's only child takes its place
            for (std::size_t c = 1; c < full; ++c)
                if (full_parent[c] == 0) { kept_[0] = kept_[c]; break; }
        } else {
            kept_[i] = kept_[static_cast<std::size_t>(full_parent[i])];
        }
    }

    parent.assign(next, -1);
    a.assign(next, 0.0);
    b.assign(next, 0.0);
    area.assign(next, 0.0);
    cm.assign(next, 0.0);
    for (std::size_t i = 0; i < full; ++i) {
        if (removed[i]) continue;
        const std::uint32_t k = kept_[i];
        area[k] = full_area[i];
        cm[k] = full_cm[i];
        const std::int32_t p = full_parent[i];
        if (p < 0 || removed[static_cast<std::size_t>(p)]) continue;  // root
        parent[k] = static_cast<std::int32_t>(kept_[static_cast<std::size_t>(p)]);
        // treeset.cpp connection_coef: rows in mA/cm2 (nA on zero-area nodes).
        a[k] = -1.e2 * full_rinv[i] / full_area[static_cast<std::size_t>(p)];
        b[k] = -1.e2 * full_rinv[i] / full_area[i];
    }
    axial_diagonal.assign(next, 0.0);
    for (std::uint32_t k = 0; k < next; ++k) {
        if (parent[k] < 0) continue;
        axial_diagonal[k] -= b[k];
        axial_diagonal[static_cast<std::size_t>(parent[k])] -= a[k];
    }

    for (std::size_t si = 0; si < cell.sections.size(); ++si) {
        const CableSection& sec = cell.sections[si];
        const std::uint32_t begin = kept_[sections_[si].first_segment];
        const std::uint32_t end = begin + sec.ncomp;
        if (sec.hh) {
            hh.push_back({begin, end, hh_states, *sec.hh});
            hh_states += sec.ncomp;
        }
        if (sec.pas) pas.push_back({begin, end, *sec.pas});
    }
    for (const auto& syn : cell.synapses) synapse_node.push_back(node_at(syn.section, syn.x));
    detector_node = node_at(cell.detector.section, cell.detector.x);
}

}  // namespace parnet::cable
