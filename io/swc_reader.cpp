#include "swc_reader.hpp"

#include "engine/errors.hpp"
#include "import3d_sections.hpp"
#include "morphology_text.hpp"

#include <cmath>
#include <unordered_map>
#include <vector>

namespace parnet::io {

namespace {

// The points of the file in file order (ids increasing), diameters already doubled.
struct SwcPoints {
    std::vector<long long> id;
    std::vector<int> type;
    std::vector<Point3> point;
    std::vector<long> parent;          // index of the parent point, -1 for the root
    std::vector<std::uint32_t> line;
    std::size_t size() const { return id.size(); }
};

constexpr const char* swc_fields = "'id type x y z radius parent'";

SwcPoints read_points(std::string_view text, const std::string& name) {
    SwcPoints points;
    std::unordered_map<long long, std::size_t> index_of_id;
    long root_line = -1;
    std::uint32_t line_number = 0;
    for (std::string_view line : text_lines(text)) {
        ++line_number;
        const std::string where = name + ":" + std::to_string(line_number) + ": ";
        const auto fields = split_fields(strip_comment(line, '#'));
        if (fields.empty()) continue;
        if (fields.size() != 7)
            throw input_error(where + (fields.size() > 7 ? "too many fields" : "too few fields") + " (" +
                              std::to_string(fields.size()) + "); expected 7: " + swc_fields);
        static constexpr const char* names[7] = {"id", "type", "x", "y", "z", "radius", "parent"};
        double value[7];
        for (int f = 0; f < 7; ++f)
            value[f] = parse_number(fields[f], where + names[f]);
        const auto integer = [&](int f, const char* expected) {
            if (value[f] != std::floor(value[f]) || std::abs(value[f]) > 1e15)
                throw input_error(where + names[f] + " '" + std::string(fields[f]) + "': expected " + expected);
            return static_cast<long long>(value[f]);
        };
        const long long id = integer(0, "an integer id >= 0");
        if (id < 0) throw input_error(where + "id " + std::to_string(id) + ": expected an integer id >= 0");
        const long long type = integer(1, "an integer structure type (1 soma, 2 axon, 3 dendrite, 4 apical...)");
        if (std::abs(type) > 1000000) throw input_error(where + "type " + std::to_string(type) + ": expected a structure type below 1000000");
        const long long parent = integer(6, "the integer id of an earlier point, or -1 for the root");
        if (!(value[5] > 0))
            throw input_error(where + "radius " + std::string(fields[5]) +
                              ": expected a positive radius (NEURON gives such a point no area)");
        if (auto [it, inserted] = index_of_id.try_emplace(id, points.size()); !inserted)
            throw input_error(where + "duplicate id " + std::to_string(id) + " (first at line " +
                              std::to_string(points.line[it->second]) + "); expected each id once");
        if (!points.id.empty() && id < points.id.back())
            throw input_error(where + "id " + std::to_string(id) + " after id " + std::to_string(points.id.back()) +
                              "; expected increasing ids (NEURON's Import3d fails on unsorted files)");
        long parent_index = -1;
        if (parent >= 0) {
            if (parent >= id)
                throw input_error(where + "parent " + std::to_string(parent) + " of point " + std::to_string(id) +
                                  " is not less than its id; expected a parent listed before its children");
            const auto p = index_of_id.find(parent);
            if (p == index_of_id.end())
                throw input_error(where + "parent " + std::to_string(parent) + " of point " + std::to_string(id) +
                                  " does not exist; expected the id of an earlier point, or -1 for the root");
            parent_index = static_cast<long>(p->second);
        } else if (root_line >= 0) {
            throw input_error(where + "a second root (parent " + std::to_string(parent) + "; the first is at line " +
                              std::to_string(root_line) + "); expected one connected tree");
        } else {
            root_line = line_number;
        }
        points.id.push_back(id);
        points.type.push_back(static_cast<int>(type));
        points.point.push_back(Point3{value[2], value[3], value[4], 2 * value[5]});
        points.parent.push_back(parent_index);
        points.line.push_back(line_number);
    }
    if (points.size() == 0)
        throw input_error(name + ":" + std::to_string(std::max<std::uint32_t>(line_number, 1)) +
                          ": no points; expected lines " + swc_fields);
    return points;
}

// Import3d_SWC_read's sectionify() and mksections(), on points in id order.
class SwcSections {
public:
    explicit SwcSections(SwcPoints points) : p_(std::move(points)), n_(p_.size()) {}

    std::vector<Import3dSection> pieces() {
        mark_branches();
        count_soma_children();
        soma_as_sphere_ = n_soma_points_ == 3 && neuromorpho_three_point_soma();
        join_soma_chains();
        assign_points_to_sections();
        return make_sections();
    }

private:
    SwcPoints p_;
    std::size_t n_;
    std::vector<double> nchild_;           // children per point, +.01 for a non-contiguous child or a type change
    std::vector<bool> connect_to_start_;   // NEURON's connect2prox
    std::vector<int> soma_children_;       // soma children of soma points
    std::size_t n_soma_points_ = 0;
    bool soma_as_sphere_ = false;
    std::vector<std::size_t> section_of_;  // point -> section
    std::vector<std::size_t> section_end_; // last point of each section

    long parent(std::size_t i) const { return p_.parent[i]; }
    int type(std::size_t i) const { return p_.type[i]; }
    bool is_soma(std::size_t i) const { return p_.type[i] == 1; }

    // mark_branch(): a point ends a section unless it has exactly one contiguous child of its type.
    void mark_branches() {
        nchild_.assign(n_, 0.0);
        connect_to_start_.assign(n_, false);
        for (std::size_t i = 0; i < n_; ++i) {
            const long pp = parent(i);
            if (pp < 0) continue;
            const auto q = static_cast<std::size_t>(pp);
            nchild_[q] += 1;
            if (q + 1 != i) {
                nchild_[q] += .01;
                // A child of the first point of a section wired to the soma, or of a non-soma
                // root, connects to that section's 0 end; the point itself stays interior.
                if (q > 1) {
                    if (!is_soma(q) && is_soma(static_cast<std::size_t>(parent(q)))) {
                        connect_to_start_[i] = true;
                        nchild_[q] = 1;
                    }
                } else if (q == 0 && !is_soma(q)) {
                    connect_to_start_[i] = true;
                    nchild_[q] = 1;
                }
            }
            if (type(q) != type(i)) nchild_[q] += .01;  // a change of type ends the section
        }
    }

    void count_soma_children() {
        soma_children_.assign(n_, 0);
        n_soma_points_ = is_soma(0) ? 1 : 0;
        for (std::size_t i = 1; i < n_; ++i) {
            if (!is_soma(i)) continue;
            ++n_soma_points_;
            const long pp = parent(i);
            if (pp >= 0 && is_soma(static_cast<std::size_t>(pp))) ++soma_children_[static_cast<std::size_t>(pp)];
        }
    }

    // neuromorph_3point_soma(): the centre and two points one radius away, same diameters,
    // nothing attached to the outer two: a sphere (the two outer points are dropped).
    bool neuromorpho_three_point_soma() {
        if (n_ < 3 || parent(1) != 0 || parent(2) != 0) return false;
        if (nchild_[1] != 0 || nchild_[2] != 0) return false;
        const Point3* q = p_.point.data();
        if (q[1].diam != q[0].diam || q[2].diam != q[0].diam) return false;
        double length = 0;
        for (int i = 1; i <= 2; ++i)
            length += std::sqrt((q[i].x - q[0].x) * (q[i].x - q[0].x) + (q[i].y - q[0].y) * (q[i].y - q[0].y) +
                                (q[i].z - q[0].z) * (q[i].z - q[0].z));
        if (!(std::abs(length / q[0].diam - 1) < .01)) return false;
        p_.parent[2] = 1;  // keeps the three points one section
        return true;
    }

    // A soma point followed by its soma child continues the section, unless it is not the root
    // and has several soma children (then the soma branches like a dendrite).
    void join_soma_chains() {
        for (std::size_t i = 0; i + 1 < n_; ++i)
            if (is_soma(i) && is_soma(i + 1) && parent(i + 1) == static_cast<long>(i) &&
                !(i != 0 && soma_children_[i] > 1))
                nchild_[i] = 1;
    }

    void assign_points_to_sections() {
        for (std::size_t i = 0; i < n_; ++i)
            if (nchild_[i] != 1) section_end_.push_back(i);
        section_of_.assign(n_, 0);
        std::size_t s = 0;
        for (std::size_t i = 1; i < n_; ++i) {
            if (i > section_end_[s]) ++s;
            section_of_[i] = s;
        }
    }

    // mksection(): points [first, end) of the file make one section.
    std::vector<Import3dSection> make_sections() {
        std::vector<Import3dSection> sections;
        std::vector<std::size_t> first_point;  // NEURON's sec.id
        std::size_t first = 0;
        for (std::size_t s = 0; s < section_end_.size(); ++s) {
            const std::size_t end = section_end_[s] + 1;
            sections.push_back(make_section(sections, first_point, s, first, end));
            first_point.push_back(first);
            first = end;
        }
        return sections;
    }

    Import3dSection make_section(const std::vector<Import3dSection>& done, const std::vector<std::size_t>& first_point,
                                 std::size_t s, std::size_t first, std::size_t end) {
        Import3dSection sec;
        sec.type = type(first);
        sec.line = p_.line[first];
        if (s == 0) {
            if (soma_as_sphere_) end = 1;
            sec.raw.assign(p_.point.begin() + static_cast<std::ptrdiff_t>(first),
                           p_.point.begin() + static_cast<std::ptrdiff_t>(end));
            return sec;
        }
        const auto attach = static_cast<std::size_t>(parent(first));
        const std::size_t ps = section_of_[attach];
        const Import3dSection& psec = done[ps];
        const std::size_t own = end - first;
        const bool parent_soma = psec.type == 1;
        const bool dendrite_on_soma = parent_soma && !is_soma(first);
        sec.parent = ps;
        bool handled = false;
        if (ps == 0) {
            handled = true;
            if (dendrite_on_soma && psec.raw.size() == 1) {  // on a spherical soma: its centre, by a wire
                sec.parent_x = 0.5;
                if (own > 1) sec.first = 1;
            } else if (attach == first_point[0]) {           // on the root's first point
                sec.parent_x = 0.0;
                if (!is_soma(first) && soma_children_[attach] > 1) sec.first = 1;
            } else {
                handled = false;
            }
        }
        if (!handled && parent_soma) {
            const long offset = first_point[ps] == 0 ? -1 : -2;
            if (static_cast<long>(attach) < static_cast<long>(first_point[ps] + psec.raw.size()) + offset) {
                sec.parent_x = 0.5;  // the interior of a multi-point soma
                if (dendrite_on_soma && own > 1) sec.first = 1;
            } else if (own > 1 && soma_children_[attach] > 1 && !is_soma(first)) {
                sec.first = 1;
            }
        }
        sec.raw.push_back(p_.point[attach]);
        sec.raw.insert(sec.raw.end(), p_.point.begin() + static_cast<std::ptrdiff_t>(first),
                       p_.point.begin() + static_cast<std::ptrdiff_t>(end));
        if (parent_soma && sec.type != 1) sec.raw[0].diam = sec.raw[1].diam;
        if (connect_to_start_[first]) sec.parent_x = 0.0;
        return sec;
    }
};

}  // namespace

Morphology parse_swc(std::string_view text, const std::string& name) {
    return instantiate_import3d(SwcSections(read_points(text, name)).pieces(), name);
}

Morphology read_swc(const std::string& path) {
    return parse_swc(read_text_file(path), path);
}

}  // namespace parnet::io
