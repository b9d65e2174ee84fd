#include "balance/incoming_graph.hpp"

#include <omp.h>

#include <algorithm>
#include <exception>
#include <mutex>

namespace parnet::balance {

IncomingGraph build_incoming_graph(const Recipe& recipe, ProgressLine& progress) {
    const Gid cells = recipe.cell_count();
    IncomingGraph graph;
    graph.offsets.assign(static_cast<std::size_t>(cells) + 1, 0);
    // Cells are taken in batches: each thread lists the sources of a chunk of the batch, and the
    // chunks are appended in gid order, so only one batch is ever held twice.
    constexpr Gid chunk = 2048;
    const int threads = std::max(1, omp_get_max_threads());
    const Gid batch = chunk * static_cast<Gid>(4 * threads);
    std::vector<std::vector<Gid>> chunk_sources(4 * static_cast<std::size_t>(threads));
    progress.start("listing connections (cells)", cells);
    for (Gid first = 0; first < cells; first += std::min(batch, cells - first)) {
        const Gid end = static_cast<Gid>(std::min<std::uint64_t>(static_cast<std::uint64_t>(first) + batch, cells));
        const int chunks = static_cast<int>((end - first + chunk - 1) / chunk);
        std::exception_ptr error;
        std::mutex error_mutex;
#pragma omp parallel for schedule(dynamic, 1)
        for (int c = 0; c < chunks; ++c) {
            try {
                auto& out = chunk_sources[static_cast<std::size_t>(c)];
                out.clear();
                const Gid begin = first + static_cast<Gid>(c) * chunk;
                const Gid stop = std::min(end, begin + chunk);
                for (Gid g = begin; g < stop; ++g) {
                    const auto incoming = recipe.incoming(g);
                    graph.offsets[g + 1] = incoming.size();
                    for (const Connection& connection : incoming) out.push_back(connection.source);
                }
            } catch (...) {
                std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
            }
        }
        if (error) std::rethrow_exception(error);
        for (int c = 0; c < chunks; ++c) {
            const auto& part = chunk_sources[static_cast<std::size_t>(c)];
            graph.sources.insert(graph.sources.end(), part.begin(), part.end());
        }
        if (first == 0 && end < cells) {
            // Reserve for the whole network from the first batch, so that growing the list never
            // holds two copies of it.
            const double per_cell = static_cast<double>(graph.sources.size()) / static_cast<double>(end);
            graph.sources.reserve(static_cast<std::size_t>(per_cell * 1.05 * static_cast<double>(cells)) + 1024);
        }
        progress.update(end);
    }
    for (Gid g = 0; g < cells; ++g) graph.offsets[g + 1] += graph.offsets[g];
    graph.sources.shrink_to_fit();
    for (auto& part : chunk_sources) std::vector<Gid>().swap(part);
    return graph;
}

IncomingGraph incoming_graph_from_edges(Gid cells, std::span<const std::pair<Gid, Gid>> source_target) {
    IncomingGraph graph;
    graph.offsets.assign(static_cast<std::size_t>(cells) + 1, 0);
    for (const auto& [s, t] : source_target) ++graph.offsets[t + 1];
    for (Gid g = 0; g < cells; ++g) graph.offsets[g + 1] += graph.offsets[g];
    graph.sources.resize(source_target.size());
    std::vector<std::uint64_t> cursor(graph.offsets.begin(), graph.offsets.end() - 1);
    for (const auto& [s, t] : source_target) graph.sources[cursor[t]++] = s;
    return graph;
}

}  // namespace parnet::balance
