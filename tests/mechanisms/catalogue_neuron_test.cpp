// Catalogue mechanisms compiled by parnet-modcc against NEURON 8.2 running the same .mod files
// (tools/neuron_reference/catalogue_mechanisms.py): NEURON's demo channels and parnet's test
// mechanisms (calcium accumulation writing cai, eca by Nernst, a cai-activated K current, an
// h-current with q10) on a single compartment and on a ball-and-stick cell.
#include "neuron_comparison.hpp"

namespace parnet {
namespace {

using mechanism_test::NeuronProbe;

void compare(const char* variant, double v_bound) {
    std::vector<NeuronProbe> probes = {{"v_soma", "v", "soma"}, {"cai_soma", "cai", "soma"},
                                       {"eca_soma", "eca", "soma"}, {"m_HHna_soma", "m_HHna", "soma"},
                                       {"ica_soma", "ica", "soma"}};
    if (std::string(variant) == "ball_and_stick") {
        probes.push_back({"v_dend", "v", "dend", 0.55});
        probes.push_back({"cai_dend", "cai", "dend", 0.55});
    }
    mechanism_test::compare_with_neuron("catalogue_mechanisms.json", PARNET_TEST_CATALOGUE, variant, v_bound, probes);
}

TEST(CatalogueAgainstNeuron, SingleCompartmentWithTenMechanisms) { compare("single_compartment", 1e-9); }  // achieved 3.3e-11 mV

TEST(CatalogueAgainstNeuron, BallAndStickWithDendriticCalcium) { compare("ball_and_stick", 1e-9); }  // achieved 2e-10 mV

TEST(Catalogue, LoadingSomethingElseIsAClearError) {
    try {
        MechanismCatalogue::load("/nonexistent/mods.so");
        FAIL();
    } catch (const input_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot load the mechanism catalogue /nonexistent/mods.so"),
                  std::string::npos);
    }
}

}  // namespace
}  // namespace parnet
