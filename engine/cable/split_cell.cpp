#include "split_cell.hpp"

#include "engine/errors.hpp"

#include <algorithm>

namespace parnet::cable {

std::string why_not_splittable(const CableCellDescription& cell) {
    if (cell.calcium) return "it has reaction-diffusion calcium";
    for (const auto& s : cell.sections)
        if (!s.mechanisms.empty()) return "section " + s.name + " has catalogue mechanisms";
    for (const auto& syn : cell.synapses)
        if (syn.point_process) return "synapse " + syn.name + " is a catalogue point process";
    return "";
}

namespace {
void refuse_unsupported(const CableCellDescription& cell, const std::string& what) {
    const std::string why = why_not_splittable(cell);
    if (!why.empty())
        throw input_error(what + ": this cell cannot be split (the split groups run hh, pas, expsyn, exp2syn and "
                                 "current clamps; " + why + ")");
}
}  // namespace

SplitCellShape::SplitCellShape(std::shared_ptr<const CableCellDescription> cell, SplitDescription cuts,
                               const std::string& what)
    : description((refuse_unsupported(*cell, what), std::move(cell))), split(std::move(cuts)), layout(*description),
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
}

}  // namespace parnet::cable
