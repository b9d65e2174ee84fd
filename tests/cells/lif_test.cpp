// LIF cells against closed forms, and the determinism rules (epoch splitting, position in group).
#include "cell_test_support.hpp"
#include "engine/cells/lif_group.hpp"
#include "engine/errors.hpp"
#include "engine/event_queue.hpp"
#include "engine/random_stream.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace parnet::test {
namespace {

struct IsiCase {
    double dt;
    double t_ref;
    double i_bias;
};

class LifConstantCurrent : public ::testing::TestWithParam<IsiCase> {};

// With v_reset = v_rest, the interspike interval under constant current I is
// t_ref + tau_m ln(R I / (R I - (v_thresh - v_rest))), and the first spike from v_rest comes
// after tau_m ln(...) alone. Long steps (dt = 10) hold several spikes each.
TEST_P(LifConstantCurrent, InterspikeIntervalMatchesClosedForm) {
    const IsiCase c = GetParam();
    const double tau_m = 10.0, c_m = 0.25, v_rest = -65.0, v_thresh = -50.0;
    World world(c.dt, {population("lif", CellKind::lif, 1,
                                 constants({{"tau_m", tau_m}, {"C_m", c_m}, {"v_rest", v_rest},
                                            {"v_reset", v_rest}, {"v_thresh", v_thresh},
                                            {"v_init", v_rest}, {"t_ref", c.t_ref},
                                            {"i_bias", c.i_bias}}))});
    const Gid gid = 0;
    LifGroup group(world.network, std::span<const Gid>(&gid, 1));
    const auto steps = static_cast<Step>(std::llround(500.0 / c.dt));
    const auto spikes = run_epochs(group, {}, c.dt, steps, 13);

    const double ri = tau_m / c_m * c.i_bias;
    const double rise = tau_m * std::log(ri / (ri - (v_thresh - v_rest)));
    const double isi = c.t_ref + rise;
    ASSERT_GT(spikes.size(), static_cast<std::size_t>(500.0 / isi) - 2);
    EXPECT_NEAR(spikes[0].time / rise, 1.0, 1e-9);
    for (std::size_t k = 1; k < spikes.size(); ++k)
        ASSERT_NEAR((spikes[k].time - spikes[k - 1].time) / isi, 1.0, 1e-9) << "spike " << k;
    EXPECT_LT(group.voltage(0), v_thresh);
}

INSTANTIATE_TEST_SUITE_P(Steps, LifConstantCurrent,
                         ::testing::Values(IsiCase{0.025, 2.0, 0.5}, IsiCase{0.1, 2.0, 0.5},
                                           IsiCase{0.37, 3.3, 0.8}, IsiCase{0.1, 0.0, 0.5},
                                           IsiCase{10.0, 0.5, 1.0}));

// One event on each synapse: V follows the double-exponential (or alpha, when tau_syn equals
// tau_m) solution from the start of the delivery step.
TEST(Lif, SubthresholdResponseToOneEventIsTheAnalyticSolution) {
    const double dt = 0.025, tau_m = 10.0, c_m = 0.25, v_rest = -65.0;
    World world(dt, {population("exc", CellKind::lif, 1, constants({{"tau_syn_exc", 2.0}})),
                     population("inh", CellKind::lif, 1, constants({{"tau_syn_inh", 10.0}}))});
    const std::vector<Gid> gids{0, 1};
    LifGroup group(world.network, gids);
    const double w_exc = 0.5, w_inh = -0.3;
    const double t_event = 5.01;  // delivered at step 200 (t = 5.0): NEURON's rule
    const Step n0 = delivery_step(t_event, dt);
    ASSERT_EQ(n0, 200);
    const std::vector<std::vector<Event>> events{{Event{t_event, w_exc, 0}},
                                                 {Event{t_event, w_inh, 1}}};
    double worst = 0.0;
    int samples = 0;
    run_epochs(group, events, dt, 2000, 1, [&](const Epoch& e) {
        const double t0 = e.time_of(n0);
        const double t = e.t_end();
        double exc = 0.0, inh = 0.0;
        if (e.end > n0) {
            const double s = t - t0;
            exc = w_exc / c_m * (2.0 * tau_m / (tau_m - 2.0)) * (std::exp(-s / tau_m) - std::exp(-s / 2.0));
            inh = w_inh / c_m * s * std::exp(-s / tau_m);
        }
        worst = std::max({worst, std::abs(group.voltage(0) - (v_rest + exc)),
                          std::abs(group.voltage(1) - (v_rest + inh))});
        ++samples;
    });
    EXPECT_EQ(samples, 2000);
    EXPECT_LT(worst, 1e-12);
    EXPECT_NEAR(group.synaptic_current(0, 0), w_exc * std::exp(-(50.0 - 5.0) / 2.0), 1e-15);
}

// A current clamp acts on steps round(delay/dt) <= n < round((delay+duration)/dt).
TEST(Lif, CurrentClampStepResponse) {
    const double dt = 0.1, tau_m = 10.0, c_m = 0.25, v_rest = -65.0, amplitude = 0.2;
    CurrentClamp clamp;
    clamp.population = 0;
    clamp.delay = 2.04;      // -> step 20
    clamp.duration = 4.97;   // end 7.01 -> step 70
    clamp.amplitude = amplitude;
    World world(dt, {population("lif", CellKind::lif, 2)}, {clamp});
    const std::vector<Gid> gids{0, 1};
    LifGroup group(world.network, gids);
    const double r_a = tau_m / c_m * amplitude;
    double worst = 0.0;
    run_epochs(group, {}, dt, 150, 1, [&](const Epoch& e) {
        const double t = e.t_end(), on = e.time_of(20), off = e.time_of(70);
        double y = 0.0;
        if (t > on) y = r_a * (1.0 - std::exp(-(std::min(t, off) - on) / tau_m));
        if (t > off) y *= std::exp(-(t - off) / tau_m);
        for (std::size_t i = 0; i < 2; ++i) worst = std::max(worst, std::abs(group.voltage(i) - (v_rest + y)));
        if (e.end == 70) {
            EXPECT_GT(group.voltage(0), v_rest + 0.3 * r_a);
        }
    });
    EXPECT_LT(worst, 1e-12);
    EXPECT_EQ(group.input_current(0), 0.0);  // back to i_bias exactly
}

// A varied population with random inputs, for the determinism tests.
struct Busy {
    World world;
    std::vector<std::vector<Event>> events;
    static constexpr Gid cells = 19;
    static constexpr double dt = 0.1;
    Busy()
        : world(dt, {population("lif", CellKind::lif, cells,
                                {{"tau_m", Distribution{Distribution::Kind::uniform, 8.0, 12.0}},
                                 {"tau_syn_exc", Distribution{Distribution::Kind::uniform, 1.0, 3.0}},
                                 {"tau_syn_inh", Distribution::constant(10.0)},  // slow inhibition
                                 {"t_ref", Distribution{Distribution::Kind::uniform, 0.5, 3.0}},
                                 {"i_bias", Distribution{Distribution::Kind::uniform, 0.3, 0.45}},
                                 {"v_init", Distribution{Distribution::Kind::uniform, -65.0, -51.0}}})}) {
        RandomStream rng(12345, 0, 0, 7);
        events.resize(cells);
        for (auto& lane : events) {
            for (int k = 0; k < 400; ++k) {
                const bool exc = rng.uniform01() < 0.7;
                lane.push_back(Event{rng.uniform(0.0, 300.0), exc ? 0.4 : -0.15, exc ? 0u : 1u});
            }
            std::sort(lane.begin(), lane.end(), [](const Event& a, const Event& b) { return a.time < b.time; });
        }
    }
};

struct Outcome {
    std::vector<Spike> spikes;
    std::vector<double> v, i_exc, i_inh;
};

Outcome run_busy(const Busy& busy, std::span<const Gid> gids, Step epoch_steps) {
    LifGroup group(busy.world.network, gids);
    std::vector<std::vector<Event>> lanes;
    for (Gid g : gids) lanes.push_back(busy.events[g]);
    Outcome out;
    out.spikes = run_epochs(group, lanes, Busy::dt, 3000, epoch_steps, [&](const Epoch&) {
        for (std::size_t i = 0; i < gids.size(); ++i)
            ASSERT_LT(group.voltage(i), busy.world.network.parameter(gids[i], "v_thresh"));
    });
    for (std::size_t i = 0; i < gids.size(); ++i) {
        out.v.push_back(group.voltage(i));
        out.i_exc.push_back(group.synaptic_current(i, 0));
        out.i_inh.push_back(group.synaptic_current(i, 1));
    }
    return out;
}

std::vector<Gid> all_gids(Gid n) {
    std::vector<Gid> g(n);
    for (Gid i = 0; i < n; ++i) g[i] = i;
    return g;
}

TEST(Lif, EpochSplittingDoesNotChangeAnyBit) {
    const Busy busy;
    const auto gids = all_gids(Busy::cells);
    const Outcome one = run_busy(busy, gids, 3000);
    ASSERT_GT(one.spikes.size(), 100u);
    for (Step epoch : {1, 7, 15, 64}) {
        const Outcome split = run_busy(busy, gids, epoch);
        ASSERT_EQ(split.spikes.size(), one.spikes.size()) << "epoch " << epoch;
        for (std::size_t k = 0; k < one.spikes.size(); ++k)
            ASSERT_EQ(split.spikes[k], one.spikes[k]) << "epoch " << epoch << " spike " << k;
        EXPECT_EQ(split.v, one.v);
        EXPECT_EQ(split.i_exc, one.i_exc);
        EXPECT_EQ(split.i_inh, one.i_inh);
    }
}

// Step-binned events (the queue's take_epoch_steps, what the engine hands lif cells) give the
// same bits as per-cell lanes, whatever order the events were queued in.
TEST(Lif, StepEventsGiveTheSameBitsAsLanes) {
    const Busy busy;
    const auto gids = all_gids(Busy::cells);
    const Outcome lanes = run_busy(busy, gids, 10);
    LifGroup group(busy.world.network, gids);
    EventQueue queue(Busy::cells, 10, Busy::dt);
    std::vector<PendingEvent> pending;
    for (std::uint32_t c = 0; c < Busy::cells; ++c)
        for (std::size_t k = 0; k < busy.events[c].size(); ++k) {
            const Event& e = busy.events[c][k];
            pending.push_back(PendingEvent{e.time, e.weight, c * 1000 + static_cast<std::uint32_t>(k), c, e.synapse});
        }
    std::reverse(pending.begin(), pending.end());
    for (const auto& e : pending) queue.push(e);
    std::vector<StepInput> inputs;
    std::vector<std::uint32_t> offsets;
    std::vector<Spike> spikes;
    for (Step begin = 0; begin < 3000; begin += 10) {
        queue.take_epoch_steps(begin / 10, begin + 10, inputs, offsets);
        const std::span<const std::uint32_t> steps(offsets);
        group.advance_steps(Epoch{begin, begin + 10, Busy::dt}, StepEvents{inputs, steps.first(10), steps.subspan(1), 0},
                            spikes);
    }
    ASSERT_GT(spikes.size(), 100u);
    EXPECT_EQ(spikes, lanes.spikes);
    for (std::size_t i = 0; i < gids.size(); ++i) {
        EXPECT_EQ(group.voltage(i), lanes.v[i]) << i;
        EXPECT_EQ(group.synaptic_current(i, 0), lanes.i_exc[i]) << i;
        EXPECT_EQ(group.synaptic_current(i, 1), lanes.i_inh[i]) << i;
    }
}

// A cell's bits must not depend on the group it shares (vector body, vector remainder or
// scalar remainder of the update loop): every cell alone vs. in groups of 7 and 19.
TEST(Lif, ResultsDoNotDependOnPositionInGroup) {
    const Busy busy;
    for (Gid group_size : {Gid{7}, Busy::cells}) {
        const auto gids = all_gids(group_size);
        const Outcome together = run_busy(busy, gids, 10);
        for (Gid g = 0; g < group_size; ++g) {
            const Outcome alone = run_busy(busy, std::span<const Gid>(&g, 1), 10);
            EXPECT_EQ(alone.spikes, spikes_of(together.spikes, g)) << "gid " << g;
            EXPECT_EQ(alone.v[0], together.v[g]) << "gid " << g;
            EXPECT_EQ(alone.i_exc[0], together.i_exc[g]) << "gid " << g;
            EXPECT_EQ(alone.i_inh[0], together.i_inh[g]) << "gid " << g;
        }
        EXPECT_GT(together.spikes.size(), 10u);
    }
}

TEST(Lif, RejectsResetAtOrAboveThreshold) {
    World world(0.1, {population("lif", CellKind::lif, 1, constants({{"v_reset", -50.0}}))});
    const Gid gid = 0;
    EXPECT_THROW(LifGroup(world.network, std::span<const Gid>(&gid, 1)), input_error);
}

}  // namespace
}  // namespace parnet::test

namespace parnet::test {
namespace {

TEST(Lif, StartingAtThresholdFiresAtTheFirstStep) {
    World world(0.1, {population("lif", CellKind::lif, 1, constants({{"v_init", -45.0}, {"t_ref", 2.0}}))});
    const Gid gid = 0;
    LifGroup group(world.network, std::span<const Gid>(&gid, 1));
    const auto spikes = run_epochs(group, {}, 0.1, 100, 10);
    ASSERT_EQ(spikes.size(), 1u);
    EXPECT_EQ(spikes[0], (Spike{0, 0.0}));
    EXPECT_EQ(group.voltage(0), -65.0);  // reset, then at rest with no input
}

}  // namespace
}  // namespace parnet::test
