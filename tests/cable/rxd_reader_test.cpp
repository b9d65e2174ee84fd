// read_cable_cell for reaction-diffusion cells: the example of docs/reaction-diffusion.md,
// defaults, and errors naming the file and the path.
#include "cable_test_support.hpp"
#include "io/cable_cell_reader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parnet {
namespace {


std::shared_ptr<const CableCellDescription> read(const std::string& text) {
    return cable_test::read_cell(text, "cell_templates.pyramid");
}

std::string error_of(const std::string& text) { return cable_test::cell_error(text, "cell_templates.pyramid"); }

// The example of docs/reaction-diffusion.md.
const char* example = R"({
  "Ra": 100, "celsius": 6.3,
  "sections": [
    {"name": "soma", "length": 20, "diam": 20,
     "mechanisms": {"hh": {}, "cahva": {"gbar": 0.002, "vhalf": -20, "k": 5, "tau": 1},
                    "sk": {"gbar": 0.005, "kd": 0.0005, "tau": 5, "ek": -77}}},
    {"name": "dend", "parent": "soma", "length": 200, "diam": 1, "ncomp": 20,
     "mechanisms": {"pas": {"g": 0.001, "e": -65}, "cahva": {"gbar": 0.0005}}}
  ],
  "calcium": {
    "initial": 5e-5, "D": 0.6, "cao": 2,
    "buffers": [{"name": "calbindin", "total": 0.05, "kf": 100, "kb": 0.1, "D": 0.2},
                {"name": "fixed", "total": 0.1, "kf": 500, "kb": 5}],
    "pump": {"type": "decay", "tau": 20, "rest": 5e-5}
  }
})";

TEST(RxdCellReader, ReadsTheDocumentedExample) {
    const auto cell = read(example);
    ASSERT_TRUE(cell->calcium.has_value());
    const CalciumSpecies& ca = *cell->calcium;
    EXPECT_EQ(ca.initial, 5e-5);
    EXPECT_EQ(ca.D, 0.6);
    EXPECT_EQ(ca.cao, 2);
    ASSERT_EQ(ca.buffers.size(), 2u);
    EXPECT_EQ(ca.buffers[0].name, "calbindin");
    EXPECT_EQ(ca.buffers[0].kf, 100);
    EXPECT_EQ(ca.buffers[0].kb, 0.1);
    EXPECT_EQ(ca.buffers[0].D, 0.2);
    EXPECT_EQ(ca.buffers[1].D, 0.0);   // fixed by default
    EXPECT_EQ(ca.pump.kind, PumpKind::decay);
    EXPECT_EQ(ca.pump.tau, 20);
    EXPECT_EQ(cell->species_count(), 3u);
    ASSERT_TRUE(cell->sections[0].cahva && cell->sections[0].sk);
    EXPECT_EQ(cell->sections[0].sk->kd, 5e-4);
    EXPECT_EQ(cell->sections[1].cahva->gbar, 5e-4);
    EXPECT_EQ(cell->sections[1].cahva->vhalf, -20);   // default
    EXPECT_FALSE(cell->sections[1].sk.has_value());
}

TEST(RxdCellReader, PlainCableCellsHaveNoSpecies) {
    const auto cell = read(R"({"sections": [{"name": "soma", "length": 1, "diam": 1}]})");
    EXPECT_FALSE(cell->calcium.has_value());
    EXPECT_EQ(cell->species_count(), 0u);
}

TEST(RxdCellReader, MichaelisMentenPumpRestsAtTheInitialLevelByDefault) {
    const auto cell = read(R"({"sections": [{"name": "soma", "length": 1, "diam": 1}],
        "calcium": {"initial": 1e-4, "pump": {"type": "michaelis_menten", "vmax": 0.01, "km": 0.001}}})");
    EXPECT_EQ(cell->calcium->pump.kind, PumpKind::michaelis_menten);
    EXPECT_EQ(cell->calcium->pump.rest, 1e-4);
    EXPECT_EQ(cell->calcium->D, 0.6);
    EXPECT_EQ(cell->species_count(), 1u);
}

TEST(RxdCellReader, ErrorsNameTheFileThePathAndTheExpectation) {
    const std::string p = "model.json: cell_templates.pyramid.";
    struct Case {
        const char* text;
        std::string message;
    };
    const Case cases[] = {
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1, "mechanisms": {"sk": {}}}]})",
         p + "sections[0].mechanisms.sk: expected a cell with \"calcium\" (cahva and sk couple to it)"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}],
             "calcium": {"buffers": [{"name": "b", "total": 0.1, "kb": 1}]}})",
         p + "calcium.buffers[0].kf: missing; expected a positive number"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}],
             "calcium": {"buffers": [{"name": "b", "kf": 1, "kb": 1}]}})",
         p + "calcium.buffers[0].total: missing; expected the total buffer concentration (mM)"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}],
             "calcium": {"buffers": [{"name": "b", "total": 1, "kf": 1, "kb": 1},
                                     {"name": "b", "total": 1, "kf": 1, "kb": 1}]}})",
         p + "calcium.buffers[1].name: expected a name no other buffer has"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}], "calcium": {"pump": {"type": "atpase"}}})",
         p + "calcium.pump.type: expected one of decay, michaelis_menten, got \"atpase\""},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}], "calcium": {"pump": {"type": "decay"}}})",
         p + "calcium.pump.tau: missing; expected a positive number"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}], "calcium": {"initial": 0}})",
         p + "calcium.initial: expected a positive number, got 0"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}], "calcium": {"shells": 4}})",
         p + "calcium.shells: unknown field; expected one of: initial, D, cao, buffers, pump"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1,
                           "mechanisms": {"cahva": {"k": -5}}}], "calcium": {}})",
         p + "sections[0].mechanisms.cahva.k: expected a positive number, got -5"},
    };
    for (const Case& c : cases) {
        const std::string message = error_of(c.text);
        EXPECT_NE(message.find(c.message), std::string::npos) << "got: " << message;
    }
}

}  // namespace
}  // namespace parnet
