// CableLayout::elimination_order on a reconstructed cell: a permutation of nodes 1..N-1 in which
// every node comes after all its children and the children of a node in descending index (the
// conditions for the same bits as the plain descending sweep), with independent branches
// alternating (consecutive nodes are rarely parent and child).
#include "cable_test_support.hpp"
#include "engine/cable/cable_layout.hpp"

#include <gtest/gtest.h>

namespace parnet {
namespace {

TEST(EliminationOrder, ChildrenFirstSiblingsDescendingBranchesInterleaved) {
    const auto cell = cable_test::read_cell(R"({"morphology": ")" + std::string(PARNET_SOURCE_DIR) +
                                                R"(/examples/morphologies/small_pyramid.swc", "nseg": {"per_length": 9}})",
                                            "cell");
    const cable::CableLayout layout(*cell);
    const auto& order = layout.elimination_order;
    const std::uint32_t n = layout.node_count();
    ASSERT_EQ(order.size(), n - 1);
    std::vector<std::int64_t> position(n, -1);
    for (std::size_t k = 0; k < order.size(); ++k) {
        ASSERT_GE(order[k], 1u);
        ASSERT_LT(order[k], n);
        ASSERT_EQ(position[order[k]], -1) << "node twice";
        position[order[k]] = static_cast<std::int64_t>(k);
    }
    std::vector<std::int64_t> last_child(n, -1);   // index of the child eliminated last so far
    std::size_t parent_next = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::uint32_t j = order[k];
        const auto p = static_cast<std::uint32_t>(layout.parent[j]);
        if (p != 0) {
            EXPECT_GT(position[p], position[j]) << "parent before child";
        }
        if (last_child[p] >= 0) {
            EXPECT_LT(j, static_cast<std::uint32_t>(last_child[p])) << "siblings out of order";
        }
        last_child[p] = j;
        if (k + 1 < order.size() && static_cast<std::uint32_t>(layout.parent[order[k]]) == order[k + 1]) ++parent_next;
    }
    // In the plain sweep nearly every node is followed by its parent; interleaved, almost none
    // (none on this cell).
    EXPECT_LT(parent_next, order.size() / 10);
    std::printf("%u nodes, %zu followed directly by their parent\n", n, parent_next);
}

}  // namespace
}  // namespace parnet
