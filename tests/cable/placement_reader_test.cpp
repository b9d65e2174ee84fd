// Regions, biophysics by region and distance functions as the reader turns them into sections:
// entry order, per-segment values, section-level properties, nseg rules; and malformed
// placements, each with the file, the JSON path and what was expected.
#include "cable_test_support.hpp"
#include "engine/cable/section_geometry.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace parnet {
namespace {

std::shared_ptr<const CableCellDescription> read(const std::string& text) {
    return cable_test::read_cell(text, "populations[0].cell");
}
std::string error_of(const std::string& text) { return cable_test::cell_error(text, "populations[0].cell"); }

// soma (20 um) with dend (200 um, 4 segments) on soma(1) and apic (300 um, 3 segments) on
// soma(1): distances of segment centres from soma(0.5) are 10 + (k + .5) L/nseg.
const char* sections = R"("sections": [
    {"name": "soma", "length": 20, "diam": 20},
    {"name": "dend", "parent": "soma", "length": 200, "diam": 1, "ncomp": 4},
    {"name": "apic", "parent": "soma", "points": [[0, 0, 0, 2], [0, 150, 0, 1.5], [0, 300, 0, 1]], "ncomp": 3}])";

std::string cell(const std::string& rest) { return std::string("{") + sections + ", " + rest + "}"; }

TEST(PlacementReader, EntriesApplyInOrderWithValuesPerSegment) {
    const auto c = read(cell(R"("regions": {"far": {"distance": [100, 1000], "within": "apic"},
                                             "both": {"union": ["dend", "apic"]}},
        "biophysics": [
          {"region": "all", "Ra": 120, "mechanisms": {"pas": {"g": 1e-4, "e": -70}}},
          {"region": "soma", "mechanisms": {"hh": {"gkbar": 0.04}}},
          {"region": "both", "cm": 2},
          {"region": "apic", "mechanisms": {"pas": {"g": {"distance": "linear", "a": 1e-5, "b": 1e-7}}}},
          {"region": "far", "mechanisms": {"pas": {"e": {"distance": "sigmoid", "a": -70, "b": 10, "c": 200, "k": 20, "scale": 1}}}}])"));
    EXPECT_EQ(c->sections[0].Ra, 120);
    EXPECT_EQ(c->sections[0].cm, 1);
    EXPECT_EQ(c->sections[1].cm, 2);
    EXPECT_EQ(c->sections[2].cm, 2);
    ASSERT_TRUE(c->sections[0].hh);
    EXPECT_EQ(c->sections[0].hh->gkbar, 0.04);
    EXPECT_FALSE(c->sections[1].hh);
    EXPECT_TRUE(c->sections[1].pas_segments.empty());  // uniform: kept as the section's value
    EXPECT_EQ(c->sections[1].pas->g, 1e-4);
    const auto& apic = c->sections[2].pas_segments;
    ASSERT_EQ(apic.size(), 3u);
    for (int k = 0; k < 3; ++k) {
        const double d = 10 + (k + .5) * 100;
        EXPECT_DOUBLE_EQ(apic[k].g, 1e-5 + 1e-7 * d);
        EXPECT_DOUBLE_EQ(apic[k].e, d >= 100 ? -70 + 10 / (1 + std::exp((200 - d) / 20)) : -70);
    }
}

TEST(PlacementReader, NsegRulesPerCellAndPerRegion) {
    const auto c = read(cell(R"("Ra": 100, "nseg": {"per_length": 40},
        "biophysics": [{"region": "apic", "nseg": {"d_lambda": 0.1, "frequency": 100}}])"));
    EXPECT_EQ(c->sections[0].ncomp, 1u);
    EXPECT_EQ(c->sections[1].ncomp, 4u);   // its own ncomp stands against the cell-wide rule
    const auto& apic = c->sections[2];
    const double lambda = cable::lambda_f(apic, 100);
    EXPECT_EQ(apic.ncomp, static_cast<std::uint32_t>((300 / (0.1 * lambda) + 0.9) / 2) * 2 + 1);
    const auto d = read(R"({"sections": [{"name": "soma", "length": 20, "diam": 20},
        {"name": "dend", "parent": "soma", "length": 200, "diam": 1}], "nseg": {"per_length": 40}})");
    EXPECT_EQ(d->sections[1].ncomp, 11u);   // 1 + 2*int(200/40)
}

TEST(PlacementReader, ErrorsNameTheFileThePathAndWhatWasExpected) {
    struct Case {
        std::string text;
        const char* message;
    };
    const Case cases[] = {
        {cell(R"("biophysics": [{"region": "tuft"}])"),
         "model.json: populations[0].cell.biophysics[0].region: expected all, soma, axon, dend, apic or the name of an entry of \"regions\", got \"tuft\""},
        {cell(R"("regions": {"r": {"distance": [300, 100]}})"),
         "model.json: populations[0].cell.regions.r.distance: expected [min, max] in um with min <= max"},
        {cell(R"("regions": {"r": {"types": ["basal"], "sections": ["soma"]}})"),
         "model.json: populations[0].cell.regions.r: expected exactly one of"},
        {cell(R"("regions": {"r": {"sections": ["tuft"]}})"),
         "model.json: populations[0].cell.regions.r.sections[0]: expected the name of a section of the cell, got \"tuft\""},
        {cell(R"("regions": {"a": {"union": ["b"]}, "b": {"union": ["a"]}})"),
         "model.json: populations[0].cell.regions.a: expected regions that do not contain themselves"},
        {cell(R"("regions": {"r": {"union": ["soma", "nothing"]}})"),
         "model.json: populations[0].cell.regions.r.union[1]: expected the name of a region, got \"nothing\""},
        {cell(R"("regions": {"near": {"distance": [0, 50]}}, "biophysics": [{"region": "near", "cm": 2}])"),
         "model.json: populations[0].cell.biophysics[0].region: expected a region of whole sections for cm, Ra and nseg"},
        {cell(R"("biophysics": [{"mechanisms": {"pas": {"g": {"distance": "cubic", "b": 1}}}}])"),
         "model.json: populations[0].cell.biophysics[0].mechanisms.pas.g.distance: expected one of linear, exponential, sigmoid, got \"cubic\""},
        {cell(R"("biophysics": [{"mechanisms": {"pas": {"g": -1}}}])"),
         "model.json: populations[0].cell.biophysics[0].mechanisms.pas.g: expected a number >= 0, got -1"},
        {cell(R"("biophysics": [{"mechanisms": {"hh": {"gbar": 1}}}])"),
         "model.json: populations[0].cell.biophysics[0].mechanisms.hh.gbar: unknown field"},
        {cell(R"("nseg": {"d_lambda": 0})"),
         "model.json: populations[0].cell.nseg.d_lambda: expected a positive number, got 0"},
        {cell(R"("nseg": 0)"), "model.json: populations[0].cell.nseg: expected a positive integer, got 0"},
        {cell(R"("distance_origin": {"section": "somata"})"),
         "model.json: populations[0].cell.distance_origin.section: expected the name of a section of the cell"},
        {R"({"sections": [{"name": "soma", "points": [[0, 0, 0, 10]]}]})",
         "model.json: populations[0].cell.sections[0].points: expected at least two 3-D points"},
        {R"({"sections": [{"name": "soma", "points": [[0, 0, 0, 10], [1, 0, 0, -1]]}]})",
         "model.json: populations[0].cell.sections[0].points[1]: expected a 3-D point [x, y, z, diam] (um, diam >= 0), got [1,0,0,-1]"},
        {R"({"sections": [{"name": "soma", "length": 10, "points": [[0, 0, 0, 10], [1, 0, 0, 1]]}]})",
         "model.json: populations[0].cell.sections[0].length: expected no length or diam with points"},
        {R"({"sections": [{"name": "soma", "length": 10, "diam": 10, "type": "spine"}]})",
         "model.json: populations[0].cell.sections[0].type: expected a section type"},
        {R"({"morphology": "no/such/file.swc"})", "no/such/file.swc"},
        {R"({"morphology": "x.swc", "sections": []})",
         "model.json: populations[0].cell.sections: expected either \"sections\" or \"morphology\""},
    };
    for (const Case& c : cases) {
        const std::string message = error_of(c.text);
        EXPECT_NE(message.find(c.message), std::string::npos) << "got: " << message;
    }
}

}  // namespace
}  // namespace parnet
