// LPT: a known worst case and Graham's bound against brute-force optima.
#include "balance/lpt.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace parnet::balance;

namespace {

double makespan(const std::vector<double>& costs, std::uint32_t bins) {
    const auto loads = bin_loads(costs, lpt_assign(costs, bins), bins);
    return *std::max_element(loads.begin(), loads.end());
}

// The best makespan by trying every assignment (small instances only).
double optimal_makespan(const std::vector<double>& costs, std::uint32_t bins) {
    std::vector<std::uint32_t> bin(costs.size(), 0);
    double best = 1e300;
    while (true) {
        std::vector<double> loads(bins, 0.0);
        for (std::size_t i = 0; i < costs.size(); ++i) loads[bin[i]] += costs[i];
        best = std::min(best, *std::max_element(loads.begin(), loads.end()));
        std::size_t i = 0;
        while (i < bin.size() && ++bin[i] == bins) bin[i++] = 0;
        if (i == bin.size()) break;
    }
    return best;
}

}  // namespace

// Graham's tight example for 2 machines: {3,3,2,2,2}. Optimal 6 (3+3 | 2+2+2); LPT gives 7,
// exactly the bound 4/3 - 1/(3*2) = 7/6 times the optimum.
TEST(Lpt, GrahamsTightInstance) {
    const std::vector<double> costs{3, 3, 2, 2, 2};
    EXPECT_DOUBLE_EQ(optimal_makespan(costs, 2), 6.0);
    EXPECT_DOUBLE_EQ(makespan(costs, 2), 7.0);
}

TEST(Lpt, WithinGrahamsBoundOfTheOptimum) {
    std::mt19937 rng(12345);
    std::uniform_real_distribution<double> cost(0.1, 10.0);
    for (int trial = 0; trial < 60; ++trial) {
        const std::uint32_t bins = 2 + trial % 3;
        std::vector<double> costs(6 + trial % 4);
        for (double& c : costs) c = cost(rng);
        const double opt = optimal_makespan(costs, bins);
        const double bound = (4.0 / 3.0 - 1.0 / (3.0 * bins)) * opt;
        EXPECT_LE(makespan(costs, bins), bound * (1 + 1e-12)) << "trial " << trial;
        EXPECT_GE(makespan(costs, bins), opt * (1 - 1e-12));
    }
}

TEST(Lpt, EveryItemGetsAValidBinAndTiesAreStable) {
    const std::vector<double> costs(10, 1.0);
    const auto bin = lpt_assign(costs, 3);
    // Equal costs: items in index order fill bins 0,1,2,0,1,2,...
    for (std::size_t i = 0; i < costs.size(); ++i) EXPECT_EQ(bin[i], i % 3);
    EXPECT_THROW(lpt_assign(costs, 0), std::invalid_argument);
}
