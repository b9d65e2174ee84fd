// parnet's SWC and Neurolucida readers against NEURON 8.2's Import3d on every file of
// tests/data/morphology/: the same sections (by name), parents, parent_x and pt3d lists
// (reference: tools/neuron_reference/morphology_import3d.py).
#include "io/asc_reader.hpp"
#include "io/morphology_reader.hpp"
#include "io/swc_reader.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>

namespace parnet {
namespace {

using json = nlohmann::json;

const json& reference() {
    static const json data = [] {
        std::ifstream in(std::string(PARNET_SOURCE_DIR) + "/tests/data/neuron/morphology_import3d.json");
        return json::parse(in);
    }();
    return data;
}

// NEURON's arc length (treeset.cpp, nrn_pt3dmodified): differences of the float coordinates
// taken in float, summed in double.
double section_length(const MorphologySection& s) {
    double length = 0;
    for (std::size_t i = 1; i < s.points.size(); ++i) {
        const auto difference = [](double a, double b) {
            return static_cast<double>(static_cast<float>(a) - static_cast<float>(b));
        };
        const double dx = difference(s.points[i].x, s.points[i - 1].x);
        const double dy = difference(s.points[i].y, s.points[i - 1].y);
        const double dz = difference(s.points[i].z, s.points[i - 1].z);
        length += std::sqrt(dx * dx + dy * dy + dz * dz);
    }
    return length;
}

void expect_same_as_neuron(const std::string& file, const json& neuron_sections) {
    SCOPED_TRACE(file);
    const Morphology m = io::read_morphology(std::string(PARNET_SOURCE_DIR) + "/" + file);
    ASSERT_EQ(m.sections.size(), neuron_sections.size());
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < m.sections.size(); ++i) {
        EXPECT_TRUE(index.emplace(m.sections[i].name, i).second) << "two sections named " << m.sections[i].name;
        if (i == 0) {
            EXPECT_FALSE(m.sections[i].parent) << "sections[0] is the root";
        } else if (m.sections[i].parent) {
            EXPECT_LT(*m.sections[i].parent, i) << "parents precede children";
        }
    }
    for (const json& expected : neuron_sections) {
        const std::string name = expected["name"];
        SCOPED_TRACE(name);
        ASSERT_TRUE(index.count(name)) << "parnet has no section " << name;
        const MorphologySection& s = m.sections[index[name]];
        if (expected["parent"].is_null()) {
            EXPECT_FALSE(s.parent);
        } else {
            ASSERT_TRUE(s.parent);
            EXPECT_EQ(m.sections[*s.parent].name, expected["parent"].get<std::string>());
            EXPECT_EQ(s.parent_x, expected["parent_x"].get<double>());
        }
        const json& pt3d = expected["pt3d"];
        ASSERT_EQ(s.points.size(), pt3d.size());
        for (std::size_t i = 0; i < s.points.size(); ++i) {
            // NEURON keeps pt3d as float: parnet reproduces the rounding, so the values are equal.
            EXPECT_EQ(s.points[i].x, pt3d[i][0].get<double>()) << "point " << i;
            EXPECT_EQ(s.points[i].y, pt3d[i][1].get<double>()) << "point " << i;
            EXPECT_EQ(s.points[i].z, pt3d[i][2].get<double>()) << "point " << i;
            EXPECT_EQ(s.points[i].diam, pt3d[i][3].get<double>()) << "point " << i;
        }
        EXPECT_NEAR(section_length(s), expected["L"].get<double>(), 1e-14 * expected["L"].get<double>()) << "L";
    }
}

TEST(NeuronImport3d, ReferenceCoversEveryTestFile) {
    EXPECT_GE(reference()["files"].size(), 5u);
    EXPECT_NE(reference()["neuron_version"].get<std::string>().find("8.2"), std::string::npos);
}

TEST(NeuronImport3d, SwcFilesGiveNeuronsSections) {
    int files = 0;
    for (const auto& [file, sections] : reference()["files"].items())
        if (file.ends_with(".swc")) {
            expect_same_as_neuron(file, sections);
            ++files;
        }
    EXPECT_GE(files, 5);
}

TEST(NeuronImport3d, AscFilesGiveNeuronsSections) {
    int files = 0;
    for (const auto& [file, sections] : reference()["files"].items())
        if (file.ends_with(".asc")) {
            expect_same_as_neuron(file, sections);
            ++files;
        }
    if (files == 0) GTEST_SKIP() << "no Neurolucida file in the reference yet";
}

}  // namespace
}  // namespace parnet

namespace parnet {
namespace {

std::string file_text(const std::string& file) {
    std::ifstream in(std::string(PARNET_SOURCE_DIR) + "/" + file);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string with_crlf(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

void expect_same_sections(const Morphology& a, const Morphology& b) {
    ASSERT_EQ(a.sections.size(), b.sections.size());
    for (std::size_t i = 0; i < a.sections.size(); ++i) {
        EXPECT_EQ(a.sections[i].name, b.sections[i].name);
        EXPECT_EQ(a.sections[i].parent, b.sections[i].parent);
        EXPECT_EQ(a.sections[i].parent_x, b.sections[i].parent_x);
        ASSERT_EQ(a.sections[i].points.size(), b.sections[i].points.size());
        for (std::size_t k = 0; k < a.sections[i].points.size(); ++k) {
            EXPECT_EQ(a.sections[i].points[k].x, b.sections[i].points[k].x);
            EXPECT_EQ(a.sections[i].points[k].diam, b.sections[i].points[k].diam);
        }
    }
}

// NEURON reads files with Windows line ends the same (checked by hand with NEURON 8.2.2).
TEST(NeuronImport3d, WindowsLineEndsReadTheSame) {
    for (const char* file : {"tests/data/morphology/soma_one_point.swc", "tests/data/morphology/dendrite_root.swc"})
        expect_same_sections(io::parse_swc(with_crlf(file_text(file)), file), io::parse_swc(file_text(file), file));
    for (const char* file : {"tests/data/morphology/contour_soma.asc", "tests/data/morphology/single_tree.asc"})
        expect_same_sections(io::parse_asc(with_crlf(file_text(file)), file), io::parse_asc(file_text(file), file));
}

// parnet's order is Import3d's: sections in the order their first point appears in the file
// (the soma contour first for Neurolucida), so the root is sections[0] and parents precede children.
TEST(NeuronImport3d, SectionsInImport3dOrder) {
    const Morphology m = io::read_morphology(std::string(PARNET_SOURCE_DIR) + "/tests/data/morphology/soma_one_point.swc");
    std::vector<std::string> names;
    for (const MorphologySection& s : m.sections) names.push_back(s.name);
    EXPECT_EQ(names, (std::vector<std::string>{"soma[0]", "dend[0]", "dend[1]", "dend[2]", "axon[0]", "apic[0]",
                                               "apic[1]", "apic[2]", "dend[3]", "dend[4]", "dend[5]", "dend[6]"}));
    EXPECT_EQ(m.sections[0].line, 7u);
    EXPECT_EQ(m.sections[1].line, 8u);
    EXPECT_EQ(m.sections[9].type, 3);
}

}  // namespace
}  // namespace parnet
