#pragma once
// The source gids of every gid's incoming connections, for the whole network — the one place in
// parnet that enumerates it. Compressed sparse rows with 32-bit gids: the sources of target g are
// sources[offsets[g] .. offsets[g+1]), 4 bytes per connection (400 MB for 1e6 cells x 100).
#include "balance/progress_line.hpp"
#include "engine/recipe.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace parnet::balance {

struct IncomingGraph {
    std::vector<std::uint64_t> offsets;  // one more than cells
    std::vector<Gid> sources;

    Gid cell_count() const { return offsets.empty() ? 0 : static_cast<Gid>(offsets.size() - 1); }
    std::uint64_t connection_count() const { return sources.size(); }
    std::span<const Gid> sources_of(Gid g) const {
        return std::span<const Gid>(sources).subspan(offsets[g], offsets[g + 1] - offsets[g]);
    }
};

// Calls Network::incoming for every gid, on all OpenMP threads, in gid order.
IncomingGraph build_incoming_graph(const Recipe& recipe, ProgressLine& progress);

// Build from an explicit list of (source, target) connections (tests and small tools).
IncomingGraph incoming_graph_from_edges(Gid cells, std::span<const std::pair<Gid, Gid>> source_target);

}  // namespace parnet::balance
