// Geometry from 3-D points against NEURON 8.2 (tools/neuron_reference/morphology_geometry.py):
// every segment's area and ri, every section's L, nseg (by fixed, per-length and d_lambda
// rules), lambda_f and the distance of each segment centre from soma(0.5).
#include "cable_test_support.hpp"
#include "engine/cable/cable_layout.hpp"
#include "engine/cable/nseg_rule.hpp"
#include "engine/cable/path_distance.hpp"
#include "engine/cable/section_geometry.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace parnet {
namespace {

using cable_test::load_reference;

cable::NsegRule rule_of(const nlohmann::json& j) {
    cable::NsegRule r;
    if (j.contains("fixed")) {
        r.kind = cable::NsegRule::Kind::fixed;
        r.count = j["fixed"].get<std::uint32_t>();
    } else if (j.contains("per_length")) {
        r.kind = cable::NsegRule::Kind::per_length;
        r.per_length = j["per_length"].get<double>();
    } else {
        r.kind = cable::NsegRule::Kind::d_lambda;
        r.d_lambda = j["d_lambda"].get<double>();
        r.frequency = j["frequency"].get<double>();
    }
    return r;
}

// The cell as the script built it, nseg set by each section's rule.
CableCellDescription cell_of(const nlohmann::json& sections) {
    CableCellDescription cell;
    for (const auto& s : sections) {
        CableSection sec;
        sec.name = s["name"].get<std::string>();
        if (s.contains("parent")) {
            sec.parent = cell.section_index(s["parent"].get<std::string>());
            sec.parent_x = s["parent_x"].get<double>();
        }
        for (const auto& p : s["points"])
            sec.points.push_back({p[0].get<double>(), p[1].get<double>(), p[2].get<double>(), p[3].get<double>()});
        sec.Ra = s["Ra"].get<double>();
        sec.cm = s["cm"].get<double>();
        sec.ncomp = cable::nseg_for(sec, rule_of(s["nseg"]));
        cell.sections.push_back(sec);
    }
    return cell;
}

double relative(double a, double b) { return std::fabs(a - b) / std::max(std::fabs(b), 1e-300); }

TEST(NeuronMorphologyGeometry, AreasResistancesLengthsAndNsegEqualNeurons) {
    const auto ref = load_reference("morphology_geometry.json");
    ASSERT_EQ(ref["cells"].size(), 3u);
    double worst = 0.0;
    for (const auto& c : ref["cells"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const CableCellDescription cell = cell_of(c["sections"]);
        const auto& neuron = c["neuron"];
        ASSERT_EQ(cell.sections.size(), neuron.size());
        const auto distance = cable::PathDistance(cell).to_segment_centres(0, 0.5);
        for (std::size_t i = 0; i < neuron.size(); ++i) {
            const auto& n = neuron[i];
            const CableSection& sec = cell.sections[i];
            SCOPED_TRACE(sec.name);
            ASSERT_EQ(sec.ncomp, n["nseg"].get<std::uint32_t>());
            const auto g = cable::section_geometry(sec);
            worst = std::max({worst, relative(g.length, n["L"].get<double>()),
                              relative(cable::lambda_f(sec, 100.0), n["lambda_f_100"].get<double>())});
            ASSERT_EQ(g.area.size(), sec.ncomp);
            for (std::uint32_t k = 0; k < sec.ncomp; ++k) {
                worst = std::max(worst, relative(g.area[k], n["area"][k].get<double>()));
                worst = std::max(worst, relative(distance[i][k], n["distance"][k].get<double>()));
            }
            for (std::uint32_t k = 0; k <= sec.ncomp; ++k)
                worst = std::max(worst, relative(1.0 / g.rinv[k], n["ri"][k].get<double>()));
        }
        // The layout takes its areas from the same geometry.
        const cable::CableLayout layout(cell);
        for (std::size_t i = 0; i < cell.sections.size(); ++i)
            EXPECT_EQ(layout.area[layout.node_at(static_cast<std::uint32_t>(i), 0.5)],
                      cable::section_geometry(cell.sections[i]).area[cell.sections[i].ncomp / 2]);
    }
    std::printf("largest relative difference from NEURON: %.3g\n", worst);
    EXPECT_LT(worst, 1e-12);
}

// The readers' test files (SWC soma styles, Neurolucida contours, soma stacks) through the whole
// pipeline: read as Import3d does, nseg by d_lambda, geometry and distances as NEURON's.
TEST(NeuronMorphologyGeometry, MorphologyFilesGiveNeuronsSegments) {
    const auto ref = load_reference("morphology_geometry.json");
    ASSERT_GE(ref["files"].size(), 9u);
    double worst = 0.0;
    for (const auto& f : ref["files"]) {
        const std::string file = f["file"].get<std::string>();
        SCOPED_TRACE(file);
        const auto cell = cable_test::read_cell(R"({"morphology": ")" + std::string(PARNET_SOURCE_DIR) + "/" + file +
                                                    R"(", "Ra": 100, "cm": 1, "nseg": {"d_lambda": 0.1, "frequency": 100}})",
                                                "populations[0].cell");
        ASSERT_EQ(cell->sections.size(), f["neuron"].size());
        const auto distance = cable::PathDistance(*cell).to_segment_centres(0, 0.5);
        for (const auto& n : f["neuron"]) {   // NEURON lists its sections in its own order
            const auto idx = cell->section_index(n["name"].get<std::string>());
            ASSERT_TRUE(idx.has_value()) << n["name"];
            const std::size_t i = *idx;
            const CableSection& sec = cell->sections[i];
            ASSERT_EQ(sec.ncomp, n["nseg"].get<std::uint32_t>()) << sec.name;
            const auto g = cable::section_geometry(sec);
            worst = std::max({worst, relative(g.length, n["L"].get<double>()),
                              relative(cable::lambda_f(sec, 100.0), n["lambda_f_100"].get<double>())});
            for (std::uint32_t k = 0; k < sec.ncomp; ++k) {
                worst = std::max(worst, relative(g.area[k], n["area"][k].get<double>()));
                worst = std::max(worst, std::fabs(distance[i][k] - n["distance"][k].get<double>()) /
                                            std::max(1.0, n["distance"][k].get<double>()));
            }
            for (std::uint32_t k = 0; k <= sec.ncomp; ++k)
                worst = std::max(worst, relative(1.0 / g.rinv[k], n["ri"][k].get<double>()));
        }
    }
    std::printf("largest relative difference from NEURON: %.3g\n", worst);
    EXPECT_LT(worst, 1e-12);
}

// A cylinder given as two 3-D points has NEURON's cylinder geometry within rounding.
TEST(SectionGeometry, TwoPointCylinderMatchesTheCylinderFormulas) {
    CableSection cyl;
    cyl.length = 100.0;
    cyl.diam = 2.0;
    cyl.ncomp = 5;
    CableSection pts = cyl;
    pts.points = {{0, 0, 0, 2.0}, {100.0, 0, 0, 2.0}};
    const auto a = cable::section_geometry(cyl), b = cable::section_geometry(pts);
    for (std::uint32_t k = 0; k < 5; ++k) EXPECT_NEAR(a.area[k], b.area[k], 1e-12 * a.area[k]);
    for (std::uint32_t k = 0; k <= 5; ++k) EXPECT_NEAR(a.rinv[k], b.rinv[k], 1e-12 * a.rinv[k]);
    EXPECT_DOUBLE_EQ(cable::lambda_f(cyl, 100), cable::lambda_f(pts, 100));
}

}  // namespace
}  // namespace parnet
