#pragma once
// Intracellular calcium of a cable cell, as the model file describes it: free calcium diffusing
// along the cable, buffers (fixed or mobile) binding it, an optional pump; it writes the ca ion's
// cai and takes the mechanisms' ica as its influx. The model's two channels coupled to it (a
// high-voltage-activated Ca current and an SK-like Ca-activated K current) are shorthands for the
// built-in catalogue's cahva and sk (mechanisms/*.mod, builtin_mechanisms.hpp). Units: concentrations mM, diffusion coefficients um2/ms, kf 1/(mM ms), kb 1/ms, times
// ms, conductances S/cm2, potentials mV (NEURON's rxd units). See docs/reaction-diffusion.md.
#include <string>
#include <vector>

namespace parnet {

// Ca + B <-> CaB. The total (B + CaB) starts uniform; B and CaB share one diffusion coefficient,
// so the total stays uniform and only CaB is a state.
struct CalciumBuffer {
    std::string name;
    double total = 0.0;   // mM
    double kf = 0.0;      // 1/(mM ms)
    double kb = 0.0;      // 1/ms
    double D = 0.0;       // um2/ms; 0: fixed buffer
    double dissociation() const { return kb / kf; }   // K_d, mM
    // CaB at equilibrium with free calcium `ca`: total ca / (K_d + ca).
    double bound_at(double ca) const { return total * ca / (dissociation() + ca); }
};

// Extrusion. decay: d[Ca]/dt = (rest - [Ca]) / tau (NEURON's cad, without its shell);
// michaelis_menten: d[Ca]/dt = -vmax ([Ca]/(km + [Ca]) - rest/(km + rest)), rest a steady state.
enum class PumpKind { none, decay, michaelis_menten };

struct CalciumPump {
    PumpKind kind = PumpKind::none;
    double tau = 100.0;   // ms (decay)
    double vmax = 0.0;    // mM/ms (michaelis_menten)
    double km = 1e-3;     // mM (michaelis_menten)
    double rest = 5e-5;   // mM
};

struct CalciumSpecies {
    double initial = 5e-5;   // mM, free calcium everywhere at t = 0 (buffers start at equilibrium)
    double D = 0.6;          // um2/ms
    double cao = 2.0;        // mM, extracellular (fixed) for the Nernst potential
    std::vector<CalciumBuffer> buffers;
    CalciumPump pump;
};

// The built-in cahva (mechanisms/cahva.mod): ica = gbar m^2 (v - eca),
// minf = 1/(1 + exp(-(v - vhalf)/k)), m' = (minf - m)/tau; eca by Nernst from the compartment's cai.
struct CalciumChannel {
    double gbar = 1e-4;    // S/cm2
    double vhalf = -20.0;  // mV
    double k = 5.0;        // mV
    double tau = 1.0;      // ms
};

// The built-in sk (mechanisms/sk.mod): ik = gbar z (v - ek), zinf = cai^4/(cai^4 + kd^4),
// z' = (zinf - z)/tau, cai the compartment's free calcium.
struct CalciumActivatedPotassium {
    double gbar = 1e-3;    // S/cm2
    double kd = 5e-4;      // mM
    double tau = 5.0;      // ms
    double ek = -77.0;     // mV
};

}  // namespace parnet
