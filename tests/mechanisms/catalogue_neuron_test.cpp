// Catalogue mechanisms compiled by parnet-modcc against NEURON 8.2 running the same .mod files
// (tools/neuron_reference/catalogue_mechanisms.py): NEURON's demo channels and parnet's test
// mechanisms (calcium accumulation writing cai, eca by Nernst, a cai-activated K current, an
// h-current with q10) on a single compartment and on a ball-and-stick cell.
#include "engine/cable/cable_group.hpp"
#include "engine/cable/mechanism_catalogue.hpp"
#include "engine/errors.hpp"
#include "engine/event.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

namespace parnet {
namespace {

nlohmann::json reference() {
    std::ifstream in(std::string(PARNET_SOURCE_DIR) + "/tests/data/neuron/catalogue_mechanisms.json");
    return nlohmann::json::parse(in);
}

std::vector<MechanismPlacement> placements(const nlohmann::json& mechanisms, const MechanismCatalogues& catalogues) {
    std::vector<MechanismPlacement> out;
    for (const auto& [name, params] : mechanisms.items()) {
        MechanismPlacement p;
        p.mechanism = catalogues.find(name);
        EXPECT_TRUE(p.mechanism) << name;
        for (const auto& [param, value] : params.items()) p.parameters.emplace_back(param, value.get<double>());
        out.push_back(p);
    }
    return out;
}

void compare(const char* variant, double v_bound) {
    const auto ref = reference();
    MechanismCatalogues catalogues;
    catalogues.add(MechanismCatalogue::load(PARNET_TEST_CATALOGUE));
    auto cell = std::make_shared<CableCellDescription>();
    CableSection soma;
    soma.name = "soma";
    soma.length = soma.diam = 20;
    soma.Ra = 100;
    soma.mechanisms = placements(ref["soma_mechanisms"], catalogues);
    cell->sections = {soma};
    const bool with_dendrite = std::string(variant) == "ball_and_stick";
    if (with_dendrite) {
        CableSection dend;
        dend.name = "dend";
        dend.parent = 0;
        dend.length = 200;
        dend.diam = 1;
        dend.ncomp = 10;
        dend.Ra = 100;
        dend.mechanisms = placements(ref["dend_mechanisms"], catalogues);
        cell->sections.push_back(dend);
    }
    cell->celsius = ref["celsius"];
    cell->v_init = ref["v_init"];
    cell->detector = {0, 0.5, 10.0, false};
    const double dt = ref["dt"];
    const auto& c = ref["clamp"];
    CurrentClamp stim;
    stim.section = "soma";
    stim.x = 0.5;
    stim.delay = c["delay"];
    stim.duration = c["duration"];
    stim.amplitude = c["amplitude"];
    CableGroup group({{0, cell, {stim}}}, dt);

    struct Probe {
        std::string name, variable, section;
        double x = 0.5;
        std::size_t id = 0;
        std::vector<double> values = {};
    };
    std::vector<Probe> probes = {{"v_soma", "v", "soma", 0.5, 0, {}}, {"cai_soma", "cai", "soma", 0.5, 0, {}},
                                 {"eca_soma", "eca", "soma", 0.5, 0, {}}, {"m_HHna_soma", "m_HHna", "soma", 0.5, 0, {}},
                                 {"ica_soma", "ica", "soma", 0.5, 0, {}}};
    if (with_dendrite) {
        probes.push_back({"v_dend", "v", "dend", 0.55, 0, {}});
        probes.push_back({"cai_dend", "cai", "dend", 0.55, 0, {}});
    }
    for (auto& p : probes) p.id = group.add_probe(0, p.variable, p.section, p.x);
    const auto& expected = ref[variant];
    const Step every = std::llround(ref["sample_interval"].get<double>() / dt);
    const Step steps = std::llround(ref["tstop"].get<double>() / dt);
    std::vector<Spike> spikes;
    for (Step begin = 0; begin <= steps; begin += every) {
        for (auto& p : probes) p.values.push_back(group.probe_value(p.id));
        if (begin == steps) break;
        group.advance({begin, begin + every, dt}, EventLanes{}, spikes);
    }
    const auto& ref_spikes = expected["spike_times"];
    ASSERT_EQ(spikes.size(), ref_spikes.size());
    for (std::size_t i = 0; i < spikes.size(); ++i)
        EXPECT_EQ(std::llround(spikes[i].time / dt), std::llround(ref_spikes[i].get<double>() / dt)) << "spike " << i;
    for (const auto& p : probes) {
        const auto& values = expected["samples"][p.name];
        ASSERT_EQ(values.size(), p.values.size()) << p.name;
        double worst = 0, scale = 0;
        for (std::size_t i = 0; i < values.size(); ++i) {
            worst = std::max(worst, std::fabs(p.values[i] - values[i].get<double>()));
            scale = std::max(scale, std::fabs(values[i].get<double>()));
        }
        // Voltages within v_bound mV; other variables within the same relative error.
        const double bound = p.variable == "v" ? v_bound : v_bound * scale / 100.0;
        EXPECT_LT(worst, bound) << p.name;
        std::printf("[ %s ] largest |%s - NEURON|: %.3g (largest |value| %.3g)\n", variant, p.name.c_str(), worst, scale);
    }
}

TEST(CatalogueAgainstNeuron, SingleCompartmentWithTenMechanisms) { compare("single_compartment", 1e-9); }  // achieved 4e-11 mV

TEST(CatalogueAgainstNeuron, BallAndStickWithDendriticCalcium) { compare("ball_and_stick", 1e-9); }  // achieved 1.5e-10 mV

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
