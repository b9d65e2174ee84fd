#include "cable_layout.hpp"

#include "section_geometry.hpp"

#include <algorithm>
#include <queue>
#include <cmath>
#include <numbers>

namespace parnet::cable {

namespace {
constexpr double zero_area = 100.0;  // NEURON's area of end nodes: point currents in nA

// A list schedule of the elimination: a node is ready when its children are done and it is
// the highest-index child of its parent not yet done; of the ready nodes the two farthest from
// the root go next, one after the other (they are independent: neither is the other's
// ancestor, and they have different parents).
std::vector<std::uint32_t> interleaved_elimination(const std::vector<std::int32_t>& parent) {
    const std::size_t n = parent.size();
    std::vector<std::vector<std::uint32_t>> children(n);
    for (std::size_t j = n; j-- > 1;) children[static_cast<std::size_t>(parent[j])].push_back(static_cast<std::uint32_t>(j));
    std::vector<std::uint32_t> depth(n, 0), pending(n, 0), next_child(n, 0);
    for (std::size_t j = 1; j < n; ++j) depth[j] = depth[static_cast<std::size_t>(parent[j])] + 1;
    for (std::size_t j = 0; j < n; ++j) pending[j] = static_cast<std::uint32_t>(children[j].size());
    auto deeper = [&](std::uint32_t x, std::uint32_t y) { return depth[x] < depth[y] || (depth[x] == depth[y] && x < y); };
    std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, decltype(deeper)> ready(deeper);
    auto eligible = [&](std::uint32_t j) {
        const auto p = static_cast<std::size_t>(parent[j]);
        return pending[j] == 0 && children[p][next_child[p]] == j;
    };
    for (std::size_t p = 0; p < n; ++p)
        if (!children[p].empty() && eligible(children[p].front())) ready.push(children[p].front());
    std::vector<std::uint32_t> order;
    order.reserve(n);
    while (!ready.empty()) {
        std::uint32_t batch[2];
        std::size_t count = 0;
        while (count < 2 && !ready.empty()) {
            batch[count++] = ready.top();
            ready.pop();
        }
        for (std::size_t i = 0; i < count; ++i) {
            const std::uint32_t j = batch[i];
            order.push_back(j);
            const auto p = static_cast<std::uint32_t>(parent[j]);
            --pending[p];
            ++next_child[p];
            if (next_child[p] < children[p].size() && eligible(children[p][next_child[p]]))
                ready.push(children[p][next_child[p]]);
            if (p != 0 && pending[p] == 0 && eligible(p)) ready.push(p);
        }
    }
    return order;
}
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
    std::vector<double> full_diam{0.0}, full_dx{0.0};
    sections_.resize(cell.sections.size());
    for (std::size_t si = 0; si < cell.sections.size(); ++si) {
        const CableSection& sec = cell.sections[si];
        SectionNodes& nodes = sections_[si];
        nodes.start = si == 0 ? 0 : full_node_at(*sec.parent, sec.parent_x);
        nodes.first_segment = static_cast<std::uint32_t>(full_parent.size());
        nodes.segments = sec.ncomp;
        // treeset.cpp nrn_area_ri: areas in um2 and axial conductances in uS, of a cylinder or
        // integrated over the section's 3-D points.
        const SectionGeometry geometry = section_geometry(sec);
        const double dx = geometry.length / static_cast<double>(sec.ncomp);
        for (std::uint32_t k = 0; k < sec.ncomp; ++k) {
            full_parent.push_back(k == 0 ? static_cast<std::int32_t>(nodes.start)
                                         : static_cast<std::int32_t>(full_parent.size() - 1));
            full_area.push_back(geometry.area[k]);
            full_rinv.push_back(geometry.rinv[k]);
            full_cm.push_back(sec.cm);
            full_zero.push_back(false);
            full_diam.push_back(geometry.diam[k]);
            full_dx.push_back(dx);
        }
        full_parent.push_back(static_cast<std::int32_t>(full_parent.size() - 1));
        full_area.push_back(zero_area);
        full_rinv.push_back(geometry.rinv[sec.ncomp]);
        full_cm.push_back(0.0);
        full_zero.push_back(true);
        full_diam.push_back(0.0);
        full_dx.push_back(0.0);
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
    for (const auto& det : cell.more_detectors) pinned[full_node_at(det.section, det.x)] = true;
    for (const auto& [section, x] : cell.kept_locations) pinned[full_node_at(section, x)] = true;
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
    elimination_order = interleaved_elimination(parent);

    // The compartment tree. rep: the compartment that stands for a full node (itself, or for a
    // zero-area node the nearest compartment towards the root; the root node, which has none,
    // is represented by the first compartment attached to it).
    std::vector<std::int64_t> rep(full, -1), full_compartment(full, -1);
    std::vector<std::size_t> compartment_full;
    auto half_path = [&](std::size_t i) { return (full_dx[i] / 2) / (pi * full_diam[i] * full_diam[i] / 4); };
    for (std::size_t i = 0; i < full; ++i) {
        const std::int32_t p = full_parent[i];
        if (full_zero[i]) {
            if (p >= 0) rep[i] = rep[static_cast<std::size_t>(p)];
            continue;
        }
        const auto c = static_cast<std::int64_t>(compartment_node.size());
        full_compartment[i] = c;
        std::int32_t cparent = -1;
        if (p >= 0) {
            if (rep[static_cast<std::size_t>(p)] < 0) rep[static_cast<std::size_t>(p)] = c;
            else cparent = static_cast<std::int32_t>(rep[static_cast<std::size_t>(p)]);
        }
        rep[i] = c;
        compartment_node.push_back(kept_[i]);
        compartment_full.push_back(i);
        compartment_parent.push_back(cparent);
        compartment_volume.push_back(pi * full_diam[i] * full_diam[i] / 4 * full_dx[i]);
        compartment_diam.push_back(full_diam[i]);
        double path = 0.0;
        if (cparent >= 0) path = half_path(i) + half_path(compartment_full[static_cast<std::size_t>(cparent)]);
        compartment_path.push_back(path);
    }
    node_compartment.assign(next, 0);
    for (std::size_t i = 0; i < full; ++i)
        if (!removed[i]) node_compartment[kept_[i]] = static_cast<std::uint32_t>(std::max<std::int64_t>(rep[i], 0));

    for (const auto& syn : cell.synapses) synapse_node.push_back(node_at(syn.section, syn.x));
    detector_node = node_at(cell.detector.section, cell.detector.x);
    for (const auto& det : cell.more_detectors) more_detector_nodes.push_back(node_at(det.section, det.x));
}

}  // namespace parnet::cable
