#include "balance/lpt.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <queue>
#include <stdexcept>

namespace parnet::balance {

std::vector<std::uint32_t> lpt_assign(std::span<const double> costs, std::uint32_t bins) {
    if (bins == 0) throw std::invalid_argument("lpt_assign: no bins");
    std::vector<std::uint32_t> order(costs.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return costs[a] > costs[b]; });
    using Load = std::pair<double, std::uint32_t>;  // least loaded first, then lowest bin
    std::priority_queue<Load, std::vector<Load>, std::greater<>> loads;
    for (std::uint32_t b = 0; b < bins; ++b) loads.emplace(0.0, b);
    std::vector<std::uint32_t> bin(costs.size(), 0);
    for (std::uint32_t item : order) {
        const auto [load, b] = loads.top();
        loads.pop();
        bin[item] = b;
        loads.emplace(load + costs[item], b);
    }
    return bin;
}

std::vector<double> bin_loads(std::span<const double> costs, std::span<const std::uint32_t> bin, std::uint32_t bins) {
    std::vector<double> loads(bins, 0.0);
    for (std::size_t i = 0; i < costs.size(); ++i) loads[bin[i]] += costs[i];
    return loads;
}

}  // namespace parnet::balance
