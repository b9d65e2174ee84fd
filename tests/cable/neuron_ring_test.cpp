// A ring of ball-and-stick cells (cell i excites cell i+1 through an ExpSyn, 1 ms delay) driven
// epoch by epoch through one CableGroup, as the engine will, against NEURON's ParallelContext
// ring (tools/neuron_reference/ring.py): every spike in the same step.
#include "cable_test_support.hpp"

#include <gtest/gtest.h>

namespace parnet {
namespace {

using namespace cable_test;

std::vector<Spike> run_ring(const nlohmann::json& ref, std::vector<Gid> order) {
    const double dt = ref["dt"], delay = ref["delay"], weight = ref["weight"];
    const Gid n = ref["cells"];
    auto cell = ball_and_stick();
    CableSynapse syn;
    syn.name = "syn";
    syn.kind = SynapseKind::expsyn;
    syn.tau = 2;
    syn.e = 0;
    syn.section = 1;
    syn.x = 0.5;
    cell->synapses = {syn};
    std::vector<CableGroup::Cell> cells;
    for (Gid g : order) cells.push_back({g, cell, {}});
    CableGroup group(std::move(cells), dt);
    std::vector<std::size_t> index_of(n);
    for (std::size_t i = 0; i < order.size(); ++i) index_of[order[i]] = i;

    // Pending events per group cell; the kick first.
    std::vector<std::vector<Event>> pending(n);
    pending[index_of[0]].push_back({ref["kick_time"].get<double>(), weight, 0});
    const Step epoch_steps = std::llround(delay / dt);
    const Step steps = std::llround(ref["tstop"].get<double>() / dt);
    std::vector<Spike> all;
    for (Step begin = 0; begin < steps; begin += epoch_steps) {
        const Epoch epoch{begin, std::min(steps, begin + epoch_steps), dt};
        std::vector<Event> flat;
        std::vector<std::uint32_t> offsets{0};
        for (std::size_t c = 0; c < n; ++c) {
            auto& p = pending[c];
            std::stable_sort(p.begin(), p.end(), [](const Event& a, const Event& b) { return a.time < b.time; });
            auto due = p.begin();
            while (due != p.end() && delivery_step(due->time, dt) < epoch.end) ++due;
            flat.insert(flat.end(), p.begin(), due);
            p.erase(p.begin(), due);
            offsets.push_back(static_cast<std::uint32_t>(flat.size()));
        }
        std::vector<Spike> spikes;
        group.advance(epoch, EventLanes{flat, offsets, {}}, spikes);
        for (const Spike& s : spikes) {
            pending[index_of[(s.source + 1) % n]].push_back({s.time + delay, weight, 0});
            all.push_back(s);
        }
    }
    return all;
}

void expect_neuron_spikes(const nlohmann::json& ref, const std::vector<Spike>& spikes) {
    const double dt = ref["dt"];
    const auto& expected = ref["spikes"];
    ASSERT_EQ(spikes.size(), expected.size());
    for (std::size_t i = 0; i < spikes.size(); ++i) {
        EXPECT_EQ(spikes[i].source, expected[i]["gid"].get<Gid>()) << "spike " << i;
        EXPECT_EQ(step_of(spikes[i].time, dt), step_of(expected[i]["time"].get<double>(), dt))
            << "spike " << i << ": parnet " << spikes[i].time << ", NEURON " << expected[i]["time"];
    }
}

TEST(NeuronRing, SpikesInTheSameStepsAsParallelContextRing) {
    const auto ref = load_reference("ring.json");
    ASSERT_GT(ref["spikes"].size(), 20u);
    expect_neuron_spikes(ref, run_ring(ref, {0, 1, 2, 3, 4}));
}

TEST(NeuronRing, GroupOrderDoesNotChangeSpikes) {
    const auto ref = load_reference("ring.json");
    const auto a = run_ring(ref, {0, 1, 2, 3, 4});
    const auto b = run_ring(ref, {3, 0, 4, 2, 1});
    EXPECT_EQ(a, b);   // bit-identical times
}

}  // namespace
}  // namespace parnet
