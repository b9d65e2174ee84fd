// morphology: prints the sections parnet reads from an SWC or Neurolucida file, as NEURON's
// Import3d would create them (docs/morphology.md), to check a file before a run or to compare
// with NEURON (tools/neuron_reference/morphology_random_check.py does, on random files).
//
//   morphology cell.swc            # one line per section: name, parent(x), points, length
//   morphology cell.asc --json     # sections with every pt3d point at full precision
//
// A malformed file prints "<file>:<line>: ..." and exits 1.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "engine/errors.hpp"
#include "io/morphology_reader.hpp"

namespace {

double length(const parnet::MorphologySection& s) {
    double total = 0;
    for (std::size_t i = 1; i < s.points.size(); ++i)
        total += std::hypot(s.points[i].x - s.points[i - 1].x, s.points[i].y - s.points[i - 1].y,
                            s.points[i].z - s.points[i - 1].z);
    return total;
}

void print_table(const parnet::Morphology& m) {
    std::printf("%s: %zu sections\n", m.file.c_str(), m.sections.size());
    for (const parnet::MorphologySection& s : m.sections) {
        std::string parent = "-";
        if (s.parent) {
            char at[32];
            std::snprintf(at, sizeof at, "(%g)", s.parent_x);
            parent = m.sections[*s.parent].name + at;
        }
        std::printf("  %-12s parent %-16s %3zu points  L %-10.6g line %u\n", s.name.c_str(), parent.c_str(),
                    s.points.size(), length(s), s.line);
    }
}

void print_json(const parnet::Morphology& m) {
    nlohmann::json sections = nlohmann::json::array();
    for (const parnet::MorphologySection& s : m.sections) {
        nlohmann::json points = nlohmann::json::array();
        for (const parnet::Point3& p : s.points) points.push_back({p.x, p.y, p.z, p.diam});
        sections.push_back({{"name", s.name},
                            {"type", s.type},
                            {"parent", s.parent ? nlohmann::json(m.sections[*s.parent].name) : nlohmann::json()},
                            {"parent_x", s.parent ? nlohmann::json(s.parent_x) : nlohmann::json()},
                            {"line", s.line},
                            {"pt3d", points}});
    }
    std::cout << nlohmann::json{{"file", m.file}, {"sections", sections}}.dump() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Print the sections parnet reads from a morphology file (.swc, .asc): NEURON Import3d's sections."};
    std::vector<std::string> files;
    bool json = false;
    app.add_option("files", files, "SWC (.swc) or Neurolucida (.asc) files")->required();
    app.add_flag("--json", json, "one JSON object per file: sections with their pt3d points at full precision");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    }
    int status = 0;
    for (const std::string& file : files) {
        try {
            const parnet::Morphology m = parnet::io::read_morphology(file);
            if (json) print_json(m);
            else print_table(m);
        } catch (const parnet::input_error& error) {
            std::fprintf(stderr, "%s\n", error.what());
            status = 1;
        }
    }
    return status;
}
