#include "axon_stub.hpp"

#include "nseg_rule.hpp"
#include "path_distance.hpp"
#include "section_geometry.hpp"

#include <algorithm>
#include <stdexcept>

namespace parnet::cable {

namespace {

constexpr int axon_type = 2, soma_type = 1;

// NEURON's sec.diam: the diameter of the segment containing x = 0.5.
double middle_diam(const CableSection& s) {
    const SectionGeometry g = section_geometry(s);
    const auto k = std::min(static_cast<std::uint32_t>(0.5 * s.ncomp), s.ncomp - 1);
    return g.diam[k];
}

}  // namespace

std::vector<double> replace_axon_by_stub(CableCellDescription& cell, std::vector<int>& types, const AxonStub& stub) {
    const std::size_t n = cell.sections.size();
    std::size_t soma = n;
    for (std::size_t i = 0; i < n && soma == n; ++i)
        if (cell.sections[i].name == "soma[0]") soma = i;
    for (std::size_t i = 0; i < n && soma == n; ++i)
        if (types[i] == soma_type) soma = i;
    if (soma == n) throw std::invalid_argument("replacing the axon needs a soma section");

    // The cell as BluePyOpt's set_nseg leaves it, for the diameters and distances.
    CableCellDescription measured = cell;
    NsegRule per_40;
    per_40.kind = NsegRule::Kind::per_length;
    for (auto& s : measured.sections) s.ncomp = nseg_for(s, per_40);
    std::vector<std::size_t> axonal;
    for (std::size_t i = 0; i < n; ++i)
        if (types[i] == axon_type) axonal.push_back(i);
    std::vector<double> diams{1.0, 1.0};
    if (!axonal.empty()) {
        diams.assign(2, middle_diam(measured.sections[axonal.front()]));
        if (axonal.size() > 1) {
            const PathDistance distance(measured);
            for (std::size_t i : axonal)
                if (distance.between(static_cast<std::uint32_t>(soma), 0.0, static_cast<std::uint32_t>(i), 0.5) > 60) {
                    diams[1] = middle_diam(measured.sections[i]);
                    break;
                }
        }
    }

    // Delete the axon and whatever hangs on it; renumber the parents of the rest.
    std::vector<bool> removed(n, false);
    for (std::size_t i = 0; i < n; ++i)
        removed[i] = types[i] == axon_type || (cell.sections[i].parent && removed[*cell.sections[i].parent]);
    if (removed[soma]) throw std::invalid_argument("replacing the axon: the soma hangs on the axon");
    std::vector<std::uint32_t> index(n, 0);
    std::vector<CableSection> kept;
    std::vector<int> kept_types;
    for (std::size_t i = 0; i < n; ++i) {
        if (removed[i]) continue;
        index[i] = static_cast<std::uint32_t>(kept.size());
        CableSection s = cell.sections[i];
        if (s.parent) s.parent = index[*s.parent];
        kept.push_back(std::move(s));
        kept_types.push_back(types[i]);
    }
    const std::uint32_t new_soma = index[soma];
    for (int k = 0; k < 2; ++k) {
        CableSection s;
        s.name = "axon[" + std::to_string(k) + "]";
        s.parent = k == 0 ? new_soma : static_cast<std::uint32_t>(kept.size() - 1);
        s.parent_x = 1.0;
        s.length = stub.length;
        s.diam = diams[static_cast<std::size_t>(k)];
        s.ncomp = stub.nseg;
        s.cm = kept[new_soma].cm;
        s.Ra = kept[new_soma].Ra;
        kept.push_back(std::move(s));
        kept_types.push_back(axon_type);
    }
    cell.sections = std::move(kept);
    types = std::move(kept_types);
    return diams;
}

}  // namespace parnet::cable
