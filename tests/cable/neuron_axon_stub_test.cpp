// BluePyOpt's axon stub against NEURON 8.2 doing BluePyOpt's steps
// (tools/neuron_reference/axon_stub.py): the stub's diameters from the original axon (one
// axonal section, and a branching axon whose second diameter comes from the first section more
// than 60 um away), every section's nseg, area and ri after the replacement (NEURON's default
// Ra 35.4), and a run.
#include "cable_test_support.hpp"
#include "engine/cable/section_geometry.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace parnet {
namespace {

using namespace cable_test;

std::string cell_json(const std::string& file, const std::string& biophysics) {
    return R"({"morphology": ")" + std::string(PARNET_SOURCE_DIR) + "/" + file + R"(",
      "axon": {"replace": "stub"}, "nseg": {"per_length": 40})" + biophysics + "}";
}

double relative(double a, double b) { return std::fabs(a - b) / std::fabs(b); }

TEST(NeuronAxonStub, DiametersSectionsAreasAndResistancesEqualNeurons) {
    const auto ref = load_reference("axon_stub.json");
    double worst = 0;
    for (const auto& c : ref["cells"]) {
        SCOPED_TRACE(c["file"].get<std::string>());
        const auto cell = read_cell(cell_json(c["file"].get<std::string>(), ""), "populations[0].cell");
        ASSERT_EQ(cell->sections.size(), c["sections"].size());
        for (int k = 0; k < 2; ++k) {
            const CableSection& stub = cell->sections[*cell->section_index("axon[" + std::to_string(k) + "]")];
            worst = std::max(worst, relative(stub.diam, c["stub_diams"][k].get<double>()));
            EXPECT_EQ(stub.length, 30.0);
        }
        for (const auto& s : c["sections"]) {
            const auto idx = cell->section_index(s["name"].get<std::string>());
            ASSERT_TRUE(idx.has_value()) << s["name"];
            const CableSection& sec = cell->sections[*idx];
            ASSERT_EQ(sec.ncomp, s["nseg"].get<std::uint32_t>()) << s["name"];
            const auto g = cable::section_geometry(sec);
            for (std::uint32_t k = 0; k < sec.ncomp; ++k) worst = std::max(worst, relative(g.area[k], s["area"][k]));
            for (std::uint32_t k = 0; k <= sec.ncomp; ++k) worst = std::max(worst, relative(1 / g.rinv[k], s["ri"][k]));
        }
    }
    std::printf("largest relative difference from NEURON: %.3g\n", worst);
    EXPECT_LT(worst, 1e-12);
}

TEST(NeuronAxonStub, VoltagesOfTheStubbedCellWithin1e9mV) {
    const auto ref = load_reference("axon_stub.json");
    const auto& c = ref["cells"][0];
    const auto cell = read_cell(cell_json(c["file"].get<std::string>(), R"(, "Ra": 100,
      "biophysics": [{"region": "soma", "mechanisms": {"hh": {}}}, {"region": "axon", "mechanisms": {"hh": {}}},
                     {"region": "dend", "mechanisms": {"pas": {"g": 5e-5, "e": -65}}},
                     {"region": "apic", "mechanisms": {"pas": {"g": 5e-5, "e": -65}}}])"),
                                "populations[0].cell");
    const double dt = 0.025;
    const auto& run = c["run"];
    CableGroup group({{0, cell, {clamp("soma[0]", 0.5, 2, 10, 0.3)}}}, dt);
    std::vector<double> soma, tip;
    drive(group, std::llround(run["tstop"].get<double>() / dt), run["sample_every_steps"].get<Step>(), dt, {}, [&](Step) {
        soma.push_back(group.voltage(0, "soma[0]", 0.5));
        tip.push_back(group.voltage(0, "axon[1]", 1.0));
    });
    double worst = 0, peak = -100;
    ASSERT_EQ(soma.size(), run["v"]["soma[0]"].size());
    for (std::size_t i = 0; i < soma.size(); ++i) {
        worst = std::max({worst, std::fabs(soma[i] - run["v"]["soma[0]"][i].get<double>()),
                          std::fabs(tip[i] - run["v"]["axon[1]"][i].get<double>())});
        peak = std::max(peak, tip[i]);
    }
    std::printf("largest |V - V_NEURON|: %.3g mV (axon tip peak %.1f mV)\n", worst, peak);
    EXPECT_GT(peak, 0.0);   // the stub fires
    EXPECT_LT(worst, 1e-9);
}

}  // namespace
}  // namespace parnet
