// read_cable_cell: the documented example, defaults, and errors that name the file and the path.
#include "cable_test_support.hpp"
#include "io/cable_cell_reader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parnet {
namespace {


std::shared_ptr<const CableCellDescription> read(const std::string& text) {
    return cable_test::read_cell(text, "populations[1].cell");
}

std::string error_of(const std::string& text) { return cable_test::cell_error(text, "populations[1].cell"); }

// The example of docs/cable-cells.md.
const char* example = R"({
  "Ra": 100, "cm": 1, "v_init": -65, "celsius": 6.3, "hh_rates": "table",
  "sections": [
    {"name": "soma", "length": 20, "diam": 20, "mechanisms": {"hh": {}}},
    {"name": "dend", "parent": "soma", "parent_x": 1, "length": 200, "diam": 1, "ncomp": 20,
     "mechanisms": {"pas": {"g": 0.001, "e": -65}}},
    {"name": "axon", "parent": "soma", "parent_x": 0, "length": 300, "diam": 1, "ncomp": 15,
     "Ra": 150, "cm": 0.8, "mechanisms": {"hh": {"gnabar": 0.2}}}
  ],
  "synapses": [
    {"name": "ampa", "type": "expsyn", "section": "dend", "x": 0.5, "tau": 2, "e": 0},
    {"name": "nmda_like", "type": "exp2syn", "section": "dend", "x": 0.9, "tau1": 0.5, "tau2": 5, "e": 0}
  ],
  "detector": {"section": "axon", "x": 1, "threshold": 0, "interpolate": false}
})";

TEST(CableCellReader, ReadsTheDocumentedExample) {
    const auto cell = read(example);
    ASSERT_EQ(cell->sections.size(), 3u);
    EXPECT_EQ(cell->sections[0].Ra, 100);
    EXPECT_FALSE(cell->sections[0].parent.has_value());
    EXPECT_EQ(cell->sections[0].hh->gnabar, 0.12);
    EXPECT_EQ(cell->sections[0].hh->el, -54.3);
    EXPECT_EQ(cell->sections[1].ncomp, 20u);
    EXPECT_EQ(cell->sections[1].pas->g, 0.001);
    EXPECT_EQ(*cell->sections[2].parent, 0u);
    EXPECT_EQ(cell->sections[2].parent_x, 0.0);
    EXPECT_EQ(cell->sections[2].Ra, 150);
    EXPECT_EQ(cell->sections[2].cm, 0.8);
    EXPECT_EQ(cell->sections[2].hh->gnabar, 0.2);
    EXPECT_EQ(cell->sections[2].hh->gkbar, 0.036);
    EXPECT_EQ(cell->synapse_index("nmda_like"), 1u);
    EXPECT_FALSE(cell->synapse_index("gaba").has_value());
    EXPECT_EQ(cell->synapses[1].kind, SynapseKind::exp2syn);
    EXPECT_EQ(cell->synapses[1].tau2, 5);
    EXPECT_EQ(cell->detector.section, 2u);
    EXPECT_EQ(cell->detector.threshold, 0);
    EXPECT_EQ(cell->hh_rates, RateEvaluation::table);
}

TEST(CableCellReader, UsesNeuronsDefaults) {
    const auto cell = read(R"({"sections": [{"name": "soma", "length": 10, "diam": 10}]})");
    EXPECT_EQ(cell->sections[0].Ra, 35.4);
    EXPECT_EQ(cell->sections[0].cm, 1.0);
    EXPECT_EQ(cell->sections[0].ncomp, 1u);
    EXPECT_EQ(cell->detector.threshold, 10.0);
    EXPECT_EQ(cell->v_init, -65.0);
    EXPECT_EQ(cell->celsius, 6.3);
}

TEST(CableCellReader, ErrorsNameTheFileThePathAndWhatWasExpected) {
    struct Case {
        const char* text;
        const char* message;
    };
    const Case cases[] = {
        {R"({"sections": []})", "model.json: populations[1].cell.sections: expected a non-empty array"},
        {R"({"sections": [{"name": "soma", "length": -1, "diam": 1}]})",
         "model.json: populations[1].cell.sections[0].length: expected a positive number, got -1"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1},
                          {"name": "dend", "parent": "axon", "length": 1, "diam": 1}]})",
         "model.json: populations[1].cell.sections[1].parent: expected the name of a section listed "
         "before this one (soma), got \"axon\""},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1, "ncomp": 2.5}]})",
         "model.json: populations[1].cell.sections[0].ncomp: expected a positive integer, got 2.5"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1, "mechanisms": {"na": {}}}]})",
         "model.json: populations[1].cell.sections[0].mechanisms.na: expected hh, pas, cahva, sk or a density "
         "mechanism of the catalogues (pas, hh, cahva, sk)"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}],
             "synapses": [{"name": "s", "type": "ampa", "section": "soma"}]})",
         "model.json: populations[1].cell.synapses[0].type: expected one of expsyn, exp2syn, got \"ampa\""},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}],
             "synapses": [{"name": "s", "type": "expsyn", "section": "soma", "x": 1.5}]})",
         "model.json: populations[1].cell.synapses[0].x: expected a number in [0, 1], got 1.5"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}],
             "synapses": [{"name": "s", "type": "expsyn", "section": "soma", "tau1": 1}]})",
         "model.json: populations[1].cell.synapses[0].tau1: unknown field"},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}], "detector": {"section": "dend"}})",
         "model.json: populations[1].cell.detector.section: expected the name of a section (soma), got \"dend\""},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1}], "hh_rates": "fast"})",
         "model.json: populations[1].cell.hh_rates: expected one of table, exact, got \"fast\""},
        {R"({"sections": [{"name": "soma", "length": 1, "diam": 1, "parent": "soma"}]})",
         "model.json: populations[1].cell.sections[0].parent: expected no parent: the first section is the root"},
        {R"({"sections": ["soma"]})", "model.json: populations[1].cell.sections[0]: expected an object, got \"soma\""},
    };
    for (const Case& c : cases) {
        const std::string message = error_of(c.text);
        EXPECT_NE(message.find(c.message), std::string::npos) << "got: " << message;
    }
}

}  // namespace
}  // namespace parnet
