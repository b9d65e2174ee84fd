#include "clamped_ends.hpp"

#include <algorithm>
#include <optional>

namespace parnet::cable {

std::vector<std::pair<std::uint32_t, double>> clamped_section_ends(const CableCellDescription& cell,
                                                                   std::span<const CurrentClamp> clamps) {
    std::vector<std::pair<std::uint32_t, double>> ends;
    for (const CurrentClamp& clamp : clamps) {
        if (!(clamp.x <= 0.0 || clamp.x >= 1.0)) continue;
        const auto section = clamp.section.empty() ? std::optional<std::uint32_t>(0) : cell.section_index(clamp.section);
        if (section) ends.emplace_back(*section, clamp.x <= 0.0 ? 0.0 : 1.0);
    }
    std::sort(ends.begin(), ends.end());
    ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
    return ends;
}

}  // namespace parnet::cable
