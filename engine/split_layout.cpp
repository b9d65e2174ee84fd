#include "split_layout.hpp"

#include "cable/cable_layout.hpp"

#include <algorithm>

namespace parnet {

cable::SplitDescription standard_cuts(const CableCellDescription& cell, std::uint32_t pieces) {
    const cable::CableLayout layout(cell);
    std::vector<double> weight(layout.node_count());
    for (std::size_t j = 0; j < weight.size(); ++j) weight[j] = layout.cm[j] > 0 ? 1.0 : 0.0;
    return cable::balanced_cuts(layout.parent, weight, pieces);
}

const SplitCellPlacement* SplitLayout::find(Gid gid) const {
    const auto it = std::lower_bound(cells.begin(), cells.end(), gid,
                                     [](const SplitCellPlacement& c, Gid g) { return c.gid < g; });
    return it != cells.end() && it->gid == gid ? &*it : nullptr;
}

}  // namespace parnet
