#include "cable_cell.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace parnet {

std::optional<std::uint32_t> CableCellDescription::synapse_index(std::string_view name) const {
    for (std::size_t i = 0; i < synapses.size(); ++i)
        if (synapses[i].name == name) return static_cast<std::uint32_t>(i);
    return std::nullopt;
}

std::optional<std::uint32_t> CableCellDescription::section_index(std::string_view name) const {
    for (std::size_t i = 0; i < sections.size(); ++i)
        if (sections[i].name == name) return static_cast<std::uint32_t>(i);
    return std::nullopt;
}

std::uint64_t CableCellDescription::compartment_count() const {
    std::uint64_t n = 0;
    for (const auto& s : sections) n += s.ncomp;
    return n;
}

std::uint32_t CableCellDescription::compartment_id(std::uint32_t section, double x) const {
    std::uint32_t first = 0;
    for (std::uint32_t i = 0; i < section; ++i) first += sections.at(i).ncomp;
    const std::uint32_t n = sections.at(section).ncomp;
    const auto k = static_cast<std::uint32_t>(std::floor(x * n));
    return first + std::min(k, n - 1);
}

std::optional<std::uint32_t> CableCellDescription::detector_index(std::string_view name) const {
    if (detector.name == name) return 0u;
    for (std::size_t d = 0; d < more_detectors.size(); ++d)
        if (more_detectors[d].name == name) return static_cast<std::uint32_t>(d + 1);
    return std::nullopt;
}

void CableCellDescription::validate() const {
    auto fail = [](const std::string& what) {
        throw std::invalid_argument("cable cell: " + what);
    };
    auto in_unit = [](double x) { return x >= 0.0 && x <= 1.0; };
    if (sections.empty()) fail("no sections");
    for (std::size_t i = 0; i < sections.size(); ++i) {
        const auto& s = sections[i];
        const std::string where = "section " + std::to_string(i) + " (" + s.name + ")";
        if (i == 0 && s.parent) fail(where + ": the first section must be the root");
        if (i > 0 && (!s.parent || *s.parent >= i))
            fail(where + ": needs a parent listed before it");
        if (!in_unit(s.parent_x)) fail(where + ": parent_x outside [0, 1]");
        if (s.points.empty() && (!(s.length > 0) || !(s.diam > 0)))
            fail(where + ": length and diam must be positive");
        if (!s.points.empty()) {
            if (s.points.size() < 2) fail(where + ": needs at least two 3-D points");
            for (const auto& p : s.points)
                if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z) || !(p.diam >= 0))
                    fail(where + ": 3-D points need finite coordinates and diameters >= 0");
        }
        if (s.ncomp == 0 || !(s.cm >= 0) || !(s.Ra > 0)) fail(where + ": ncomp and Ra must be positive, cm >= 0");
        if (!s.hh_segments.empty() && (!s.hh || s.hh_segments.size() != s.ncomp))
            fail(where + ": per-segment hh values need hh and one value per segment");
        if (!s.pas_segments.empty() && (!s.pas || s.pas_segments.size() != s.ncomp))
            fail(where + ": per-segment pas values need pas and one value per segment");
    }
    for (const auto& syn : synapses) {
        if (syn.section >= sections.size() || !in_unit(syn.x))
            fail("synapse " + syn.name + ": bad location");
        const bool ok = syn.kind == SynapseKind::expsyn ? syn.tau > 0 : (syn.tau1 > 0 && syn.tau2 > 0);
        if (!ok) fail("synapse " + syn.name + ": time constants must be positive");
    }
    for (const auto& s : sections) {
        if ((s.cahva || s.sk) && !calcium) fail("section " + s.name + ": cahva and sk need the cell's calcium");
        if (s.cahva && !(s.cahva->gbar >= 0 && s.cahva->k > 0 && s.cahva->tau > 0))
            fail("section " + s.name + ": cahva needs gbar >= 0, k > 0, tau > 0");
        if (s.sk && !(s.sk->gbar >= 0 && s.sk->kd > 0 && s.sk->tau > 0))
            fail("section " + s.name + ": sk needs gbar >= 0, kd > 0, tau > 0");
    }
    if (calcium) {
        const auto& ca = *calcium;
        if (!(ca.initial > 0 && ca.D >= 0 && ca.cao > 0)) fail("calcium: initial and cao must be positive, D >= 0");
        for (const auto& b : ca.buffers)
            if (!(b.total >= 0 && b.kf > 0 && b.kb > 0 && b.D >= 0))
                fail("calcium buffer " + b.name + ": total >= 0, kf > 0, kb > 0, D >= 0 needed");
        const auto& p = ca.pump;
        if (p.kind == PumpKind::decay && !(p.tau > 0 && p.rest >= 0)) fail("calcium pump: tau > 0, rest >= 0 needed");
        if (p.kind == PumpKind::michaelis_menten && !(p.vmax >= 0 && p.km > 0 && p.rest >= 0))
            fail("calcium pump: vmax >= 0, km > 0, rest >= 0 needed");
    }
    if (detector.section >= sections.size() || !in_unit(detector.x)) fail("detector: bad location");
    for (std::size_t d = 0; d < more_detectors.size(); ++d) {
        const SpikeDetector& det = more_detectors[d];
        if (det.section >= sections.size() || !in_unit(det.x)) fail("detector " + det.name + ": bad location");
        if (det.name.empty() || detector_index(det.name) != static_cast<std::uint32_t>(d + 1))
            fail("detectors after the first need distinct names (got \"" + det.name + "\")");
    }
    if (!std::isfinite(v_init) || !std::isfinite(celsius)) fail("v_init and celsius must be finite");
}

}  // namespace parnet
