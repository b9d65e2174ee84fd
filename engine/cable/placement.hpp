#pragma once
// Biophysics placed on a cell by region, as a NEURON script (or BluePyOpt) does: regions are
// sets of segments — by the sections' SWC types, by section names, by path distance from the
// soma, unions — and a list of entries, applied in order (a later entry overrides an earlier
// one where both apply), sets Ra, cm and the nseg rule of the regions' sections and inserts
// mechanisms whose parameters may be functions of the distance of each segment's centre from
// the distance origin (h.distance() from soma(0.5)). See docs/morphology.md.
#include "cable_cell.hpp"
#include "nseg_rule.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parnet::cable {

// A parameter value as a function of the path distance d (um) from the origin, times `scale`:
// constant a; linear a + b d; exponential a + b exp(c d); sigmoid a + b / (1 + exp((c - d)/k)).
struct DistanceFunction {
    enum class Kind { constant, linear, exponential, sigmoid };
    Kind kind = Kind::constant;
    double a = 0.0, b = 0.0, c = 0.0, k = 1.0;
    std::optional<double> scale;   // multiplies the value when given (BluePyOpt's `* value`)
    double operator()(double d) const;
};

struct Region {
    enum class Kind { types, sections, distance, all_of_union };
    Kind kind = Kind::types;
    std::vector<int> types;                 // SWC type codes (soma 1, axon 2, dend 3, apic 4)
    std::vector<std::string> sections;      // section names
    double min = 0.0, max = 0.0;            // distance: segment centres with min <= d <= max ...
    std::optional<std::string> within;      // ... among the segments of this region (else all)
    std::vector<std::string> members;       // union of these regions
    // Whether the region can be decided before nseg is known (no distance in it).
    bool section_level = true;
};

struct MechanismPlacement {
    std::string name;                                   // "hh", "pas" or a catalogue mechanism's
    std::shared_ptr<const Mechanism> catalogue;         // the catalogue mechanism; null for hh and pas
    std::map<std::string, DistanceFunction> parameters; // by NEURON's parameter name (gnabar, g, ...)
};

struct BiophysicsEntry {
    std::string region;
    std::optional<double> cm, Ra;
    std::optional<NsegRule> nseg;
    std::vector<MechanismPlacement> mechanisms;
};

struct Placement {
    std::vector<int> section_types;                 // per section of the cell
    std::map<std::string, Region> regions;          // user regions (built-in: all, soma, axon, dend, apic)
    std::vector<BiophysicsEntry> biophysics;
    // Per section (or empty): the nseg rule before the entries' (a cell-wide default); none
    // keeps the section's ncomp unless an entry gives a rule.
    std::vector<std::optional<NsegRule>> nseg;
    std::uint32_t origin_section = 0;
    double origin_x = 0.5;
};

// The built-in region names and their SWC types.
std::optional<int> builtin_region_type(const std::string& name);

// The segments of a region, [section][segment], for the cell as it stands (distances from the
// placement's origin). Unknown region names throw std::invalid_argument.
std::vector<std::vector<bool>> region_segments(const CableCellDescription& cell, const Placement& placement,
                                               const std::string& region,
                                               const std::vector<std::vector<double>>& distances);

// Applies the placement: cm, Ra and nseg rules in entry order, nseg, then mechanisms and their
// values per segment in entry order.
void apply_placement(CableCellDescription& cell, const Placement& placement);

}  // namespace parnet::cable
