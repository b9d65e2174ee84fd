// NEURON's implicit methods in parnet-modcc against NEURON 8.2 running the same .mod files
// (tools/neuron_reference/implicit_mechanisms.py): KINETIC schemes by sparse (NEURON's demo
// release.mod; kna: a Markov Na channel with CONSERVE and STEADYSTATE sparse; cabuf: a nonlinear
// calcium buffer with COMPARTMENT and a flux, writing cai) and DERIVATIVE blocks by derivimplicit
// (cadi: a saturating calcium pump; kdi: an HH K gate; coupled: two nonlinear coupled states), on
// a compartment and a ball-and-stick cell.
#include "neuron_comparison.hpp"

namespace parnet {
namespace {

void compare(const char* variant, double v_bound) {
    mechanism_test::compare_with_neuron("implicit_mechanisms.json", PARNET_IMPLICIT_CATALOGUE, variant, v_bound);
}

TEST(ImplicitMethodsAgainstNeuron, SingleCompartment) { compare("single_compartment", 1e-9); }  // achieved 1.6e-10 mV

TEST(ImplicitMethodsAgainstNeuron, BallAndStick) { compare("ball_and_stick", 1e-9); }  // achieved 9e-11 mV

// net_send from INITIAL and NET_RECEIVE (flags, t, the weight a self event carries): pulsesyn.mod
// on an hh compartment driven by a NetStim (tools/neuron_reference/self_event_mechanisms.py).
TEST(SelfEventsAgainstNeuron, PulseSynapseOnHhCompartment) {
    mechanism_test::compare_with_neuron("self_event_mechanisms.json", PARNET_IMPLICIT_CATALOGUE, "single_compartment",
                                        1e-9);  // achieved 5.3e-11 mV
}

}  // namespace
}  // namespace parnet
