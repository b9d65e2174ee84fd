#include "placement.hpp"

#include <algorithm>

#include "path_distance.hpp"

#include <cmath>
#include <stdexcept>

namespace parnet::cable {

double DistanceFunction::operator()(double d) const {
    double v = a;
    switch (kind) {
    case Kind::constant: break;
    case Kind::linear: v = a + b * d; break;
    case Kind::exponential: v = a + b * std::exp(c * d); break;
    case Kind::sigmoid: v = a + b / (1 + std::exp((c - d) / k)); break;
    }
    return scale ? v * *scale : v;
}

std::optional<int> builtin_region_type(const std::string& name) {
    if (name == "soma") return 1;
    if (name == "axon") return 2;
    if (name == "dend" || name == "basal") return 3;
    if (name == "apic") return 4;
    return std::nullopt;
}

namespace {

using SegmentSet = std::vector<std::vector<bool>>;

SegmentSet whole_sections(const CableCellDescription& cell, const std::vector<bool>& in) {
    SegmentSet s(cell.sections.size());
    for (std::size_t i = 0; i < cell.sections.size(); ++i) s[i].assign(cell.sections[i].ncomp, in[i]);
    return s;
}

SegmentSet resolve(const CableCellDescription& cell, const Placement& placement, const std::string& name,
                   const std::vector<std::vector<double>>& distances, int depth) {
    if (depth > 64) throw std::invalid_argument("region " + name + ": unions nest too deep (a cycle?)");
    const std::size_t n = cell.sections.size();
    std::vector<bool> in(n, false);
    if (name == "all") return whole_sections(cell, std::vector<bool>(n, true));
    if (const auto type = builtin_region_type(name); type && !placement.regions.count(name)) {
        for (std::size_t i = 0; i < n; ++i) in[i] = placement.section_types[i] == *type;
        return whole_sections(cell, in);
    }
    const auto it = placement.regions.find(name);
    if (it == placement.regions.end()) throw std::invalid_argument("no region named " + name);
    const Region& r = it->second;
    switch (r.kind) {
    case Region::Kind::types:
        for (std::size_t i = 0; i < n; ++i)
            for (int t : r.types) in[i] = in[i] || placement.section_types[i] == t;
        return whole_sections(cell, in);
    case Region::Kind::sections:
        for (const auto& s : r.sections) {
            const auto idx = cell.section_index(s);
            if (!idx) throw std::invalid_argument("region " + name + ": no section named " + s);
            in[*idx] = true;
        }
        return whole_sections(cell, in);
    case Region::Kind::distance: {
        if (distances.empty()) throw std::invalid_argument("region " + name + " depends on distance");
        SegmentSet s = r.within ? resolve(cell, placement, *r.within, distances, depth + 1)
                                : whole_sections(cell, std::vector<bool>(n, true));
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t k = 0; k < s[i].size(); ++k)
                s[i][k] = s[i][k] && distances[i][k] >= r.min && distances[i][k] <= r.max;
        return s;
    }
    case Region::Kind::all_of_union: {
        SegmentSet s = whole_sections(cell, in);
        for (const auto& m : r.members) {
            const SegmentSet o = resolve(cell, placement, m, distances, depth + 1);
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t k = 0; k < s[i].size(); ++k) s[i][k] = s[i][k] || o[i][k];
        }
        return s;
    }
    }
    return whole_sections(cell, in);
}

bool touches(const std::vector<bool>& segments) {
    for (bool b : segments)
        if (b) return true;
    return false;
}

void set_parameter(HodgkinHuxley& p, const std::string& name, double v) {
    if (name == "gnabar") p.gnabar = v;
    else if (name == "gkbar") p.gkbar = v;
    else if (name == "gl") p.gl = v;
    else if (name == "el") p.el = v;
    else if (name == "ena") p.ena = v;
    else if (name == "ek") p.ek = v;
    else throw std::invalid_argument("hh has no parameter " + name);
}

void set_parameter(PassiveLeak& p, const std::string& name, double v) {
    if (name == "g") p.g = v;
    else if (name == "e") p.e = v;
    else throw std::invalid_argument("pas has no parameter " + name);
}

// Inserts the mechanism into the section (defaults where nothing was set) and sets the
// parameters on the chosen segments, keeping per-segment values.
template <typename Parameters>
void place(std::optional<Parameters>& section_value, std::vector<Parameters>& segments, std::uint32_t ncomp,
           const std::vector<bool>& chosen, const std::vector<double>& distance,
           const std::map<std::string, DistanceFunction>& parameters) {
    if (!section_value) section_value = Parameters{};
    if (segments.empty()) segments.assign(ncomp, *section_value);
    for (std::uint32_t k = 0; k < ncomp; ++k) {
        if (!chosen[k]) continue;
        for (const auto& [name, f] : parameters) set_parameter(segments[k], name, f(distance[k]));
    }
}

// A catalogue mechanism: inserted into the whole section (as NEURON's insert), its parameters
// set on the chosen segments.
void place_catalogue(CableSection& sec, const MechanismPlacement& m, const std::vector<bool>& chosen,
                     const std::vector<double>& distance) {
    auto it = std::find_if(sec.mechanisms.begin(), sec.mechanisms.end(),
                           [&](const parnet::MechanismPlacement& p) { return p.mechanism == m.catalogue; });
    if (it == sec.mechanisms.end()) {
        sec.mechanisms.push_back({m.catalogue, {}, {}, {}});
        it = sec.mechanisms.end() - 1;
    }
    for (const auto& [name, f] : m.parameters) {
        auto values = std::find_if(it->segment_parameters.begin(), it->segment_parameters.end(),
                                   [&](const auto& p) { return p.first == name; });
        if (values == it->segment_parameters.end()) {
            it->segment_parameters.emplace_back(name, std::vector<double>(sec.ncomp, std::nan("")));
            values = it->segment_parameters.end() - 1;
        }
        for (std::uint32_t k = 0; k < sec.ncomp; ++k)
            if (chosen[k]) values->second[k] = f(distance[k]);
    }
}

// Per-segment values that are all equal become the section's value.
template <typename Parameters>
void collapse(std::optional<Parameters>& section_value, std::vector<Parameters>& segments) {
    if (segments.empty()) return;
    for (const auto& s : segments)
        if (!(s == segments.front())) return;
    section_value = segments.front();
    segments.clear();
}

}  // namespace

SegmentSet region_segments(const CableCellDescription& cell, const Placement& placement, const std::string& region,
                           const std::vector<std::vector<double>>& distances) {
    return resolve(cell, placement, region, distances, 0);
}

void apply_placement(CableCellDescription& cell, const Placement& placement) {
    const std::size_t n = cell.sections.size();
    if (placement.section_types.size() != n) throw std::invalid_argument("placement: one type per section needed");
    std::vector<std::optional<NsegRule>> rule = placement.nseg;
    rule.resize(n);
    for (const auto& entry : placement.biophysics) {
        if (!entry.cm && !entry.Ra && !entry.nseg) continue;
        const SegmentSet s = resolve(cell, placement, entry.region, {}, 0);
        for (std::size_t i = 0; i < n; ++i) {
            if (!touches(s[i])) continue;
            if (entry.cm) cell.sections[i].cm = *entry.cm;
            if (entry.Ra) cell.sections[i].Ra = *entry.Ra;
            if (entry.nseg) rule[i] = entry.nseg;
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        if (rule[i]) cell.sections[i].ncomp = nseg_for(cell.sections[i], *rule[i]);

    const auto distances = PathDistance(cell).to_segment_centres(placement.origin_section, placement.origin_x);
    for (const auto& entry : placement.biophysics) {
        if (entry.mechanisms.empty()) continue;
        const SegmentSet s = resolve(cell, placement, entry.region, distances, 0);
        for (std::size_t i = 0; i < n; ++i) {
            if (!touches(s[i])) continue;
            CableSection& sec = cell.sections[i];
            for (const auto& m : entry.mechanisms) {
                if (m.catalogue) place_catalogue(sec, m, s[i], distances[i]);
                else if (m.name == "hh") place(sec.hh, sec.hh_segments, sec.ncomp, s[i], distances[i], m.parameters);
                else if (m.name == "pas") place(sec.pas, sec.pas_segments, sec.ncomp, s[i], distances[i], m.parameters);
                else throw std::invalid_argument("placement: no mechanism " + m.name);
            }
        }
    }
    for (auto& sec : cell.sections) {
        collapse(sec.hh, sec.hh_segments);
        collapse(sec.pas, sec.pas_segments);
    }
}

}  // namespace parnet::cable
