#include "import3d_sections.hpp"

#include "engine/errors.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace parnet::io {

double neuron_pt3d_value(double v) {
    // Import3d_GUI executes "pt3dadd(%.8g, ...)"; NEURON keeps 3-D points as float.
    char text[64];
    std::snprintf(text, sizeof text, "%.8g", v);
    return static_cast<double>(static_cast<float>(std::strtod(text, nullptr)));
}

std::string import3d_type_name(int type) {
    switch (type) {
        case 1: return "soma";
        case 2: return "axon";
        case 3: return "dend";
        case 4: return "apic";
        default: return type < 0 ? "minus_" + std::to_string(-type) : "dend_" + std::to_string(type);
    }
}

namespace {

// Vector.eq as Import3d's chk_valid uses it: equal within float_epsilon (1e-11).
bool same_place(const Point3& a, const Point3& b) {
    constexpr double epsilon = 1e-11;
    return std::abs(a.x - b.x) < epsilon && std::abs(a.y - b.y) < epsilon && std::abs(a.z - b.z) < epsilon;
}

// chk_valid(): from the last piece to the first, a non-root piece with one instantiated point, or
// two at the same place, is removed; its later children take its parent and parent_x.
void remove_degenerate_pieces(std::vector<Import3dSection>& pieces) {
    std::vector<bool> removed(pieces.size(), false);
    for (std::size_t i = pieces.size(); i-- > 0;) {
        const Import3dSection& piece = pieces[i];
        if (!piece.parent) continue;
        const std::size_t own = piece.raw.size() - piece.first;
        const bool degenerate = own <= 1 || (own == 2 && same_place(piece.raw[piece.first], piece.raw[piece.first + 1]));
        if (!degenerate) continue;
        removed[i] = true;
        for (std::size_t j = i + 1; j < pieces.size(); ++j)
            if (!removed[j] && pieces[j].parent == i) {
                pieces[j].parent = piece.parent;
                pieces[j].parent_x = piece.parent_x;
            }
    }
    std::vector<std::size_t> new_index(pieces.size());
    std::vector<Import3dSection> kept;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (removed[i]) continue;
        new_index[i] = kept.size();
        kept.push_back(std::move(pieces[i]));
        if (kept.back().parent) kept.back().parent = new_index[*kept.back().parent];
    }
    pieces = std::move(kept);
}

// sphere_rep(): a one-point section becomes a cylinder along x with L = diam.
std::vector<Point3> sphere_as_cylinder(const Point3& centre) {
    Point3 left = centre, right = centre;
    left.x -= centre.diam / 2;
    right.x += centre.diam / 2;
    return {left, centre, right};
}

}  // namespace

Morphology instantiate_import3d(std::vector<Import3dSection> pieces, const std::string& file) {
    remove_degenerate_pieces(pieces);
    Morphology morphology{file, {}};
    std::map<int, int> count_of_type;
    for (const Import3dSection& piece : pieces) {
        MorphologySection section;
        section.type = piece.type;
        section.name = import3d_type_name(piece.type) + "[" + std::to_string(count_of_type[piece.type]++) + "]";
        if (piece.parent) section.parent = static_cast<std::uint32_t>(*piece.parent);
        section.parent_x = piece.parent_x;
        section.line = piece.line;
        section.points.assign(piece.raw.begin() + static_cast<std::ptrdiff_t>(piece.first), piece.raw.end());
        if (section.points.size() == 1) section.points = sphere_as_cylinder(section.points[0]);
        for (Point3& p : section.points) {
            p.x = neuron_pt3d_value(p.x);
            p.y = neuron_pt3d_value(p.y);
            p.z = neuron_pt3d_value(p.z);
            p.diam = neuron_pt3d_value(p.diam);
        }
        double length = 0.0;
        for (std::size_t i = 1; i < section.points.size(); ++i) {
            const Point3 &a = section.points[i - 1], &b = section.points[i];
            length += std::hypot(b.x - a.x, b.y - a.y, b.z - a.z);
        }
        if (length == 0.0)
            throw input_error(file + ":" + std::to_string(section.line) + ": section " + section.name +
                              " has zero length (all its " + std::to_string(section.points.size()) +
                              " points coincide); expected points that span a length (NEURON would make it 1e-9 um long)");
        morphology.sections.push_back(std::move(section));
    }
    return morphology;
}

}  // namespace parnet::io
