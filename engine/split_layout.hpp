#pragma once
// Cells cut into pieces that run on different threads and ranks (docs/split-solve.md): for every
// split cell, where it is cut and which rank and thread hold each piece. It comes from a plan file
// (io/plan_file.hpp) and every rank holds the whole list. A cell's results depend only on its
// description and its cuts, never on where its pieces run.
#include "engine/cable/split_solve.hpp"
#include "engine/types.hpp"

#include <cstdint>
#include <vector>

namespace parnet {

struct CableCellDescription;

// The cut of a cell into `pieces` pieces: balanced_cuts over its node tree with one unit of cost
// per compartment (none for zero-area nodes). A function of the description and the piece count
// only, so a plan for any number of ranks that gives a cell the same piece count cuts it the same.
cable::SplitDescription standard_cuts(const CableCellDescription& cell, std::uint32_t pieces);

struct SplitCellPlacement {
    Gid gid = 0;
    cable::SplitDescription split;
    std::vector<std::uint32_t> piece_rank;     // per piece
    std::vector<std::uint16_t> piece_thread;   // per piece, a thread of the plan
    // The rank and thread that hold the piece with the node, for `threads` threads per rank
    // (a plan made for other thread counts wraps its thread indices).
    int thread_of(std::size_t piece, int threads) const {
        return static_cast<int>(piece_thread[piece] % static_cast<unsigned>(threads));
    }
};

struct SplitLayout {
    std::vector<SplitCellPlacement> cells;   // ascending gid
    bool empty() const { return cells.empty(); }
    const SplitCellPlacement* find(Gid gid) const;
};

}  // namespace parnet
