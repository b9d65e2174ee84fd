// The model format's catalogue mechanisms (docs/mechanisms.md): placements by name with RANGE
// parameters and GLOBALs, catalogue point processes as synapse types, and the errors.
#include "engine/errors.hpp"
#include "engine/cable/cable_group.hpp"
#include "io/cable_cell_reader.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace parnet {
namespace {

MechanismCatalogues test_catalogues() {
    MechanismCatalogues c;
    c.add(MechanismCatalogue::load(PARNET_TEST_CATALOGUE));
    return c;
}

std::shared_ptr<const CableCellDescription> read(const std::string& text) {
    const auto value = io::json::parse(text);
    return io::read_cable_cell(io::JsonObject(value, "cell", "model.json"), test_catalogues());
}

std::string error_of(const std::string& text) {
    try {
        read(text);
    } catch (const input_error& e) {
        return e.what();
    }
    return "(no error)";
}

std::string cell_with(const std::string& mechanisms, const std::string& dend = "{}") {
    return R"({"sections": [{"name": "soma", "length": 20, "diam": 20, "mechanisms": )" + mechanisms +
           R"(}, {"name": "dend", "parent": "soma", "length": 100, "diam": 1, "mechanisms": )" + dend + "}]}";
}

TEST(CatalogueReader, PlacesMechanismsWithParametersAndGlobals) {
    const auto cell = read(cell_with(R"({"HHna": {"gnabar": 0.2}, "ih": {"gbar": 1e-3, "q10": 3}, "pas": {}})"));
    const auto& m = cell->sections[0].mechanisms;
    ASSERT_EQ(m.size(), 2u);   // pas is the hand-written kernel
    EXPECT_EQ(m[0].mechanism->name(), "HHna");
    ASSERT_EQ(m[0].parameters.size(), 1u);
    EXPECT_EQ(m[0].parameters[0], (std::pair<std::string, double>{"gnabar", 0.2}));
    EXPECT_EQ(m[1].mechanism->name(), "ih");
    ASSERT_EQ(m[1].globals.size(), 1u);
    EXPECT_EQ(m[1].globals[0], (std::pair<std::string, double>{"q10", 3.0}));
    EXPECT_TRUE(cell->sections[0].pas.has_value());
}

TEST(CatalogueReader, CataloguePointProcessesAreSynapseTypes) {
    const auto cell = read(R"({"sections": [{"name": "soma", "length": 20, "diam": 20}],
        "synapses": [{"name": "s", "type": "Exp2Syn", "section": "soma", "params": {"tau2": 5}}]})");
    ASSERT_TRUE(cell->synapses[0].point_process.has_value());
    EXPECT_EQ(cell->synapses[0].point_process->mechanism->name(), "Exp2Syn");
    EXPECT_EQ(cell->synapses[0].point_process->parameters[0], (std::pair<std::string, double>{"tau2", 5.0}));
}

TEST(CatalogueReader, ErrorsNameThePathAndWhatExists) {
    EXPECT_NE(error_of(cell_with(R"({"kdr": {}})")).find("cell.sections[0].mechanisms.kdr"), std::string::npos);
    EXPECT_NE(error_of(cell_with(R"({"kdr": {}})")).find("HHna"), std::string::npos);   // the list
    const std::string param = error_of(cell_with(R"({"HHk": {"gnabar": 1}})"));
    EXPECT_NE(param.find("cell.sections[0].mechanisms.HHk.gnabar"), std::string::npos) << param;
    EXPECT_NE(param.find("gkbar"), std::string::npos) << param;
    const std::string global = error_of(cell_with(R"({"ih": {"q10": 3}})", R"({"ih": {"q10": 4}})"));
    EXPECT_NE(global.find("cell.sections[1].mechanisms.ih.q10"), std::string::npos) << global;
    EXPECT_NE(global.find("one value per cell"), std::string::npos) << global;
    const std::string point = error_of(cell_with(R"({"ExpSyn": {}})"));
    EXPECT_NE(point.find("a density mechanism"), std::string::npos) << point;
}

// A mechanism writing cai (cad) on a cell with reaction-diffusion calcium: two writers of cai.
TEST(CatalogueReader, AMechanismWritingCaiOnACellWithCalciumIsRefused) {
    const std::string text = R"({"sections": [{"name": "soma", "length": 20, "diam": 20,
        "mechanisms": {"cahva": {}, "cad": {}}}], "calcium": {}})";
    EXPECT_EQ(error_of(text), "model.json: cell.sections[0].mechanisms.cad: expected a mechanism that does not write "
                              "cai: the cell's \"calcium\" writes it (two writers of cai), got {}");
    // cai readers (kca) and ica writers (cachan1) are what the calcium is for.
    EXPECT_NO_THROW(read(R"({"sections": [{"name": "soma", "length": 20, "diam": 20,
        "mechanisms": {"kca": {}, "cachan1": {}}}], "calcium": {}})"));
}

}  // namespace
}  // namespace parnet

namespace parnet {
namespace {

// Catalogue mechanisms placed by region with parameters as functions of distance (the h-current
// that grows along a dendrite): each segment's value is the function at its centre's path
// distance from soma(0.5), and the cable group's instances carry those values.
TEST(CatalogueReader, BiophysicsPlaceCatalogueMechanismsWithDistanceDependentParameters) {
    const auto cell = read(R"({"sections": [{"name": "soma", "length": 20, "diam": 20},
        {"name": "dend", "parent": "soma", "length": 300, "diam": 1, "ncomp": 30}],
        "biophysics": [{"region": "all", "mechanisms": {"ih": {"gbar": 1e-5}}},
                       {"region": "dend", "mechanisms": {"ih": {"gbar": {"distance": "exponential",
                                                                         "a": 1e-5, "b": 2e-5, "c": 0.01}}}}]})");
    ASSERT_EQ(cell->sections[0].mechanisms.size(), 1u);
    const auto& soma = cell->sections[0].mechanisms[0];
    ASSERT_EQ(soma.segment_parameters.size(), 1u);
    EXPECT_EQ(soma.segment_parameters[0].second, std::vector<double>{1e-5});
    const auto& dend = cell->sections[1].mechanisms[0];
    EXPECT_EQ(dend.mechanism->name(), "ih");
    ASSERT_EQ(dend.segment_parameters.size(), 1u);
    const auto& g = dend.segment_parameters[0].second;
    ASSERT_EQ(g.size(), 30u);
    for (std::size_t k = 0; k < g.size(); ++k) {
        const double d = 10.0 + 10.0 * (static_cast<double>(k) + 0.5);   // soma(0.5) to the segment's centre
        EXPECT_NEAR(g[k], 1e-5 + 2e-5 * std::exp(0.01 * d), 1e-18) << k;
    }

    CableGroup group({{0, cell, {}}}, 0.025);
    for (double x : {0.05, 0.5, 0.95}) {
        // the probe reads the segment containing x: its centre's distance
        const double d = 10.0 + 10.0 * (std::floor(x * 30) + 0.5);
        const std::size_t probe = group.add_probe(0, "gbar_ih", "dend", x);
        EXPECT_NEAR(group.probe_value(probe), 1e-5 + 2e-5 * std::exp(0.01 * d), 1e-18) << x;
    }
    EXPECT_EQ(group.probe_value(group.add_probe(0, "gbar_ih", "soma", 0.5)), 1e-5);
}

TEST(CatalogueReader, BiophysicsRefuseUnknownMechanismsAndParameters) {
    const std::string base = R"({"sections": [{"name": "soma", "length": 20, "diam": 20}], "biophysics": [)";
    EXPECT_NE(error_of(base + R"({"mechanisms": {"kdr": {}}}]})").find("cell.biophysics[0].mechanisms.kdr: expected hh, pas or a density mechanism"),
              std::string::npos);
    EXPECT_NE(error_of(base + R"({"mechanisms": {"ih": {"gmax": 1}}}]})").find("cell.biophysics[0].mechanisms.ih.gmax: expected a RANGE parameter of ih"),
              std::string::npos);
}

}  // namespace
}  // namespace parnet
