#pragma once
// Ions as NEURON has them (docs/mechanisms.md): per-compartment inside/outside concentrations,
// reversal potential and the current summed over the mechanisms that write it. NEURON's defaults
// and its ion_style rules decide what is a constant and what is recomputed.
#include <cmath>
#include <string>

namespace parnet::cable {

struct IonDefaults {
    double inside = 1.0, outside = 1.0, reversal = 0.0;   // mM, mM, mV (NEURON's for a new ion)
};

inline IonDefaults ion_defaults(const std::string& name) {
    if (name == "na") return {10.0, 140.0, 50.0};
    if (name == "k") return {54.4, 2.5, -77.0};
    if (name == "ca") return {5e-5, 2.0, 132.4579341637009};
    return {};
}

// RT/(zF) in mV (0 for valence 0), as NEURON's nrn_nernst computes it.
inline double nernst_factor(int valence, double celsius) {
    constexpr double faraday = 96485.33212331001, gas_constant = 8.31446261815324;
    if (valence == 0) return 0.0;
    const double ktf = 1000.0 * gas_constant * (celsius + 273.15) / faraday;
    return ktf / valence;
}

// NEURON's nrn_nernst: RT/(zF) log(co/ci) in mV, with its guards.
inline double nernst(double inside, double outside, int valence, double celsius) {
    if (valence == 0) return 0.0;
    if (inside <= 0.0) return 1e6;
    if (outside <= 0.0) return -1e6;
    return nernst_factor(valence, celsius) * std::log(outside / inside);
}

// NEURON's ion_style after nrn_promote over the mechanisms of a cell: concentrations set to
// their defaults at initialisation when some mechanism writes them; the reversal potential
// computed from the concentrations at initialisation when some mechanism reads or writes them,
// and before every step when a mechanism writes them; otherwise a constant.
struct IonStyle {
    bool init_concentrations = false;
    bool init_reversal = false;
    bool advance_reversal = false;
};

}  // namespace parnet::cable
