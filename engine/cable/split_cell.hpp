#pragma once
// One cable cell description cut into pieces (a SplitDescription), compiled once and shared by
// every cell with the same description and cuts: the cell's node layout, the split solver, the
// nodes of every piece, and the message a piece sends each step (docs/split-solve.md, "Running
// split cells").
#include "cable_cell.hpp"
#include "cable_layout.hpp"
#include "split_solve.hpp"
#include "engine/model.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace parnet::cable {

struct SplitCellShape {
    // The description's built-in shorthands become catalogue placements (builtin_mechanisms.hpp).
    // `what` names the cell in a refusal ("gid 17").
    SplitCellShape(std::shared_ptr<const CableCellDescription> description, SplitDescription split,
                   const std::string& what);

    std::shared_ptr<const CableCellDescription> description;   // with catalogue mechanisms only
    SplitDescription split;
    CableLayout layout;
    SplitSolver solver;

    // A piece's message each step, doubles in this order: its top's own d and rhs (membrane and
    // the axial terms inside the piece), the voltage at the parent of each child cut (the node
    // above the cut, which the cut's piece needs for the axial current across the cut), then its
    // contribution to the boundary system (block nb x nb, right-hand sides nb).
    struct Piece {
        std::vector<std::uint32_t> nodes;        // ascending, the top included
        std::vector<std::uint32_t> child_cuts;   // ascending: boundary nodes 1.. of the piece
        std::size_t offset = 0;                  // of the message in the cell's message array
        std::size_t size = 0;
        std::size_t contribution() const { return offset + 2 + child_cuts.size(); }
    };
    std::vector<Piece> pieces;
    std::size_t message_doubles = 0;             // all pieces' messages
    // For boundary node i > 0 (the top of piece i): the piece above the cut and the cut's index
    // among that piece's child cuts.
    std::vector<std::uint32_t> above_piece, above_index;

    // Reaction-diffusion calcium: the compartment tree cut where the node pieces meet (a
    // compartment whose parent compartment lies in another piece is a cut), giving compartment
    // pieces, each inside one node piece. Each step, after the voltage, every diffusing species'
    // backward-Euler system is solved in these pieces with one more exchange: a compartment
    // piece's message holds, per diffusing species, its top's own d and rhs and its contribution.
    SplitDescription compartment_split;
    std::vector<std::uint32_t> compartment_piece_host;   // per compartment piece: its node piece
    std::vector<std::size_t> compartment_offset;         // per compartment piece: message offset
    std::vector<std::size_t> compartment_piece_size;     // per compartment piece, all species
    std::size_t compartment_message_doubles = 0;
    std::size_t diffusing_species = 0;                   // free calcium and mobile buffers with D > 0
};

// Why the split groups cannot run this cell with these clamps as the whole cell runs it (none: they
// can): several spike detectors (split cells detect on one), or a clamp at a section end whose
// zero-area node the layout leaves out (the whole cell keeps that node, as NEURON does; a split
// cell would inject into its neighbour). The planner keeps such cells whole; the engine refuses
// a plan that splits one.
std::optional<std::string> why_not_splittable(const CableCellDescription& cell, std::span<const CurrentClamp> clamps);

}  // namespace parnet::cable
