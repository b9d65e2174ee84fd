// The split solve (engine/cable/split_solve.hpp) on the node trees of real cells: the hybrid
// example's 200-compartment pyramidal cell (branched) and the reconstructed small_pyramid.swc,
// cut into 2, 4 and 8 pieces. It must give the unsplit Hines solve's answer up to round-off, and
// the same bits whatever order (or thread) the pieces are processed in.
#include "cable_test_support.hpp"
#include "engine/cable/cable_layout.hpp"
#include "engine/cable/split_solve.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>

namespace parnet {
namespace {

using namespace cable_test;
using cable::CableLayout;
using cable::SplitDescription;
using cable::SplitSolver;

std::string pyramidal_json() {
    // examples/hybrid.json's pyramidal template.
    return R"({"Ra": 100, "cm": 1, "sections": [
      {"name": "soma", "length": 20, "diam": 20, "ncomp": 1, "mechanisms": {"hh": {}}},
      {"name": "axon", "length": 400, "diam": 1, "ncomp": 19, "parent": "soma", "mechanisms": {"hh": {}}},
      {"name": "apical", "length": 600, "diam": 2, "ncomp": 100, "parent": "soma",
       "mechanisms": {"pas": {"g": 0.0001, "e": -65}}},
      {"name": "basal1", "length": 200, "diam": 1.5, "ncomp": 40, "parent": "soma",
       "mechanisms": {"pas": {"g": 0.0001, "e": -65}}},
      {"name": "basal2", "length": 200, "diam": 1.5, "ncomp": 40, "parent": "soma",
       "mechanisms": {"pas": {"g": 0.0001, "e": -65}}}]})";
}

std::string reconstructed_json() {
    return R"({"morphology": ")" + std::string(PARNET_SOURCE_DIR) + R"(/examples/morphologies/small_pyramid.swc",
      "Ra": 100, "cm": 1, "nseg": {"d_lambda": 0.1, "frequency": 100},
      "biophysics": [{"region": "all", "mechanisms": {"pas": {"g": 5e-5, "e": -65}}}]})";
}

struct System {
    std::vector<double> d, rhs;
};

// A step's matrix as the engine builds it (cfac cm + axial diagonal, plus a membrane conductance
// on nodes with area) and a varied right-hand side.
System step_system(const CableLayout& layout, unsigned seed) {
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> conductance(0.0, 0.05), current(-1.0, 1.0);
    const double cfac = .001 / 0.025;
    System s;
    for (std::size_t j = 0; j < layout.node_count(); ++j) {
        const double g = layout.cm[j] > 0 ? conductance(random) : 0.0;
        s.d.push_back(cfac * layout.cm[j] + layout.axial_diagonal[j] + g);
        s.rhs.push_back(current(random));
    }
    return s;
}

// cable_group.cpp's axial_solve_update, elimination and back substitution, one lane.
std::vector<double> hines_solve(const CableLayout& layout, System s) {
    const std::size_t N = layout.node_count();
    std::vector<double> inv_d(N);
    for (std::size_t k = 0; k + 1 < N; ++k) {
        const std::size_t j = layout.elimination_order[k];
        const auto p = static_cast<std::size_t>(layout.parent[j]);
        const double inv = 1.0 / s.d[j];
        inv_d[j] = inv;
        const double f = layout.a[j] * inv;
        s.d[p] -= f * layout.b[j];
        s.rhs[p] -= f * s.rhs[j];
    }
    s.rhs[0] = s.rhs[0] / s.d[0];
    for (std::size_t k = N - 1; k-- > 0;) {
        const std::size_t j = layout.elimination_order[k];
        const auto p = static_cast<std::size_t>(layout.parent[j]);
        s.rhs[j] = (s.rhs[j] - layout.b[j] * s.rhs[p]) * inv_d[j];
    }
    return s.rhs;
}

// Pieces processed in the given order (as threads or ranks would, in any order).
std::vector<double> split_solve(const SplitSolver& solver, System s, const std::vector<std::size_t>& order) {
    auto states = solver.make_states();
    for (std::size_t p : order) solver.eliminate(p, s.d.data(), s.rhs.data(), states[p]);
    const auto dv = solver.solve_boundary(s.d.data(), s.rhs.data(), states);
    for (std::size_t p : order) solver.substitute(p, dv, s.rhs.data(), states[p]);
    return s.rhs;
}

double max_relative_difference(const std::vector<double>& x, const std::vector<double>& ref) {
    double scale = 0.0, diff = 0.0;
    for (std::size_t j = 0; j < x.size(); ++j) {
        scale = std::max(scale, std::abs(ref[j]));
        diff = std::max(diff, std::abs(x[j] - ref[j]));
    }
    return diff / scale;
}

void check_cell(const std::string& name, const CableCellDescription& cell) {
    const CableLayout layout(cell);
    const std::vector<double> cost(layout.node_count(), 1.0);   // per node
    for (std::uint32_t pieces : {2u, 4u, 8u}) {
        SCOPED_TRACE(name + ", " + std::to_string(pieces) + " pieces");
        const SplitDescription split = cable::balanced_cuts(layout.parent, cost, pieces);
        ASSERT_EQ(split.piece_count(), pieces);
        const auto costs = cable::piece_costs(layout.parent, cost, split);
        EXPECT_EQ(std::accumulate(costs.begin(), costs.end(), 0.0), static_cast<double>(layout.node_count()));
        const SplitSolver solver(layout.parent, layout.a, layout.b, split);
        std::vector<std::size_t> order(solver.piece_count());
        std::iota(order.begin(), order.end(), 0);
        // Per step a piece sends its block and right-hand sides and receives its boundary values.
        std::size_t exchanged = 0;
        for (std::size_t p = 0; p < solver.piece_count(); ++p) {
            const std::size_t nb = solver.piece_boundary(p).size();
            exchanged += sizeof(double) * (nb * nb + 2 * nb);
        }
        std::printf("[ split    ] %s: %u nodes, %u pieces (largest %g nodes), %zu boundary nodes; %llu operations "
                    "per solve vs %llu unsplit; %zu bytes exchanged per step (%.0f per cut)\n",
                    name.c_str(), layout.node_count(), pieces, *std::max_element(costs.begin(), costs.end()),
                    solver.boundary_count(), static_cast<unsigned long long>(solver.operation_count()),
                    static_cast<unsigned long long>(solver.unsplit_operation_count()), exchanged,
                    static_cast<double>(exchanged) / static_cast<double>(pieces - 1));
        std::mt19937 shuffle(pieces);
        for (unsigned seed = 1; seed <= 5; ++seed) {
            const System s = step_system(layout, seed);
            const auto ref = hines_solve(layout, s);
            const auto in_order = split_solve(solver, s, order);
            EXPECT_LT(max_relative_difference(in_order, ref), 1e-12);
            for (int trial = 0; trial < 3; ++trial) {
                auto shuffled = order;
                std::shuffle(shuffled.begin(), shuffled.end(), shuffle);
                const auto other = split_solve(solver, s, shuffled);
                EXPECT_EQ(0, std::memcmp(other.data(), in_order.data(), other.size() * sizeof(double)))
                    << "pieces in another order changed the bits";
            }
            // The convenience solve is the same arithmetic.
            System t = s;
            solver.solve(t.d.data(), t.rhs.data());
            EXPECT_EQ(0, std::memcmp(t.rhs.data(), in_order.data(), t.rhs.size() * sizeof(double)));
        }
    }
}

TEST(SplitSolve, BranchedCellInPiecesEqualsHinesAndIgnoresPieceOrder) {
    check_cell("pyramidal (hybrid.json)", *read_cell(pyramidal_json(), "populations[0].cell"));
}

TEST(SplitSolve, ReconstructedCellInPiecesEqualsHinesAndIgnoresPieceOrder) {
    check_cell("small_pyramid.swc", *read_cell(reconstructed_json(), "populations[0].cell"));
}

TEST(SplitSolve, HandPlacedCutsAtBranchPointsAndNeighbours) {
    // Cuts next to each other, at the root's children and at a branch point: every kind of
    // boundary (a cut directly below the top, a cut whose parent is another cut).
    const auto cell = read_cell(pyramidal_json(), "populations[0].cell");
    const CableLayout layout(*cell);
    std::vector<std::uint32_t> children_of_root;
    for (std::uint32_t j = 1; j < layout.node_count(); ++j)
        if (layout.parent[j] == 0) children_of_root.push_back(j);
    SplitDescription split;
    split.cuts = children_of_root;
    split.cuts.push_back(50);
    split.cuts.push_back(51);
    split.cuts.push_back(layout.node_count() - 1);
    std::sort(split.cuts.begin(), split.cuts.end());
    split.cuts.erase(std::unique(split.cuts.begin(), split.cuts.end()), split.cuts.end());
    const SplitSolver solver(layout.parent, layout.a, layout.b, split);
    const System s = step_system(layout, 7);
    System t = s;
    solver.solve(t.d.data(), t.rhs.data());
    EXPECT_LT(max_relative_difference(t.rhs, hines_solve(layout, s)), 1e-12);
}

TEST(SplitSolve, RejectsCutsOutOfOrder) {
    const std::vector<std::int32_t> parent{-1, 0, 1, 1};
    const std::vector<double> a(4, -1.0), b(4, -1.0);
    EXPECT_THROW(SplitSolver(parent, a, b, SplitDescription{{2, 1}}), std::invalid_argument);
    EXPECT_THROW(SplitSolver(parent, a, b, SplitDescription{{0}}), std::invalid_argument);
    EXPECT_THROW(SplitSolver(parent, a, b, SplitDescription{{4}}), std::invalid_argument);
}

}  // namespace
}  // namespace parnet
