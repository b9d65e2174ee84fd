// Spike exchange: a spike produced at the very end of an epoch is delivered with its exact delay,
// a delay equal to the epoch works, spikes reach every rank that needs them, and no other events
// are created. Replayed spikes drive intfire cells with weight 2, which fire at the event's exact
// time, so every delivery shows up as a spike at (source time + delay).
#include "run_layout.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace parnet;
using namespace parnet::testing;

namespace {
// Epoch = 1.0 ms = 10 steps of 0.1 ms (the minimum delay).
const char* relay_model = R"({
  "run": {"tstop": 12, "dt": 0.1},
  "populations": [
    {"name": "src", "count": 4, "kind": "spike_source", "model": "replay",
     "times": [[0.0, 0.95, 1.0, 2.999999], [0.9999999999], [3.05, 4.0], [5.55]]},
    {"name": "relay", "count": 4, "kind": "intfire", "params": {"tau": 10, "refrac": 0.01}},
    {"name": "far", "count": 4, "kind": "intfire", "params": {"tau": 10, "refrac": 0.01}}
  ],
  "projections": [
    {"source": "src", "target": "relay", "rule": {"type": "one_to_one"}, "weight": 2, "delay": 1.0},
    {"source": "relay", "target": "far", "rule": {"type": "one_to_one"}, "weight": 2, "delay": 2.35}
  ]
})";
}  // namespace

TEST(Exchange, EverySpikeArrivesWithItsExactDelayAndNothingElse) {
    const Model model = io::parse_model(nlohmann::json::parse(relay_model), "relay.json");
    const std::vector<std::vector<double>> times = model.populations[0].replay_times;
    for (int ranks = 1; ranks <= world_size(); ++ranks) {
        const LayoutResult r = run_layout(model, ranks, 1);
        if (world_rank() != 0) continue;
        EXPECT_EQ(r.epoch_steps, 10);
        std::vector<Spike> expected;
        for (Gid i = 0; i < 4; ++i)
            for (double t : times[i]) {
                expected.push_back({i, t});
                expected.push_back({4 + i, t + 1.0});
                if (t + 1.0 + 2.35 < 12.0) expected.push_back({8 + i, (t + 1.0) + 2.35});
            }
        std::sort(expected.begin(), expected.end(), spike_time_order);
        ASSERT_EQ(r.spikes.size(), expected.size()) << ranks << " ranks";
        for (std::size_t k = 0; k < expected.size(); ++k) {
            EXPECT_EQ(r.spikes[k].source, expected[k].source) << ranks << " ranks, spike " << k;
            EXPECT_EQ(r.spikes[k].time, expected[k].time) << ranks << " ranks, spike " << k;
        }
        // One event per relayed spike: 8 source spikes to relay, 8 relay spikes to far (all before tstop).
        EXPECT_EQ(r.events_delivered, 16u) << ranks << " ranks";
    }
}
