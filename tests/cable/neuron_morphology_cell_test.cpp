// parnet against NEURON 8.2 on a reconstructed cell: examples/morphologies/small_pyramid.swc read
// as Import3d does, nseg by d_lambda, hh on soma and axon, pas elsewhere with an apical
// conductance growing exponentially with the distance from soma(0.5), an IClamp and ExpSyn
// events (reference: tools/neuron_reference/morphology_cell.py, raw doubles).
#include "cable_test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace parnet {
namespace {

using namespace cable_test;

std::string cell_json() {
    return R"({"morphology": ")" + std::string(PARNET_SOURCE_DIR) + R"(/examples/morphologies/small_pyramid.swc",
      "Ra": 100, "cm": 1, "nseg": {"d_lambda": 0.1, "frequency": 100},
      "biophysics": [
        {"region": "soma", "mechanisms": {"hh": {}}},
        {"region": "axon", "mechanisms": {"hh": {"gnabar": 0.25}}},
        {"region": "dend", "mechanisms": {"pas": {"g": 5e-5, "e": -65}}},
        {"region": "apic", "mechanisms": {"pas": {"e": -65,
           "g": {"distance": "exponential", "a": 2e-5, "b": 3e-5, "c": 0.006}}}}],
      "synapses": [
        {"name": "apical", "type": "expsyn", "section": "apic[10]", "x": 0.5, "tau": 2, "e": 0},
        {"name": "basal", "type": "expsyn", "section": "dend[5]", "x": 0.8, "tau": 3, "e": 0}],
      "detector": {"section": "axon[0]", "x": 1, "threshold": 0}})";
}

TEST(NeuronMorphologyCell, SectionsNsegAndDistanceDependentConductanceEqualNeurons) {
    const auto ref = load_reference("morphology_cell.json");
    const auto cell = read_cell(cell_json(), "populations[0].cell");
    ASSERT_EQ(cell->sections.size(), ref["sections"].size());
    std::uint64_t compartments = 0;
    for (const auto& s : ref["sections"]) {
        const auto idx = cell->section_index(s["name"].get<std::string>());
        ASSERT_TRUE(idx.has_value()) << s["name"];
        EXPECT_EQ(cell->sections[*idx].ncomp, s["nseg"].get<std::uint32_t>()) << s["name"];
        compartments += s["nseg"].get<std::uint64_t>();
    }
    EXPECT_EQ(cell->compartment_count(), compartments);
    double worst = 0;
    std::size_t checked = 0;
    for (const auto& g : ref["apical_pas_g"]) {
        const CableSection& sec = cell->sections[*cell->section_index(g["section"].get<std::string>())];
        const auto k = static_cast<std::size_t>(g["x"].get<double>() * sec.ncomp);
        const double value = sec.pas_segments.empty() ? sec.pas->g : sec.pas_segments.at(k).g;
        worst = std::max(worst, std::fabs(value - g["g"].get<double>()) / g["g"].get<double>());
        ++checked;
    }
    EXPECT_GT(checked, 20u);
    std::printf("%zu apical segments, largest relative difference of pas g: %.3g\n", checked, worst);
    EXPECT_LT(worst, 1e-13);
}

TEST(NeuronMorphologyCell, SpikesInNeuronsStepsAndVoltagesWithin1e9mV) {
    const auto ref = load_reference("morphology_cell.json");
    const double dt = ref["dt"];
    const Step every = ref["sample_every_steps"].get<Step>();
    const auto cell = read_cell(cell_json(), "populations[0].cell");
    std::vector<Event> events;
    for (const auto& e : ref["events"])
        events.push_back({e["time"].get<double>(), e["weight"].get<double>(),
                          *cell->synapse_index(e["synapse"].get<std::string>())});
    CableGroup group({{3, cell, {clamp("soma[0]", 0.5, 5, 30, 0.3)}}}, dt);
    std::vector<std::vector<double>> traces(ref["probes"].size());
    const auto spikes = drive(group, std::llround(ref["tstop"].get<double>() / dt), every, dt, {events}, [&](Step) {
        for (std::size_t p = 0; p < traces.size(); ++p)
            traces[p].push_back(group.voltage(0, ref["probes"][p]["section"].get<std::string>(),
                                              ref["probes"][p]["x"].get<double>()));
    });
    const auto& ref_spikes = ref["spike_times"];
    ASSERT_EQ(spikes.size(), ref_spikes.size());
    for (std::size_t i = 0; i < spikes.size(); ++i)
        EXPECT_EQ(step_of(spikes[i].time, dt), step_of(ref_spikes[i].get<double>(), dt)) << "spike " << i;
    for (std::size_t p = 0; p < traces.size(); ++p) {
        const auto& expected = ref["probes"][p]["v"];
        ASSERT_EQ(expected.size(), traces[p].size());
        double worst = 0;
        for (std::size_t i = 0; i < traces[p].size(); ++i)
            worst = std::max(worst, std::fabs(traces[p][i] - expected[i].get<double>()));
        std::printf("largest |V - V_NEURON| at %s(%g): %.3g mV\n",
                    ref["probes"][p]["section"].get<std::string>().c_str(), ref["probes"][p]["x"].get<double>(), worst);
        EXPECT_LT(worst, 1e-9);   // measured ~1.5e-11 mV
    }
}

}  // namespace
}  // namespace parnet
