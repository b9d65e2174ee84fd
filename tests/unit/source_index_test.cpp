// The thread's source index keyed by (gid, detector): a cable cell's further detectors are
// sources of their own, found without disturbing the one-detector case.
#include "engine/source_index.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace parnet {
namespace {

TEST(SourceIndex, DetectorsOfOneCellAreSeparateSources) {
    // gid 7 sends from detectors 0 and 2, gid 9 only from detector 1.
    const std::vector<std::uint64_t> keys = {SourceIndex::key(7, 0), SourceIndex::key(7, 2), SourceIndex::key(9, 1)};
    const std::vector<SourceIndex::Range> ranges = {{0, 3}, {3, 4}, {4, 6}};
    const SourceIndex index(keys, ranges);
    EXPECT_EQ(index.find(7).begin, 0u);
    EXPECT_EQ(index.find(7).end, 3u);
    EXPECT_EQ(index.find(7, 2).begin, 3u);
    EXPECT_EQ(index.find(7, 2).end, 4u);
    EXPECT_EQ(index.find(9, 1).end, 6u);
    // Absent: another detector of a present gid, and detector 0 of a gid that sends only from 1.
    EXPECT_EQ(index.find(7, 1).end - index.find(7, 1).begin, 0u);
    EXPECT_EQ(index.find(9).end - index.find(9).begin, 0u);
    EXPECT_EQ(index.find(8).end - index.find(8).begin, 0u);
}

TEST(SourceIndex, ManySourcesWithCollidingSlotsAreAllFound) {
    std::vector<std::uint64_t> keys;
    std::vector<SourceIndex::Range> ranges;
    for (Gid g = 0; g < 5000; ++g)
        for (std::uint32_t d = 0; d < (g % 3 == 0 ? 2u : 1u); ++d) {
            keys.push_back(SourceIndex::key(g * 17, d));
            ranges.push_back({static_cast<std::uint32_t>(keys.size()), static_cast<std::uint32_t>(keys.size() + 1)});
        }
    const SourceIndex index(keys, ranges);
    for (std::size_t i = 0; i < keys.size(); ++i)
        EXPECT_EQ(index.find(SourceIndex::gid_of(keys[i]), SourceIndex::detector_of(keys[i])).begin, ranges[i].begin);
}

TEST(SpikeLayout, TheDetectorTakesThePaddingNotAByte) {
    static_assert(sizeof(Spike) == 16);
    const Spike s(3, 2u, 1.5);
    EXPECT_EQ(s.source, 3u);
    EXPECT_EQ(s.detector, 2u);
    EXPECT_EQ(Spike(3, 1.5).detector, 0u);
    EXPECT_TRUE(spike_time_order(Spike(3, 1.5), s));   // same time and gid: detector 0 first
}

}  // namespace
}  // namespace parnet
