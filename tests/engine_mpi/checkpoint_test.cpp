// Checkpoints through the library (docs/checkpoints.md): a point network with delays up to 8
// epochs, checkpointed part-way on every layout of 1..world ranks x 1-2 threads (with and without
// overlap) and restored on another (with the other overlap setting), gives the spikes of one
// uninterrupted run bit for bit.
#include "io/checkpoint_file.hpp"
#include "run_layout.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>

using namespace parnet;
using namespace parnet::testing;

namespace {
Model point_network() {
    return io::parse_model(nlohmann::json::parse(R"({
      "run": {"tstop": 120, "dt": 0.1, "runid": 9},
      "populations": [
        {"name": "ext", "count": 40, "kind": "spike_source", "model": "poisson", "params": {"rate": 80}},
        {"name": "reg", "count": 5, "kind": "spike_source", "model": "regular",
         "params": {"interval": 7, "start": 3, "number": 30, "noise": 0.7}},
        {"name": "exc", "count": 100, "kind": "lif",
         "params": {"tau_m": {"dist": "uniform", "low": 10, "high": 30}, "C_m": 0.25, "tau_syn_exc": 1.0,
                    "v_init": {"dist": "uniform", "low": -65, "high": -52}}},
        {"name": "gate", "count": 20, "kind": "intfire", "params": {"tau": 8, "refrac": 2}}
      ],
      "projections": [
        {"source": "ext", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 12},
         "weight": 0.25, "delay": {"dist": "uniform", "low": 0.5, "high": 4.0}},
        {"source": "reg", "target": "exc", "rule": {"type": "pairwise", "probability": 0.5}, "weight": 0.4, "delay": 4.1},
        {"source": "exc", "target": "exc", "rule": {"type": "pairwise", "probability": 0.1},
         "weight": 0.06, "delay": {"dist": "uniform", "low": 0.5, "high": 5.0}},
        {"source": "exc", "target": "gate", "rule": {"type": "fixed_indegree", "indegree": 6}, "weight": 0.3, "delay": 0.9},
        {"source": "gate", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 2}, "weight": 0.2, "delay": 2.5}
      ],
      "stimuli": [{"type": "current_clamp", "population": "exc", "cells": [1, 5, 7], "delay": 50.05, "duration": 30, "amplitude": 0.3}]
    })"), "checkpoint_net.json");
}

struct Half {
    std::vector<Spike> spikes;   // every rank's, sorted
};

// Runs ranks x threads from `restore` (or from 0) to tstop; with `save`, writes a checkpoint at the
// end of the epoch that reaches `at` and stops there.
Half run_part(const Model& model, int ranks, int threads, bool overlap, const std::filesystem::path& folder,
              bool restore, double at) {
    Half out;
    MPI_Comm sub = MPI_COMM_NULL;
    MPI_Comm_split(MPI_COMM_WORLD, world_rank() < ranks ? 0 : MPI_UNDEFINED, world_rank(), &sub);
    if (sub == MPI_COMM_NULL) return out;
    {
        Communicator comm(sub);
        const Network network(model);
        const Decomposition d = round_robin_decomposition(network, comm.rank(), comm.size(), threads);
        Simulation sim(network, d, comm);
        sim.agree_epoch({ExchangeMethod::allgather, overlap});
        std::vector<Gid> local;
        for (const auto& t : d.thread_gids) local.insert(local.end(), t.begin(), t.end());
        std::sort(local.begin(), local.end());
        if (restore) {
            const io::CheckpointMetadata m = io::read_checkpoint_metadata(folder);
            sim.restore(io::read_checkpoint_state(comm.comm(), folder, m, local));
        }
        std::vector<Spike> mine;
        sim.run(model.run.tstop, [&](const Epoch& e, std::span<const Spike> s) {
            mine.insert(mine.end(), s.begin(), s.end());
            if (!restore && e.t_end() >= at) {
                io::CheckpointMetadata m;
                m.fingerprint = model.fingerprint;
                m.runid = model.run.runid;
                m.dt = model.run.dt;
                m.step = e.end;
                m.time = e.t_end();
                m.epoch_steps = sim.epoch_steps();
                m.cells = model.cell_count();
                io::write_checkpoint(comm.comm(), folder, m, sim.checkpoint());
                sim.stop_after_epoch();
            }
        });
        out.spikes = comm.gather_spikes(mine);
        std::sort(out.spikes.begin(), out.spikes.end(), spike_time_order);
    }
    MPI_Comm_free(&sub);
    return out;
}
}  // namespace

TEST(Checkpoint, RestoredOnAnyLayoutContinuesBitForBit) {
    const Model model = point_network();
    // One folder per rank count: ctest runs engine_mpi.ranks1..4 side by side.
    const std::filesystem::path folder = std::filesystem::path(PARNET_BINARY_DIR) / "tests" / "scratch" /
                                         ("checkpoint_test_ranks" + std::to_string(world_size()));
    const LayoutResult reference = run_layout(model, 1, 1);
    const LayoutResult overlapped = run_layout(model, 1, 1, {}, {ExchangeMethod::allgather, true});
    if (world_rank() == 0) {
        ASSERT_EQ(overlapped.spikes, reference.spikes) << "overlap changes the results";
    }
    const int n = world_size();
    for (bool overlap : {false, true})
        for (int ranks = 1; ranks <= n; ++ranks)
            for (int threads = 1; threads <= 2; ++threads) {
                const int other_ranks = n + 1 - ranks, other_threads = 3 - threads;
                Half first = run_part(model, ranks, threads, overlap, folder, false, 47.3);
                MPI_Barrier(MPI_COMM_WORLD);
                // Restored with the other overlap setting too: its epochs count from the checkpoint.
                Half second = run_part(model, other_ranks, other_threads, !overlap, folder, true, 0);
                MPI_Barrier(MPI_COMM_WORLD);
                if (world_rank() != 0) continue;
                std::vector<Spike> all = first.spikes;
                all.insert(all.end(), second.spikes.begin(), second.spikes.end());
                std::sort(all.begin(), all.end(), spike_time_order);
                const auto& expected = reference.spikes;
                const std::string what = std::to_string(ranks) + "x" + std::to_string(threads) + " -> " +
                                         std::to_string(other_ranks) + "x" + std::to_string(other_threads) +
                                         (overlap ? " with overlap" : "");
                ASSERT_GT(expected.size(), 500u);
                ASSERT_GT(first.spikes.size(), 100u) << what;
                ASSERT_EQ(all.size(), expected.size()) << what;
                for (std::size_t i = 0; i < all.size(); ++i) {
                    ASSERT_EQ(all[i].source, expected[i].source) << what << " spike " << i;
                    ASSERT_EQ(std::memcmp(&all[i].time, &expected[i].time, sizeof(double)), 0) << what << " spike " << i;
                }
            }
    if (world_rank() == 0) std::filesystem::remove_all(folder);
}
