// Split cells in the engine (docs/split-solve.md, "Running split cells"): two 200-compartment
// pyramidal cells driven by Poisson input and a clamp and two branched cells with diffusing
// calcium and buffers, feeding point cells, run whole and cut into 2, 4 and 8 pieces placed on
// 1..world ranks x 1-2 threads. Asserted: a split cell gives the same bits wherever its pieces run
// (spikes of every cell, voltage and calcium at several places every epoch); against the unsplit
// cells, spikes in the same steps and values within round-off (1e-9 mV, 1e-9 relative calcium).
#include "run_layout.hpp"

#include "engine/cable/cable_group.hpp"
#include "engine/cable/split_cable_group.hpp"
#include "engine/split_layout.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <limits>

using namespace parnet;
using namespace parnet::testing;

namespace {

Model pyramidal_network(double tstop) {
    auto doc = nlohmann::json::parse(R"({
      "run": {"tstop": 1000, "dt": 0.025, "runid": 7},
      "cell_templates": {"pyramidal": {"Ra": 100, "cm": 1,
        "sections": [
          {"name": "soma", "length": 20, "diam": 20, "ncomp": 1, "mechanisms": {"hh": {}}},
          {"name": "axon", "length": 400, "diam": 1, "ncomp": 19, "parent": "soma", "mechanisms": {"hh": {}}},
          {"name": "apical", "length": 600, "diam": 2, "ncomp": 100, "parent": "soma", "mechanisms": {"pas": {"g": 0.0001, "e": -65}}},
          {"name": "basal1", "length": 200, "diam": 1.5, "ncomp": 40, "parent": "soma", "mechanisms": {"pas": {"g": 0.0001, "e": -65}}},
          {"name": "basal2", "length": 200, "diam": 1.5, "ncomp": 40, "parent": "soma", "mechanisms": {"pas": {"g": 0.0001, "e": -65}}}],
        "synapses": [
          {"name": "exc", "type": "expsyn", "section": "apical", "x": 0.3, "tau": 2, "e": 0},
          {"name": "inh", "type": "exp2syn", "section": "soma", "x": 0.5, "tau1": 0.5, "tau2": 8, "e": -80}],
        "detector": {"section": "soma", "x": 0.5, "threshold": 0}},
       "calcium_basket": {"Ra": 100, "cm": 1,
        "sections": [
          {"name": "soma", "length": 15, "diam": 15, "ncomp": 1, "mechanisms": {"hh": {}, "cahva": {"gbar": 0.002}, "sk": {"gbar": 0.005}}},
          {"name": "dend", "length": 200, "diam": 1, "ncomp": 19, "parent": "soma", "mechanisms": {"pas": {"g": 0.0001, "e": -65}, "cahva": {"gbar": 0.0005}}},
          {"name": "dend2", "length": 150, "diam": 1, "ncomp": 15, "parent": "soma", "mechanisms": {"pas": {"g": 0.0001, "e": -65}, "cahva": {"gbar": 0.001}}}],
        "synapses": [{"name": "exc", "type": "expsyn", "section": "dend", "x": 0.5, "tau": 2, "e": 0}],
        "detector": {"section": "soma", "x": 0.5, "threshold": 0},
        "calcium": {"initial": 5e-05, "D": 0.6, "cao": 2,
                    "buffers": [{"name": "calbindin", "total": 0.05, "kf": 100, "kb": 0.1, "D": 0.2},
                                {"name": "fixed", "total": 0.02, "kf": 50, "kb": 0.5, "D": 0}],
                    "pump": {"type": "decay", "tau": 20, "rest": 5e-05}}}},
      "populations": [
        {"name": "ext", "count": 40, "kind": "spike_source", "model": "poisson", "params": {"rate": 40}},
        {"name": "pyr", "count": 2, "kind": "cable", "cell": "pyramidal"},
        {"name": "out", "count": 10, "kind": "lif", "params": {"tau_m": 10, "C_m": 0.25}},
        {"name": "rxd", "count": 2, "kind": "cable", "cell": "calcium_basket"}
      ],
      "projections": [
        {"source": "ext", "target": "pyr", "rule": {"type": "fixed_indegree", "indegree": 20},
         "weight": {"dist": "uniform", "low": 0.002, "high": 0.006}, "delay": 1.0, "synapse": "exc"},
        {"source": "ext", "target": "pyr", "rule": {"type": "fixed_indegree", "indegree": 5},
         "weight": 0.002, "delay": 1.5, "synapse": "inh"},
        {"source": "pyr", "target": "out", "rule": {"type": "fixed_indegree", "indegree": 2}, "weight": 2.0, "delay": 1.0},
        {"source": "ext", "target": "rxd", "rule": {"type": "fixed_indegree", "indegree": 10}, "weight": 0.004, "delay": 1.0, "synapse": "exc"},
        {"source": "rxd", "target": "out", "rule": {"type": "fixed_indegree", "indegree": 1}, "weight": 2.0, "delay": 1.2}
      ],
      "stimuli": [{"type": "current_clamp", "population": "pyr", "cells": [1], "delay": 100, "duration": 700,
                   "amplitude": 0.4, "section": "soma", "x": 0.5}]
    })");
    doc["run"]["tstop"] = tstop;
    return io::parse_model(doc, "pyramidal_network.json");
}

struct Location {
    const char* section;
    double x;
    bool calcium = false;
};
const std::vector<Location> pyramidal_locations{{"soma", 0.5}, {"axon", 1.0}, {"apical", 0.3}, {"apical", 0.9},
                                                {"basal1", 0.5}, {"basal2", 1.0}};
const std::vector<Location> rxd_locations{{"soma", 0.5}, {"dend", 0.9}, {"dend2", 0.4}, {"soma", 0.5, true},
                                          {"dend", 0.5, true}, {"dend", 1.0, true}, {"dend2", 0.9, true}};

struct SplitResult {
    bool participated = false;
    std::vector<Spike> spikes;
    std::vector<double> voltages;   // per epoch end, per split cell, per location: v (mV) or cai (mM)
    std::vector<char> calcium;      // per entry of voltages: 0 pyramidal v, 1 calcium cell v, 2 its cai
    double exchange_seconds = 0.0;  // rank 0's time in the split exchange's MPI calls
    std::uint64_t exchange_bytes = 0, exchange_steps = 0;
};

// Pieces of every pyramidal cell: piece p on rank (p + gid) % ranks, thread (p / ranks) % threads;
// pieces == 1: whole cells, round-robin.
SplitResult run_split(const Model& model, std::uint32_t pieces, int ranks, int threads, bool all_on_rank0 = false) {
    int world = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &world);
    MPI_Comm sub = MPI_COMM_NULL;
    MPI_Comm_split(MPI_COMM_WORLD, world < ranks ? 0 : MPI_UNDEFINED, world, &sub);
    SplitResult out;
    if (sub == MPI_COMM_NULL) return out;
    out.participated = true;
    {
        Communicator comm(sub);
        const Network network(model);
        const Population& pyr = model.populations[1];
        const Population& rxd = model.populations[3];
        std::vector<Gid> split_gids;
        for (Gid g = pyr.first; g < pyr.first + pyr.count; ++g) split_gids.push_back(g);
        for (Gid g = rxd.first; g < rxd.first + rxd.count; ++g) split_gids.push_back(g);
        std::vector<std::uint32_t> rank_of_gid(network.size());
        for (Gid g = 0; g < network.size(); ++g) rank_of_gid[g] = static_cast<std::uint32_t>(g % ranks);
        std::shared_ptr<SplitLayout> splits;
        if (pieces > 1) {
            splits = std::make_shared<SplitLayout>();
            for (Gid g : split_gids) {
                const Population& pop = network.population_of(g);
                SplitCellPlacement c;
                c.gid = g;
                c.split = standard_cuts(*pop.cable_of(g), pieces);
                for (std::size_t p = 0; p < c.split.piece_count(); ++p) {
                    c.piece_rank.push_back(all_on_rank0 ? 0 : static_cast<std::uint32_t>((p + g) % ranks));
                    c.piece_thread.push_back(static_cast<std::uint16_t>((p / ranks) % threads));
                }
                rank_of_gid[g] = c.piece_rank[0];
                splits->cells.push_back(std::move(c));
            }
        }
        const Decomposition d = planned_decomposition(network, comm.rank(), threads, rank_of_gid, {}, 0, splits);
        Simulation sim(network, d, comm);
        sim.agree_epoch();
        std::vector<Spike> local;
        const double missing = -std::numeric_limits<double>::infinity();
        std::vector<double> sampled;
        sim.run(model.run.tstop, [&](const Epoch&, std::span<const Spike> s) {
            local.insert(local.end(), s.begin(), s.end());
            for (Gid g : split_gids)
                for (const Location& at : (g < rxd.first ? pyramidal_locations : rxd_locations)) {
                    double value = missing;
                    for (const auto& domain : sim.domains())
                        for (const auto& group : domain->groups()) {
                            const auto gids = group->gids();
                            const auto it = std::find(gids.begin(), gids.end(), g);
                            if (it == gids.end()) continue;
                            const auto cell = static_cast<std::size_t>(it - gids.begin());
                            if (auto* whole = dynamic_cast<const CableGroup*>(group.get()))
                                value = at.calcium ? whole->calcium(cell, at.section, at.x) : whole->voltage(cell, at.section, at.x);
                            else if (auto* split = dynamic_cast<const SplitCableGroup*>(group.get());
                                     split && split->holds(cell, at.section, at.x))
                                value = at.calcium ? split->calcium(cell, at.section, at.x) : split->voltage(cell, at.section, at.x);
                        }
                    sampled.push_back(value);
                    out.calcium.push_back(static_cast<char>(at.calcium ? 2 : g >= rxd.first ? 1 : 0));
                }
        });
        out.voltages.resize(sampled.size());
        MPI_Allreduce(sampled.data(), out.voltages.data(), static_cast<int>(sampled.size()), MPI_DOUBLE, MPI_MAX, sub);
        out.spikes = comm.gather_spikes(local);
        std::sort(out.spikes.begin(), out.spikes.end(), spike_time_order);
        if (const SplitExchange* x = sim.split_exchange()) {
            out.exchange_seconds = x->mpi_seconds();
            out.exchange_bytes = x->bytes_per_step();
            out.exchange_steps = x->steps();
        }
    }
    MPI_Comm_free(&sub);
    return out;
}

void expect_bit_identical(const SplitResult& a, const SplitResult& b, const std::string& what) {
    ASSERT_EQ(a.spikes.size(), b.spikes.size()) << what;
    for (std::size_t i = 0; i < a.spikes.size(); ++i) {
        ASSERT_EQ(a.spikes[i].source, b.spikes[i].source) << what << " spike " << i;
        ASSERT_EQ(std::memcmp(&a.spikes[i].time, &b.spikes[i].time, sizeof(double)), 0) << what << " spike " << i;
    }
    ASSERT_EQ(a.voltages.size(), b.voltages.size()) << what;
    for (std::size_t i = 0; i < a.voltages.size(); ++i)
        ASSERT_EQ(std::memcmp(&a.voltages[i], &b.voltages[i], sizeof(double)), 0)
            << what << " voltage sample " << i << ": " << a.voltages[i] << " vs " << b.voltages[i];
}

}  // namespace

TEST(SplitCells, SplitCellsMatchTheUnsplitCellsAndAreBitIdenticalOnEveryLayout) {
    const Model model = pyramidal_network(1000.0);
    const SplitResult whole = run_split(model, 1, 1, 1);
    if (world_rank() == 0) {
        std::size_t pyramidal_spikes = 0;
        for (const Spike& s : whole.spikes) pyramidal_spikes += (s.source >= 40 && s.source < 42);
        ASSERT_GT(pyramidal_spikes, 20u) << "the pyramidal cells must fire for the comparison to mean anything";
        std::size_t rxd_spikes = 0;
        for (const Spike& s : whole.spikes) rxd_spikes += (s.source >= 52 && s.source < 54);
        ASSERT_GT(rxd_spikes, 5u) << "the calcium cells must fire";
        std::printf("unsplit: %zu spikes (%zu of the pyramidal cells, %zu of the calcium cells)\n", whole.spikes.size(),
                    pyramidal_spikes, rxd_spikes);
    }
    for (std::uint32_t pieces : {2u, 4u, 8u}) {
        const SplitResult reference = run_split(model, pieces, 1, 1, true);
        if (world_rank() == 0) {
            // Against the unsplit cells: the same spikes at the same steps, voltages within round-off.
            ASSERT_EQ(whole.spikes.size(), reference.spikes.size()) << pieces << " pieces";
            for (std::size_t i = 0; i < whole.spikes.size(); ++i) {
                ASSERT_EQ(whole.spikes[i].source, reference.spikes[i].source) << pieces << " pieces, spike " << i;
                ASSERT_EQ(whole.spikes[i].time, reference.spikes[i].time) << pieces << " pieces, spike " << i;
            }
            // Largest differences: pyramidal v, calcium cells' v (mV), their calcium (relative).
            double worst[3] = {0.0, 0.0, 0.0};
            ASSERT_EQ(whole.voltages.size(), reference.voltages.size());
            for (std::size_t i = 0; i < whole.voltages.size(); ++i) {
                const double difference = std::fabs(whole.voltages[i] - reference.voltages[i]);
                const int kind = whole.calcium[i];
                worst[kind] = std::max(worst[kind], kind == 2 ? difference / std::fabs(whole.voltages[i]) : difference);
            }
            std::printf("%u pieces: largest difference from the unsplit cells over %g ms: pyramidal %.3g mV; calcium "
                        "cells %.3g mV, calcium %.3g relative\n", pieces, model.run.tstop, worst[0], worst[1], worst[2]);
            // Round-off of the split solves, grown through spikes (the calcium cells' Nernst
            // potentials feel the diffusion's round-off too): measured 1.7e-10, 6.7e-9, 4.1e-11.
            EXPECT_LT(worst[0], 1e-9) << pieces << " pieces";
            EXPECT_LT(worst[1], 3e-8) << pieces << " pieces";
            EXPECT_LT(worst[2], 1e-9) << pieces << " pieces";
        }
        // Layouts over a shorter run (every step of every layout exchanges pieces).
        const Model short_model = pyramidal_network(100.0);
        const SplitResult short_reference = run_split(short_model, pieces, 1, 1, true);
        for (int ranks = 1; ranks <= world_size(); ++ranks)
            for (int threads : {1, 2}) {
                const SplitResult r = run_split(short_model, pieces, ranks, threads);
                if (world_rank() == 0) {
                    expect_bit_identical(short_reference, r, std::to_string(pieces) + " pieces on " + std::to_string(ranks) +
                                                           " ranks x " + std::to_string(threads) + " threads");
                    if (r.exchange_steps > 0)
                        std::printf("%u pieces on %d ranks x %d threads: rank 0 sends %llu bytes per step, %.2f us per "
                                    "step in the split exchange's MPI calls\n",
                                    pieces, ranks, threads, static_cast<unsigned long long>(r.exchange_bytes),
                                    1e6 * r.exchange_seconds / static_cast<double>(r.exchange_steps));
                }
            }
    }
}
