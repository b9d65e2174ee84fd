// Spike sources: NetStim semantics, Poisson statistics, replay, epoch boundaries, runids.
#include "cell_test_support.hpp"
#include "engine/cells/spike_source_group.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace parnet::test {
namespace {

std::vector<double> times_of(const std::vector<Spike>& spikes) {
    std::vector<double> t;
    for (const auto& s : spikes) t.push_back(s.time);
    return t;
}

// Runs sources for `ms` in epochs of `epoch_steps`, checking that every spike of an epoch lies in
// [t_begin, t_end) of that epoch.
std::vector<Spike> run_sources(SpikeSourceGroup& group, double dt, double ms, Step epoch_steps) {
    std::vector<Spike> all;
    const auto steps = static_cast<Step>(std::llround(ms / dt));
    std::vector<Spike> epoch_spikes;
    for (Step begin = 0; begin < steps; begin += epoch_steps) {
        const Epoch epoch{begin, std::min(begin + epoch_steps, steps), dt};
        epoch_spikes.clear();
        group.advance(epoch, EventLanes{}, epoch_spikes);
        for (const auto& s : epoch_spikes) {
            EXPECT_GE(s.time, epoch.t_begin());
            EXPECT_LT(s.time, epoch.t_end());
        }
        all.insert(all.end(), epoch_spikes.begin(), epoch_spikes.end());
    }
    return all;
}

TEST(SpikeSource, RegularWithoutNoiseGivesNetStimTimes) {
    World world(0.025, {population("stim", CellKind::spike_source, 2,
                                   constants({{"interval", 7.5}, {"start", 3.0}, {"number", 4.5}}),
                                   SourceModel::regular)});
    const std::vector<Gid> gids{0, 1};
    SpikeSourceGroup group(world.network, gids);
    const auto spikes = run_sources(group, 0.025, 100.0, 40);
    // NetStim: first at start + interval - interval = start; `number` 4.5 gives 5 spikes.
    std::vector<double> expected{3.0};
    for (int k = 1; k < 5; ++k) expected.push_back(expected.back() + 7.5);
    EXPECT_EQ(times_of(spikes_of(spikes, 0)), expected);
    EXPECT_EQ(times_of(spikes_of(spikes, 1)), expected);
}

TEST(SpikeSource, RegularDefaultsAreNetStims) {
    World world(0.025, {population("stim", CellKind::spike_source, 1, {}, SourceModel::regular)});
    const Gid gid = 0;
    SpikeSourceGroup group(world.network, std::span<const Gid>(&gid, 1));
    const auto t = times_of(run_sources(group, 0.025, 1000.0, 40));
    ASSERT_EQ(t.size(), 10u);  // number 10, interval 10, start 50
    EXPECT_EQ(t.front(), 50.0);
    EXPECT_EQ(t.back(), 140.0);
}

TEST(SpikeSource, NoisyRegularMatchesHandComputationFromTheSameStream) {
    const double interval = 4.0, start = 10.0, noise = 0.6;
    World world(0.1, {population("stim", CellKind::spike_source, 3,
                                 constants({{"interval", interval}, {"start", start},
                                            {"number", 1000.0}, {"noise", noise}}),
                                 SourceModel::regular)});
    const Gid gid = 2;
    SpikeSourceGroup group(world.network, std::span<const Gid>(&gid, 1));
    const auto t = times_of(run_sources(group, 0.1, 200.0, 17));

    RandomStream rng = world.network.stream(purpose::stimulus, gid);
    auto invl = [&] { return (1.0 - noise) * interval + noise * interval * rng.exponential(); };
    std::vector<double> expected{std::max(start + invl() - interval * (1.0 - noise), 0.0)};
    while (expected.size() < 8) expected.push_back(expected.back() + invl());
    ASSERT_GE(t.size(), expected.size());
    // (near, not equal: the compiler may fuse the multiply-adds differently in the two places)
    for (std::size_t k = 0; k < expected.size(); ++k) EXPECT_NEAR(t[k], expected[k], 1e-12) << k;
    // and the train is not the noiseless one
    EXPECT_NE(t[1] - t[0], interval);
}

TEST(SpikeSource, PoissonCountAndCvWithinFourSigma) {
    const double rate = 10.0, seconds = 1000.0;
    World world(0.1, {population("poisson", CellKind::spike_source, 1, constants({{"rate", rate}}))});
    const Gid gid = 0;
    SpikeSourceGroup group(world.network, std::span<const Gid>(&gid, 1));
    const auto t = times_of(run_sources(group, 0.1, seconds * 1000.0, 1000));
    const double expected = rate * seconds;
    EXPECT_NEAR(static_cast<double>(t.size()), expected, 4.0 * std::sqrt(expected));
    ASSERT_TRUE(std::is_sorted(t.begin(), t.end()));
    std::vector<double> isi(t.size() - 1);
    for (std::size_t k = 1; k < t.size(); ++k) isi[k - 1] = t[k] - t[k - 1];
    const double n = static_cast<double>(isi.size());
    const double mean = std::accumulate(isi.begin(), isi.end(), 0.0) / n;
    double var = 0.0;
    for (double x : isi) var += (x - mean) * (x - mean);
    const double cv = std::sqrt(var / (n - 1.0)) / mean;
    EXPECT_NEAR(cv, 1.0, 4.0 / std::sqrt(n));  // the CV estimate's standard error is 1/sqrt(n)
    EXPECT_NEAR(mean, 1000.0 / rate, 4.0 * (1000.0 / rate) / std::sqrt(n));
}

TEST(SpikeSource, PoissonRespectsStartAndStop) {
    World world(0.1, {population("poisson", CellKind::spike_source, 50,
                                 constants({{"rate", 100.0}, {"start", 100.0}, {"stop", 200.0}}))});
    std::vector<Gid> gids(50);
    std::iota(gids.begin(), gids.end(), 0);
    SpikeSourceGroup group(world.network, gids);
    const auto spikes = run_sources(group, 0.1, 400.0, 25);
    EXPECT_NEAR(static_cast<double>(spikes.size()), 500.0, 4.0 * std::sqrt(500.0));
    for (const auto& s : spikes) {
        EXPECT_GT(s.time, 100.0);
        EXPECT_LT(s.time, 200.0);
    }
}

TEST(SpikeSource, SameRunidSameTrainsOtherRunidOtherTrains) {
    auto train = [](std::uint32_t runid, Step epoch) {
        World world(0.1, {population("poisson", CellKind::spike_source, 5, constants({{"rate", 40.0}}))},
                    {}, runid);
        const std::vector<Gid> gids{0, 1, 2, 3, 4};
        SpikeSourceGroup group(world.network, gids);
        auto s = run_sources(group, 0.1, 1000.0, epoch);
        std::sort(s.begin(), s.end(), spike_time_order);
        return s;
    };
    const auto a = train(3, 10);
    EXPECT_GT(a.size(), 100u);
    EXPECT_EQ(a, train(3, 10));
    EXPECT_EQ(a, train(3, 1));     // epoch splitting changes nothing
    EXPECT_EQ(a, train(3, 10000)); // one epoch for the whole run
    EXPECT_NE(a, train(4, 10));
}

TEST(SpikeSource, ReplayEmitsExactlyTheGivenTimesAcrossEpochBoundaries) {
    const double dt = 0.1;  // epochs of 7 steps: boundaries at multiples of 0.7 ms
    Population per_cell = population("replay", CellKind::spike_source, 2, {}, SourceModel::replay);
    const Epoch e{7, 14, dt};
    // unsorted input, a duplicate, times on epoch boundaries (t_end belongs to the next epoch)
    per_cell.replay_times = {{3.0, e.t_begin(), e.t_end(), 0.0, 2.5, 2.5}, {}};
    Population shared = population("shared", CellKind::spike_source, 3, {}, SourceModel::replay);
    shared.replay_times = {{1.05, 0.3, e.t_end(), 99.0}};
    World world(dt, {per_cell, shared});
    const std::vector<Gid> gids{0, 1, 2, 3, 4};
    SpikeSourceGroup group(world.network, gids);
    const auto spikes = run_sources(group, dt, 50.0, 7);  // 99.0 lies beyond the run

    std::vector<double> own{0.0, e.t_begin(), e.t_end(), 2.5, 2.5, 3.0};
    std::sort(own.begin(), own.end());
    EXPECT_EQ(times_of(spikes_of(spikes, 0)), own);
    EXPECT_TRUE(spikes_of(spikes, 1).empty());
    std::vector<double> common{0.3, 1.05, e.t_end()};
    std::sort(common.begin(), common.end());
    for (Gid g : {2u, 3u, 4u}) EXPECT_EQ(times_of(spikes_of(spikes, g)), common) << g;
    EXPECT_EQ(group.next_spike_time(2), 99.0);
}

}  // namespace
}  // namespace parnet::test
