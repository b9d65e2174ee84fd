#pragma once
// A multicompartment cell as the model file describes it: a tree of sections (cylinders, or 3-D
// point lists as in NEURON's pt3d) with membrane mechanisms, point synapses and a spike detector. Units and defaults are NEURON's.
// One description is shared by every cell of a population (see docs/cable-cells.md).
#include "calcium.hpp"
#include "morphology.hpp"
#include "mechanism_catalogue.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parnet {

// Shorthands for the built-in catalogue's hh, pas, ExpSyn and Exp2Syn (mechanisms/*.mod): the
// cable groups run them as the catalogue placements they stand for (builtin_mechanisms.hpp).
// NEURON's hh.mod, with its default parameters; ena/ek are NEURON's na/k ion defaults.
struct HodgkinHuxley {
    double gnabar = 0.12;   // S/cm2
    double gkbar = 0.036;   // S/cm2
    double gl = 0.0003;     // S/cm2
    double el = -54.3;      // mV
    double ena = 50.0;      // mV
    double ek = -77.0;      // mV
    bool operator==(const HodgkinHuxley&) const = default;
};

// NEURON's pas (defaults g_pas = 0.001 S/cm2, e_pas = -70 mV).
struct PassiveLeak {
    double g = 0.001;   // S/cm2
    double e = -70.0;   // mV
    bool operator==(const PassiveLeak&) const = default;
};

struct CableSection {
    std::string name;
    std::optional<std::uint32_t> parent;  // index of the parent section; none for the root
    double parent_x = 1.0;                // where section(0) attaches on the parent, in [0, 1]
    double length = 100.0;                // um (a cylinder; unused when points are given)
    double diam = 1.0;                    // um (a cylinder; unused when points are given)
    // NEURON's pt3d list: when it has two or more points, L is their path length and areas and
    // axial resistances are integrated over them (engine/cable/section_geometry.hpp).
    std::vector<Point3> points;
    std::uint32_t ncomp = 1;              // NEURON's nseg
    double cm = 1.0;                      // uF/cm2
    double Ra = 35.4;                     // ohm*cm (NEURON's default)
    std::optional<HodgkinHuxley> hh;
    std::optional<PassiveLeak> pas;
    std::optional<CalciumChannel> cahva;            // needs the cell's calcium
    std::optional<CalciumActivatedPotassium> sk;    // needs the cell's calcium
    // Parameter values per segment (ncomp entries) where they vary along the section (placed as
    // functions of distance); empty: hh / pas above hold on every segment.
    std::vector<HodgkinHuxley> hh_segments;
    std::vector<PassiveLeak> pas_segments;
    // Catalogue mechanisms (docs/mechanisms.md); hh and pas above are placed first among them.
    std::vector<MechanismPlacement> mechanisms;
    // Reversal potentials set on the section (NEURON's `sec.ena = 55`), per ion name: one value
    // per segment (ncomp entries). They hold where the ion's reversal potential is a constant.
    std::vector<std::pair<std::string, std::vector<double>>> reversal_potentials;
};

enum class SynapseKind { expsyn, exp2syn };

// NEURON's ExpSyn (tau) or Exp2Syn (tau1 rise, tau2 decay); weights arrive in uS.
struct CableSynapse {
    std::string name;
    SynapseKind kind = SynapseKind::expsyn;
    double tau = 0.1;      // ms, expsyn
    double tau1 = 0.1;     // ms, exp2syn
    double tau2 = 10.0;    // ms, exp2syn
    double e = 0.0;        // mV reversal potential
    std::uint32_t section = 0;
    double x = 0.5;
    // A catalogue point process instead of the built-in kind (its NET_RECEIVE takes the events).
    std::optional<MechanismPlacement> point_process;
};

// Where and how spikes are detected (NEURON's NetCon threshold on v).
struct SpikeDetector {
    std::uint32_t section = 0;
    double x = 0.5;
    double threshold = 10.0;     // mV
    // false: a spike is reported at the end of the step in which v first exceeds the threshold
    // (NEURON's fixed step). true: linear interpolation of the crossing time within the step.
    bool interpolate = false;
    std::string name;            // what projections (source_detector) and spike files name it by
};

// How hh evaluates its rate functions: NEURON's default 1-mV rate TABLE with linear
// interpolation (the same numbers NEURON uses), or the exact expressions (usetable_hh = 0).
enum class RateEvaluation { table, exact };

struct CableCellDescription {
    std::vector<CableSection> sections;  // sections[0] is the root; a parent precedes its children
    std::vector<CableSynapse> synapses;
    SpikeDetector detector;
    // Further detectors, 1, 2, ... of the cell (NEURON: more NetCons with a source on the cell, each
    // its own gid): a spike of detector d carries Spike::detector = d. Most cells have none.
    std::vector<SpikeDetector> more_detectors;
    // Locations (section, x) whose node the layout keeps even where it would leave a zero-area
    // tip out: a current clamp injects there, and NEURON's voltage at such a node then differs
    // from its neighbour's by the clamp's IR drop. Set by the cable group for clamped cells.
    std::vector<std::pair<std::uint32_t, double>> kept_locations;
    double v_init = -65.0;   // mV
    double celsius = 6.3;    // degC
    RateEvaluation hh_rates = RateEvaluation::table;
    // Intracellular calcium with buffers and a pump (reaction-diffusion cells); none: a plain
    // cable cell.
    std::optional<CalciumSpecies> calcium;

    // Index of the synapse with this name (Event::synapse carries it).
    std::optional<std::uint32_t> synapse_index(std::string_view name) const;
    std::optional<std::uint32_t> section_index(std::string_view name) const;
    // Detector d (0: `detector`, d >= 1: more_detectors[d - 1]) and the number of detectors.
    const SpikeDetector& detector_at(std::uint32_t d) const { return d == 0 ? detector : more_detectors.at(d - 1); }
    std::uint32_t detector_count() const { return 1 + static_cast<std::uint32_t>(more_detectors.size()); }
    std::optional<std::uint32_t> detector_index(std::string_view name) const;
    // Total number of compartments (sum of ncomp).
    std::uint64_t compartment_count() const;
    // The compartment at (section, x) numbered over the whole cell, sections in order and a
    // section's segments from x = 0 (x = 1 counts as the last segment): a SONATA report's
    // element id for a value read there.
    std::uint32_t compartment_id(std::uint32_t section, double x) const;
    // Concentration states per compartment integrated by reaction-diffusion (free calcium and
    // one bound state per buffer); 0 for a plain cable cell. A cheap measure of the extra work.
    std::size_t species_count() const { return calcium ? 1 + calcium->buffers.size() : 0; }
    // Throws std::invalid_argument naming the first inconsistency (readers check earlier, with
    // the file and path; this guards descriptions built in code).
    void validate() const;
};

}  // namespace parnet
