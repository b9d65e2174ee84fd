// Identical results on any layout (design.md item 6): the sorted spike list of a randomly connected
// point-cell network with heterogeneous delays is bit-identical for every rank count up to the
// world size, 1 and 2 threads, and a shuffled assignment of gids to ranks.
#include "run_layout.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <random>
#include <set>

using namespace parnet;
using namespace parnet::testing;

namespace {
Model mixed_point_network() {
    return io::parse_model(nlohmann::json::parse(R"({
      "run": {"tstop": 300, "dt": 0.1, "runid": 3},
      "populations": [
        {"name": "ext", "count": 60, "kind": "spike_source", "model": "poisson", "params": {"rate": 80}},
        {"name": "reg", "count": 5, "kind": "spike_source", "model": "regular",
         "params": {"interval": 7, "start": 3, "number": 30, "noise": 0.7}},
        {"name": "exc", "count": 160, "kind": "lif",
         "params": {"tau_m": {"dist": "uniform", "low": 10, "high": 30}, "C_m": 0.25, "tau_syn_exc": 1.0,
                    "v_init": {"dist": "uniform", "low": -65, "high": -52}}},
        {"name": "inh", "count": 40, "kind": "lif", "params": {"tau_m": 10, "tau_syn_inh": 3}},
        {"name": "gate", "count": 30, "kind": "intfire", "params": {"tau": {"dist": "uniform", "low": 5, "high": 15}, "refrac": 2}}
      ],
      "projections": [
        {"source": "ext", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 12},
         "weight": {"dist": "normal", "mean": 0.25, "std": 0.05, "min": 0}, "delay": {"dist": "uniform", "low": 0.5, "high": 4.0}},
        {"source": "reg", "target": "inh", "rule": {"type": "pairwise", "probability": 0.5}, "weight": 0.4, "delay": 0.7},
        {"source": "exc", "target": "exc", "rule": {"type": "pairwise", "probability": 0.1},
         "weight": 0.06, "delay": {"dist": "uniform", "low": 0.5, "high": 5.0}},
        {"source": "exc", "target": "inh", "rule": {"type": "fixed_indegree", "indegree": 20}, "weight": 0.08, "delay": 1.3},
        {"source": "inh", "target": "exc", "rule": {"type": "pairwise", "probability": 0.3},
         "weight": -0.3, "delay": {"dist": "lognormal", "mean": 2, "std": 0.5, "min": 0.5, "max": 8}, "synapse": "inh"},
        {"source": "exc", "target": "gate", "rule": {"type": "fixed_indegree", "indegree": 6, "allow_multapses": true},
         "weight": {"dist": "uniform", "low": 0.2, "high": 0.6}, "delay": 0.9},
        {"source": "gate", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 2}, "weight": 0.2, "delay": 2.5}
      ],
      "stimuli": [{"type": "current_clamp", "population": "inh", "cells": [1, 5, 7], "delay": 50.05, "duration": 100, "amplitude": 0.3}]
    })"), "mixed.json");
}

void expect_identical(const std::vector<Spike>& reference, const std::vector<Spike>& other, const std::string& what) {
    ASSERT_EQ(reference.size(), other.size()) << what;
    for (std::size_t i = 0; i < reference.size(); ++i) {
        ASSERT_EQ(reference[i].source, other[i].source) << what << " spike " << i;
        // bitwise: no tolerance
        ASSERT_EQ(std::memcmp(&reference[i].time, &other[i].time, sizeof(double)), 0) << what << " spike " << i;
    }
}
}  // namespace

TEST(Determinism, SpikesAreBitIdenticalForEveryRankAndThreadCount) {
    const Model model = mixed_point_network();
    const LayoutResult reference = run_layout(model, 1, 1);
    if (world_rank() == 0) {
        // The network must be active for the comparison to mean anything.
        ASSERT_GT(reference.spikes.size(), 2000u);
        std::set<Gid> fired;
        for (const auto& s : reference.spikes) fired.insert(s.source);
        EXPECT_GT(fired.size(), 200u);
    }
    for (int ranks = 1; ranks <= world_size(); ++ranks) {
        for (int threads : {1, 2}) {
            const LayoutResult r = run_layout(model, ranks, threads);
            if (world_rank() == 0) {
                expect_identical(reference.spikes, r.spikes,
                                 std::to_string(ranks) + " ranks x " + std::to_string(threads) + " threads");
                EXPECT_EQ(reference.events_delivered, r.events_delivered);
            }
        }
    }
}

TEST(Determinism, ShuffledAssignmentGivesIdenticalSpikes) {
    const Model model = mixed_point_network();
    const LayoutResult reference = run_layout(model, 1, 1);
    std::vector<std::uint32_t> rank_of(model.cell_count());
    std::mt19937 shuffle(7);
    for (auto& r : rank_of) r = static_cast<std::uint32_t>(shuffle() % static_cast<unsigned>(world_size()));
    const LayoutResult r = run_layout(model, world_size(), 2, rank_of);
    if (world_rank() == 0) expect_identical(reference.spikes, r.spikes, "shuffled assignment");
}

TEST(Determinism, EveryExchangeMethodWithAndWithoutOverlapGivesIdenticalSpikes) {
    const Model model = mixed_point_network();
    const LayoutResult reference = run_layout(model, 1, 1);
    std::vector<std::uint32_t> rank_of(model.cell_count());
    std::mt19937 shuffle(11);
    for (auto& r : rank_of) r = static_cast<std::uint32_t>(shuffle() % static_cast<unsigned>(world_size()));
    for (const auto method : {ExchangeMethod::allgather, ExchangeMethod::targeted})
        for (const bool overlap : {false, true})
            for (int threads : {1, 2}) {
                const std::string what = std::string(to_string(method)) + (overlap ? " overlapped" : "") + ", " +
                                         std::to_string(world_size()) + " ranks x " + std::to_string(threads) + " threads";
                const LayoutResult rr = run_layout(model, world_size(), threads, {}, {method, overlap});
                const LayoutResult shuffled = run_layout(model, world_size(), threads, rank_of, {method, overlap});
                if (world_rank() != 0) continue;
                // The minimum delay is 5 steps: overlap halves the epoch to 2 steps.
                EXPECT_EQ(rr.overlapped, overlap) << what;
                EXPECT_EQ(rr.epoch_steps, overlap ? 2 : 5) << what;
                expect_identical(reference.spikes, rr.spikes, what + ", round-robin");
                EXPECT_EQ(reference.events_delivered, rr.events_delivered) << what;
                expect_identical(reference.spikes, shuffled.spikes, what + ", shuffled");
            }
}

TEST(Exchange, TargetedReceivesNoMoreThanAllgather) {
    // Every spike a rank needs, and on one rank nothing at all travels.
    const Model model = mixed_point_network();
    const LayoutResult all = run_layout(model, world_size(), 1, {}, {ExchangeMethod::allgather, false});
    const LayoutResult targeted = run_layout(model, world_size(), 1, {}, {ExchangeMethod::targeted, false});
    if (world_rank() != 0) return;
    EXPECT_LE(targeted.bytes_received, all.bytes_received);
    if (world_size() == 1) {
        EXPECT_EQ(all.bytes_received, 0u);
        EXPECT_EQ(targeted.bytes_received, 0u);
    } else {
        // Allgather brings every other rank's spikes to each rank: (ranks - 1) copies of each, but
        // for the last epoch's (from 299.5 ms), which no later epoch needs.
        const auto copies = static_cast<std::uint64_t>(world_size() - 1) * sizeof(Spike);
        const auto before_last = static_cast<std::uint64_t>(
            std::count_if(all.spikes.begin(), all.spikes.end(), [](const Spike& s) { return s.time < 299.5 - 1e-9; }));
        EXPECT_GE(all.bytes_received, copies * before_last);
        EXPECT_LE(all.bytes_received, copies * all.spikes.size());
        EXPECT_LT(targeted.bytes_received, all.bytes_received);
    }
}
