#pragma once
// Which cells this rank owns and how they are split over its threads. A cell stays on its thread
// for the whole run (docs/ARCHITECTURE.md, Determinism).
#include "recipe.hpp"
#include "split_layout.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace parnet {

struct Decomposition {
    std::vector<std::vector<Gid>> thread_gids;  // per thread, ascending gids (whole cells)
    // Cells cut into pieces (docs/split-solve.md): the same list on every rank; their pieces are
    // placed by it, and they are in no thread_gids.
    std::shared_ptr<const SplitLayout> splits = nullptr;
    std::size_t cell_count() const;
    std::vector<Gid> gids() const;  // this rank's whole cells, ascending
};

// Groups gids into `threads` sets of near-equal cost (longest processing time first).
std::vector<std::vector<Gid>> split_by_cost(const Recipe& recipe, std::span<const Gid> gids, int threads);

// NEURON's usual layout: gid % nranks.
Decomposition round_robin_decomposition(const Recipe& recipe, int rank, int nranks, int threads);

// From a plan's assignment. thread_of_gid is used when it was planned for `threads` threads,
// otherwise threads are re-balanced by estimated cost. Split cells (if any) are left out of the
// threads' gids and placed piece by piece.
Decomposition planned_decomposition(const Recipe& recipe, int rank, int threads,
                                    std::span<const std::uint32_t> rank_of_gid,
                                    std::span<const std::uint16_t> thread_of_gid, int plan_threads,
                                    std::shared_ptr<const SplitLayout> splits = nullptr);
// The same from this rank's part of a plan: its gids (ascending) and their threads.
Decomposition planned_decomposition(const Recipe& recipe, int threads, std::span<const Gid> gids,
                                    std::span<const std::uint16_t> thread_of, int plan_threads,
                                    std::shared_ptr<const SplitLayout> splits = nullptr);

}  // namespace parnet
