// The split solve (engine/cable/split_solve.hpp) against the plain Hines solve on one core: the
// hybrid example's 200-compartment pyramidal cell, one lane, all pieces in turn on one thread.
// The time of the matrix solve only (the step's mechanisms are not part of it).
#include "engine/cable/cable_layout.hpp"
#include "engine/cable/split_solve.hpp"
#include "io/cable_cell_reader.hpp"

#include <benchmark/benchmark.h>

#include <vector>

namespace {

using namespace parnet;

const cable::CableLayout& pyramidal() {
    static const cable::CableLayout layout = [] {
        const auto value = io::json::parse(R"({"Ra": 100, "cm": 1, "sections": [
          {"name": "soma", "length": 20, "diam": 20, "ncomp": 1, "mechanisms": {"hh": {}}},
          {"name": "axon", "length": 400, "diam": 1, "ncomp": 19, "parent": "soma", "mechanisms": {"hh": {}}},
          {"name": "apical", "length": 600, "diam": 2, "ncomp": 100, "parent": "soma", "mechanisms": {"pas": {}}},
          {"name": "basal1", "length": 200, "diam": 1.5, "ncomp": 40, "parent": "soma", "mechanisms": {"pas": {}}},
          {"name": "basal2", "length": 200, "diam": 1.5, "ncomp": 40, "parent": "soma", "mechanisms": {"pas": {}}}]})");
        return cable::CableLayout(*io::read_cable_cell(io::JsonObject(value, "cell", "bench")));
    }();
    return layout;
}

std::vector<double> diagonal(const cable::CableLayout& layout) {
    std::vector<double> d(layout.node_count());
    for (std::size_t j = 0; j < d.size(); ++j) d[j] = 0.04 * layout.cm[j] + layout.axial_diagonal[j] + 0.01;
    return d;
}

void BM_HinesSolve(benchmark::State& state) {
    const auto& layout = pyramidal();
    const std::size_t N = layout.node_count();
    const auto d0 = diagonal(layout);
    std::vector<double> d(N), rhs(N), inv_d(N);
    for (auto _ : state) {
        d = d0;
        std::fill(rhs.begin(), rhs.end(), 1.0);
        for (std::size_t k = 0; k + 1 < N; ++k) {
            const std::size_t j = layout.elimination_order[k];
            const auto p = static_cast<std::size_t>(layout.parent[j]);
            inv_d[j] = 1.0 / d[j];
            const double f = layout.a[j] * inv_d[j];
            d[p] -= f * layout.b[j];
            rhs[p] -= f * rhs[j];
        }
        rhs[0] /= d[0];
        for (std::size_t k = N - 1; k-- > 0;) {
            const std::size_t j = layout.elimination_order[k];
            rhs[j] = (rhs[j] - layout.b[j] * rhs[static_cast<std::size_t>(layout.parent[j])]) * inv_d[j];
        }
        benchmark::DoNotOptimize(rhs.data());
    }
    state.counters["nodes"] = static_cast<double>(N);
}
BENCHMARK(BM_HinesSolve);

void BM_SplitSolve(benchmark::State& state) {
    const auto& layout = pyramidal();
    const std::vector<double> cost(layout.node_count(), 1.0);
    const cable::SplitSolver solver(layout.parent, layout.a, layout.b,
                                    cable::balanced_cuts(layout.parent, cost, static_cast<std::uint32_t>(state.range(0))));
    const auto d0 = diagonal(layout);
    std::vector<double> d(d0.size()), rhs(d0.size());
    auto states = solver.make_states();
    for (auto _ : state) {
        d = d0;
        std::fill(rhs.begin(), rhs.end(), 1.0);
        for (std::size_t p = 0; p < solver.piece_count(); ++p) solver.eliminate(p, d.data(), rhs.data(), states[p]);
        const auto dv = solver.solve_boundary(d.data(), rhs.data(), states);
        for (std::size_t p = 0; p < solver.piece_count(); ++p) solver.substitute(p, dv, rhs.data(), states[p]);
        benchmark::DoNotOptimize(rhs.data());
    }
    state.counters["pieces"] = static_cast<double>(solver.piece_count());
}
BENCHMARK(BM_SplitSolve)->Arg(2)->Arg(4)->Arg(8);

}  // namespace

BENCHMARK_MAIN();
