#pragma once
// The section ends (x = 0 or 1) that current clamps inject at. A whole cell keeps those nodes
// (CableCellDescription::kept_locations) even where its layout would leave a zero-area tip out,
// so that the clamp meets the node NEURON injects into (engine/cable/cable_group.cpp); split cells
// do not yet, and refuse such cells (split_cell.hpp, why_not_splittable).
#include "cable_cell.hpp"
#include "engine/model.hpp"

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace parnet::cable {

// (section, 0.0 or 1.0) per clamp at a section end, sorted, without repeats; clamps naming a
// section the cell does not have are left to the group that places them to refuse.
std::vector<std::pair<std::uint32_t, double>> clamped_section_ends(const CableCellDescription& cell,
                                                                   std::span<const CurrentClamp> clamps);

}  // namespace parnet::cable
