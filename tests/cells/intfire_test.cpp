// IntFire1 cells against hand computation of NEURON's IntFire1 rules.
#include "cell_test_support.hpp"
#include "engine/cells/intfire_group.hpp"
#include "engine/random_stream.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace parnet::test {
namespace {

Event at(double time, double weight) { return Event{time, weight, 0}; }

TEST(IntFire, ResponseToKnownInputsWithRefractoryAndTieRule) {
    World world(0.025, {population("if", CellKind::intfire, 1, constants({{"tau", 10.0}, {"refrac", 5.0}}))});
    const Gid gid = 0;
    IntFireGroup group(world.network, std::span<const Gid>(&gid, 1));
    const double tau = 10.0;
    // 1: m = 0.5. 3: m = 0.5 e^-0.2 + 0.6 > 1 -> spike at 3, refractory until 8.
    // 5: ignored. 7.975: ignored (just before the end). 8: exactly the end -> from m = 0: 0.3.
    // 10: 0.3 e^-0.2 + 0.8 > 1 -> spike at 10, refractory until 15. 20: from 0: 0.4.
    const std::vector<std::vector<Event>> events{{at(1.0, 0.5), at(3.0, 0.6), at(5.0, 0.9),
                                                  at(7.975, 0.9), at(8.0, 0.3), at(10.0, 0.8),
                                                  at(20.0, 0.4)}};
    std::map<Step, double> m_at_epoch_end;  // by the epoch's end step (dt = 0.025)
    const auto spikes = run_epochs(group, events, 0.025, 1000, 10, [&](const Epoch& e) {
        m_at_epoch_end[e.end] = group.m(0);
    });
    ASSERT_EQ(spikes.size(), 2u);
    EXPECT_EQ(spikes[0], (Spike{0, 3.0}));
    EXPECT_EQ(spikes[1], (Spike{0, 10.0}));

    EXPECT_DOUBLE_EQ(m_at_epoch_end.at(80), 0.5 * std::exp(-1.0 / tau));
    // The event at 3.0 is delivered at step 120, the first step of the epoch starting at 3 ms.
    EXPECT_DOUBLE_EQ(m_at_epoch_end.at(120), 0.5 * std::exp(-2.0 / tau));
    EXPECT_EQ(m_at_epoch_end.at(130), 2.0);    // NEURON's M(): 2 during the first 0.5 ms...
    EXPECT_EQ(m_at_epoch_end.at(240), -1.0);   // ...then -1 while refractory
    EXPECT_DOUBLE_EQ(m_at_epoch_end.at(360), 0.3 * std::exp(-1.0 / tau));
    EXPECT_EQ(m_at_epoch_end.at(640), 0.0);   // refractoriness over, m = 0
    EXPECT_DOUBLE_EQ(m_at_epoch_end.at(1000), 0.4 * std::exp(-5.0 / tau));

    // Without the tie rule the 0.3 at t = 8 would be lost and there would be no spike at 10.
    const double m_before_10 = 0.3 * std::exp(-2.0 / tau) + 0.8;
    EXPECT_GT(m_before_10, 1.0);
    EXPECT_LT(0.8, 1.0);
}

TEST(IntFire, SubthresholdSumDecaysExactly) {
    World world(0.1, {population("if", CellKind::intfire, 1, constants({{"tau", 4.0}}))});
    const Gid gid = 0;
    IntFireGroup group(world.network, std::span<const Gid>(&gid, 1));
    const std::vector<std::vector<Event>> events{{at(0.35, 0.3), at(1.25, 0.3), at(2.0, -0.1), at(2.0, 0.2)}};
    const auto spikes = run_epochs(group, events, 0.1, 50, 50);
    EXPECT_TRUE(spikes.empty());
    double m = 0.3;
    m = m * std::exp(-(1.25 - 0.35) / 4.0) + 0.3;
    m = m * std::exp(-(2.0 - 1.25) / 4.0) - 0.1;
    m = m * std::exp(0.0) + 0.2;
    EXPECT_NEAR(group.m_at(0, 5.0), m * std::exp(-3.0 / 4.0), 1e-15);
    EXPECT_NEAR(group.m(0), m * std::exp(-3.0 / 4.0), 1e-15);  // now() is 5 ms
}

TEST(IntFire, FiresOnlyAboveOne) {
    World world(0.1, {population("if", CellKind::intfire, 2)});
    const std::vector<Gid> gids{0, 1};
    IntFireGroup group(world.network, gids);
    // cell 0 reaches exactly 1 (not > 1): no spike; cell 1 just above: spike.
    const std::vector<std::vector<Event>> events{{at(1.0, 0.5), at(1.0, 0.5)}, {at(1.0, 0.5), at(1.0, 0.5000001)}};
    const auto spikes = run_epochs(group, events, 0.1, 30, 10);
    ASSERT_EQ(spikes.size(), 1u);
    EXPECT_EQ(spikes[0], (Spike{1, 1.0}));
}

}  // namespace
}  // namespace parnet::test

namespace parnet::test {
namespace {

TEST(IntFire, EpochSplittingAndGroupingDoNotChangeAnyBit) {
    World world(0.1, {population("if", CellKind::intfire, 5, constants({{"refrac", 1.5}}))});
    RandomStream rng(4242, 0, 0, 3);
    std::vector<std::vector<Event>> events(5);
    for (auto& lane : events) {
        for (int k = 0; k < 300; ++k) lane.push_back(Event{rng.uniform(0.0, 100.0), rng.uniform(-0.2, 0.5), 0});
        std::sort(lane.begin(), lane.end(), [](const Event& a, const Event& b) { return a.time < b.time; });
    }
    const std::vector<Gid> gids{0, 1, 2, 3, 4};
    auto run = [&](std::span<const Gid> cells, Step epoch, std::vector<double>& m) {
        IntFireGroup group(world.network, cells);
        std::vector<std::vector<Event>> lanes;
        for (Gid g : cells) lanes.push_back(events[g]);
        auto spikes = run_epochs(group, lanes, 0.1, 1000, epoch);
        std::sort(spikes.begin(), spikes.end(), spike_time_order);  // emitted cell by cell per epoch
        m.clear();
        for (std::size_t i = 0; i < cells.size(); ++i) m.push_back(group.m(i));
        return spikes;
    };
    std::vector<double> m_one, m_split;
    const auto one = run(gids, 1000, m_one);
    EXPECT_GT(one.size(), 20u);
    for (Step epoch : {1, 9, 40}) {
        EXPECT_EQ(run(gids, epoch, m_split), one) << epoch;
        EXPECT_EQ(m_split, m_one) << epoch;
    }
    std::vector<double> m_alone;
    for (Gid g : gids) {
        EXPECT_EQ(run(std::span<const Gid>(&g, 1), 7, m_alone), spikes_of(one, g)) << g;
        EXPECT_EQ(m_alone[0], m_one[g]);
    }
}

}  // namespace
}  // namespace parnet::test
