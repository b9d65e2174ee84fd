#include "split_cell.hpp"

#include "builtin_mechanisms.hpp"
#include "clamped_ends.hpp"
#include "engine/errors.hpp"

#include <algorithm>

namespace parnet::cable {

std::optional<std::string> why_not_splittable(const CableCellDescription& cell, std::span<const CurrentClamp> clamps) {
    if (cell.detector_count() > 1)
        return "it has " + std::to_string(cell.detector_count()) + " spike detectors (split cells detect on one)";
    const auto ends = clamped_section_ends(cell, clamps);
    if (ends.empty()) return std::nullopt;
    const std::size_t nodes = CableLayout(cell).node_count();
    for (const auto& end : ends) {
        CableCellDescription kept = cell;
        kept.kept_locations.push_back(end);
        if (CableLayout(kept).node_count() == nodes) continue;   // a node the layout has anyway
        return "a current clamp at x = " + std::string(end.second > 0 ? "1" : "0") + " of section '" +
               cell.sections[end.first].name +
               "' injects into a zero-area end node, which split cells do not keep (whole cells do, as NEURON)";
    }
    return std::nullopt;
}

namespace {
std::shared_ptr<const CableCellDescription> splittable(std::shared_ptr<const CableCellDescription> cell,
                                                       const std::string& what) {
    if (auto why = why_not_splittable(*cell, {}))
        throw input_error(what + ": this cell cannot be split: " + *why + "; plan it whole");
    return cell;
}
}  // namespace

SplitCellShape::SplitCellShape(std::shared_ptr<const CableCellDescription> cell, SplitDescription cuts,
                               const std::string& what)
    : description(with_builtin_mechanisms(splittable(std::move(cell), what))), split(std::move(cuts)), layout(*description),
      solver(layout.parent, layout.a, layout.b, split) {
    pieces.resize(solver.piece_count());
    for (std::size_t p = 0; p < pieces.size(); ++p) {
        const auto boundary = solver.piece_boundary(p);
        const auto interior = solver.piece_interior(p);
        Piece& piece = pieces[p];
        piece.nodes.push_back(boundary[0]);
        piece.nodes.insert(piece.nodes.end(), interior.begin(), interior.end());
        std::sort(piece.nodes.begin(), piece.nodes.end());
        piece.child_cuts.assign(boundary.begin() + 1, boundary.end());
        const std::size_t nb = boundary.size();
        piece.offset = message_doubles;
        piece.size = 2 + piece.child_cuts.size() + nb * nb + nb;
        message_doubles += piece.size;
    }
    const auto boundary_nodes = solver.boundary_nodes();
    above_piece.assign(boundary_nodes.size(), 0);
    above_index.assign(boundary_nodes.size(), 0);
    for (std::size_t i = 1; i < boundary_nodes.size(); ++i) {
        const std::uint32_t cut = boundary_nodes[i];
        const std::uint32_t above = solver.piece_of_node(static_cast<std::size_t>(layout.parent[cut]));
        const auto& cuts = pieces[above].child_cuts;
        above_piece[i] = above;
        above_index[i] = static_cast<std::uint32_t>(std::find(cuts.begin(), cuts.end(), cut) - cuts.begin());
    }
    if (!description->calcium) return;
    const std::size_t C = layout.compartment_node.size();
    diffusing_species = description->calcium->D > 0 ? 1 : 0;
    for (const auto& b : description->calcium->buffers) diffusing_species += b.D > 0 ? 1 : 0;
    auto piece_of = [&](std::size_t k) { return solver.piece_of_node(layout.compartment_node[k]); };
    for (std::size_t k = 1; k < C; ++k)
        if (piece_of(k) != piece_of(static_cast<std::size_t>(layout.compartment_parent[k])))
            compartment_split.cuts.push_back(static_cast<std::uint32_t>(k));
    compartment_piece_host.push_back(C > 0 ? piece_of(0) : 0);
    for (std::uint32_t k : compartment_split.cuts) compartment_piece_host.push_back(piece_of(k));
    // The boundary of each compartment piece: its top and its child cuts.
    std::vector<std::size_t> boundary(compartment_split.piece_count(), 1);
    std::vector<std::uint32_t> cpiece(C, 0);
    for (std::size_t i = 0; i < compartment_split.cuts.size(); ++i) cpiece[compartment_split.cuts[i]] = static_cast<std::uint32_t>(i + 1);
    for (std::size_t k = 1; k < C; ++k) {
        const bool cut = cpiece[k] != 0;
        const auto parent = static_cast<std::size_t>(layout.compartment_parent[k]);
        if (cut) ++boundary[cpiece[parent]];
        else cpiece[k] = cpiece[parent];
    }
    for (std::size_t q = 0; q < boundary.size(); ++q) {
        const std::size_t nb = boundary[q];
        compartment_offset.push_back(compartment_message_doubles);
        compartment_piece_size.push_back(diffusing_species * (2 + nb * nb + nb));
        compartment_message_doubles += compartment_piece_size.back();
    }
}

}  // namespace parnet::cable
