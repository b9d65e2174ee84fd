#pragma once
// Longest processing time first (Graham): items, heaviest first, each go to the least loaded bin.
// Its largest bin is at most (4/3 - 1/(3 bins)) times the best possible. Used for ranks without
// connectivity (the `lpt` baseline) and for threads within a rank.
#include <cstdint>
#include <span>
#include <vector>

namespace parnet::balance {

// Bin of each item. Ties: the lower item index goes first, the lower bin is taken first, so the
// answer is the same on every run.
std::vector<std::uint32_t> lpt_assign(std::span<const double> costs, std::uint32_t bins);

// The loads of the bins of an assignment.
std::vector<double> bin_loads(std::span<const double> costs, std::span<const std::uint32_t> bin, std::uint32_t bins);

}  // namespace parnet::balance
