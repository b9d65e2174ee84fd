#pragma once
// Fixes what a graph partitioner can leave behind: empty parts (METIS 5.1 returns them with
// METIS_OK when a few cells are much heavier than the rest) and parts above the balance tolerance
// (heavy vertices METIS could not place). Vertices move from the most to the least loaded part,
// each time the one whose cost best halves their difference, while that lowers the maximum.
#include <cstdint>
#include <span>

namespace parnet::balance {

struct RepairReport {
    std::uint32_t empty_parts_found = 0;   // in the partition as given
    std::uint32_t empty_parts_left = 0;    // only when there are fewer vertices than parts
    std::uint32_t moves = 0;
};

// tolerance: stop once the largest load is within (1 + tolerance) of the mean.
RepairReport repair_partition(std::span<std::uint32_t> part, std::span<const double> cost, std::uint32_t parts,
                              double tolerance);

}  // namespace parnet::balance
