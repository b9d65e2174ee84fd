#include "balance/traffic_graph.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace parnet::balance {

namespace {

constexpr std::uint64_t int_max = std::numeric_limits<std::int32_t>::max();

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// Whether the pair {a, b} is kept when only threshold / 2^32 of pairs are: the same answer
// for a -> b and b -> a, so the sampled graph stays symmetric.
bool pair_kept(std::uint32_t a, std::uint32_t b, std::uint64_t threshold) {
    const std::uint64_t key = (static_cast<std::uint64_t>(std::min(a, b)) << 32) | std::max(a, b);
    return (mix(key) >> 32) < threshold;
}

// Directed block graph, merged: for target vertex v, sources[begin[v] .. begin[v+1]) with traffic.
struct DirectedGraph {
    std::vector<std::uint64_t> begin;
    std::vector<std::uint32_t> source;
    std::vector<float> traffic;
};

DirectedGraph directed_block_graph(const IncomingGraph& incoming, std::span<const float> rates,
                                   const VertexBlocks& blocks, std::span<const std::uint32_t> vertex_of) {
    const std::size_t n = blocks.count();
    DirectedGraph d;
    d.begin.assign(n + 1, 0);
    // Vertices in batches; each thread merges the sources of its vertices, batches are appended in order.
    const std::size_t batch = 1 << 14;
    std::vector<std::vector<std::pair<std::uint32_t, float>>> rows(batch);
    for (std::size_t first = 0; first < n; first += batch) {
        const std::size_t end = std::min(n, first + batch);
#pragma omp parallel for schedule(dynamic, 64)
        for (std::int64_t vi = static_cast<std::int64_t>(first); vi < static_cast<std::int64_t>(end); ++vi) {
            const auto v = static_cast<std::size_t>(vi);
            auto& row = rows[v - first];
            row.clear();
            for (Gid g = blocks.first[v]; g < blocks.first[v + 1]; ++g)
                for (Gid s : incoming.sources_of(g))
                    if (vertex_of[s] != v) row.emplace_back(vertex_of[s], rates[s]);
            std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            std::size_t out = 0;
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (out > 0 && row[out - 1].first == row[i].first) row[out - 1].second += row[i].second;
                else row[out++] = row[i];
            }
            row.resize(out);
        }
        for (std::size_t v = first; v < end; ++v) {
            const auto& row = rows[v - first];
            for (const auto& [s, w] : row) {
                d.source.push_back(s);
                d.traffic.push_back(w);
            }
            d.begin[v + 1] = d.source.size();
        }
        if (first == 0 && end < n) {
            // Reserve for the whole graph from the first batch, so that growing it never holds
            // two copies.
            const double per_vertex = static_cast<double>(d.source.size()) / static_cast<double>(end);
            const auto estimate = static_cast<std::size_t>(per_vertex * 1.05 * static_cast<double>(n)) + 1024;
            d.source.reserve(estimate);
            d.traffic.reserve(estimate);
        }
    }
    return d;
}

}  // namespace

std::size_t VertexBlocks::largest() const {
    std::size_t m = 0;
    for (std::size_t v = 0; v < count(); ++v) m = std::max<std::size_t>(m, first[v + 1] - first[v]);
    return m;
}

VertexBlocks single_cells(Gid cells) {
    VertexBlocks b;
    b.first.resize(static_cast<std::size_t>(cells) + 1);
    std::iota(b.first.begin(), b.first.end(), Gid{0});
    return b;
}

VertexBlocks population_blocks(const Model& model, std::uint32_t block_size, std::span<const double> cost,
                               double max_block_cost) {
    std::vector<PopulationRange> ranges;
    for (const Population& pop : model.populations) ranges.push_back({pop.name, pop.first, pop.count});
    return population_blocks(ranges, model.cell_count(), block_size, cost, max_block_cost);
}

VertexBlocks population_blocks(const std::vector<PopulationRange>& populations, Gid cells, std::uint32_t block_size,
                               std::span<const double> cost, double max_block_cost) {
    VertexBlocks b;
    const Gid size = std::max<std::uint32_t>(1, block_size);
    const bool by_cost = !cost.empty() && max_block_cost > 0;
    for (const PopulationRange& pop : populations) {
        Gid in_block = 0;
        double block_cost = 0.0;
        for (Gid g = pop.first; g < pop.first + pop.count; ++g) {
            const double c = by_cost ? cost[g] : 0.0;
            if (in_block == 0 || in_block == size || (by_cost && block_cost + c > max_block_cost)) {
                b.first.push_back(g);
                in_block = 0;
                block_cost = 0.0;
            }
            ++in_block;
            block_cost += c;
        }
    }
    b.first.push_back(cells);
    return b;
}

TrafficGraph build_traffic_graph(const IncomingGraph& incoming, std::span<const float> rates,
                                 const VertexBlocks& blocks, const TrafficGraphLimits& limits) {
    const Gid cells = incoming.cell_count();
    const std::size_t n = blocks.count();
    if (rates.size() != cells) throw std::logic_error("build_traffic_graph: one rate per gid expected");
    if (n == 0 || blocks.first.back() != cells) throw std::logic_error("build_traffic_graph: blocks must cover every gid");
    if (n > int_max) throw std::length_error("build_traffic_graph: more vertices than 32-bit METIS can index");
    std::vector<std::uint32_t> vertex_of(cells);
    for (std::size_t v = 0; v < n; ++v)
        std::fill(vertex_of.begin() + blocks.first[v], vertex_of.begin() + blocks.first[v + 1], static_cast<std::uint32_t>(v));

    DirectedGraph directed = directed_block_graph(incoming, rates, blocks, vertex_of);
    std::vector<std::uint32_t>().swap(vertex_of);

    TrafficGraph graph;
    const auto by_degree = static_cast<std::uint64_t>(std::max(1.0, limits.max_mean_degree * static_cast<double>(n)));
    const std::uint64_t budget = std::min({limits.max_entries, by_degree, int_max});
    std::uint64_t threshold = std::uint64_t{1} << 32;  // keep every pair
    if (2 * directed.source.size() > budget) {
        graph.kept_fraction = 0.98 * static_cast<double>(budget) / static_cast<double>(2 * directed.source.size());
        threshold = static_cast<std::uint64_t>(graph.kept_fraction * 4294967296.0);
    }
    const bool sampling = threshold < (std::uint64_t{1} << 32);

    // Degrees of the symmetric graph before merging a -> b with b -> a, and the total traffic.
    std::vector<std::uint64_t> start(n + 1, 0);
    double traffic = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
        for (std::uint64_t i = directed.begin[t]; i < directed.begin[t + 1]; ++i) {
            const std::uint32_t s = directed.source[i];
            if (sampling && !pair_kept(s, static_cast<std::uint32_t>(t), threshold)) continue;
            ++start[t + 1];
            ++start[s + 1];
            traffic += 2.0 * directed.traffic[i];
        }
    }
    for (std::size_t v = 0; v < n; ++v) start[v + 1] += start[v];
    const std::uint64_t entries = start[n];
    if (entries > int_max) throw std::length_error("build_traffic_graph: the sampled graph still exceeds 32-bit METIS");

    // Integer weights whose total cannot overflow: sum of max(1, floor(w * scale)) <= budget.
    const double room = static_cast<double>(limits.max_total_weight) - static_cast<double>(entries);
    graph.weight_scale = traffic > 0 && room > 0 ? room / traffic : 0.0;
    graph.adjncy.resize(entries);
    graph.adjwgt.resize(entries);
    {
        std::vector<std::uint64_t> cursor(start.begin(), start.end() - 1);
        for (std::size_t t = 0; t < n; ++t) {
            for (std::uint64_t i = directed.begin[t]; i < directed.begin[t + 1]; ++i) {
                const std::uint32_t s = directed.source[i];
                if (sampling && !pair_kept(s, static_cast<std::uint32_t>(t), threshold)) continue;
                const auto w = static_cast<std::int32_t>(
                    std::max<double>(1.0, std::floor(static_cast<double>(directed.traffic[i]) * graph.weight_scale)));
                graph.adjncy[cursor[t]] = static_cast<std::int32_t>(s);
                graph.adjwgt[cursor[t]++] = w;
                graph.adjncy[cursor[s]] = static_cast<std::int32_t>(t);
                graph.adjwgt[cursor[s]++] = w;
            }
        }
    }
    directed = DirectedGraph{};  // freed before the merge

    // Sort every row by neighbour and merge a -> b with b -> a.
    std::vector<std::uint64_t> length(n, 0);
#pragma omp parallel
    {
        std::vector<std::pair<std::int32_t, std::int32_t>> row;
#pragma omp for schedule(dynamic, 1024)
        for (std::int64_t vi = 0; vi < static_cast<std::int64_t>(n); ++vi) {
            const auto v = static_cast<std::size_t>(vi);
            const std::uint64_t b = start[v], e = start[v + 1];
            row.clear();
            for (std::uint64_t i = b; i < e; ++i) row.emplace_back(graph.adjncy[i], graph.adjwgt[i]);
            std::sort(row.begin(), row.end());
            std::uint64_t out = b;
            for (const auto& [neighbour, weight] : row) {
                if (out > b && graph.adjncy[out - 1] == neighbour) {
                    const std::int64_t sum = std::int64_t{graph.adjwgt[out - 1]} + weight;
                    graph.adjwgt[out - 1] = static_cast<std::int32_t>(std::min<std::int64_t>(sum, int_max));
                } else {
                    graph.adjncy[out] = neighbour;
                    graph.adjwgt[out] = weight;
                    ++out;
                }
            }
            length[v] = out - b;
        }
    }
    graph.xadj.assign(n + 1, 0);
    std::uint64_t write = 0;
    for (std::size_t v = 0; v < n; ++v) {
        const std::uint64_t b = start[v];
        if (write != b) {
            std::copy(graph.adjncy.begin() + static_cast<std::ptrdiff_t>(b),
                      graph.adjncy.begin() + static_cast<std::ptrdiff_t>(b + length[v]),
                      graph.adjncy.begin() + static_cast<std::ptrdiff_t>(write));
            std::copy(graph.adjwgt.begin() + static_cast<std::ptrdiff_t>(b),
                      graph.adjwgt.begin() + static_cast<std::ptrdiff_t>(b + length[v]),
                      graph.adjwgt.begin() + static_cast<std::ptrdiff_t>(write));
        }
        write += length[v];
        graph.xadj[v + 1] = static_cast<std::int32_t>(write);
    }
    // Few pairs merge here; the spare capacity is not worth a copy of the graph.
    graph.adjncy.resize(write);
    graph.adjwgt.resize(write);
    return graph;
}

}  // namespace parnet::balance
