// The model format's catalogue mechanisms (docs/mechanisms.md): placements by name with RANGE
// parameters and GLOBALs, catalogue point processes as synapse types, and the errors.
#include "engine/errors.hpp"
#include "io/cable_cell_reader.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace parnet
