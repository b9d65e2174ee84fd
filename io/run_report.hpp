#pragma once
// The run report: a small JSON with per-rank wall times by phase, counts and
// the measured imbalance, so a plan's prediction can be checked against what happened.
#include "engine/simulation.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace parnet::io {

struct PopulationSpikes {
    std::string name;
    std::uint64_t cells = 0;
    std::uint64_t spikes = 0;
};

struct RunReport {
    std::string model_file;
    std::uint64_t fingerprint = 0;
    int ranks = 1;
    int threads = 1;
    double tstop = 0.0;
    double dt = 0.0;
    double min_delay = 0.0;
    double epoch = 0.0;            // ms
    std::string exchange_method = "allgather";
    bool overlap = false;
    double wall = 0.0;             // s, whole run including set-up and output
    std::string plan_file;         // empty when round-robin
    std::string plan_method;
    std::vector<double> predicted_load;  // per rank, from the plan
    std::vector<RankStats> rank_stats;   // per rank
    std::vector<PopulationSpikes> populations;
    std::vector<std::string> outputs;
    // Checkpoints (docs/checkpoints.md): "checkpoint" lists those written ({time_ms, file, bytes,
    // seconds}), "restored" the checkpoint this run continued from, "stopped_at_ms" the time a
    // signal ended the run at (its outputs are then <name>.interrupted).
    nlohmann::json checkpoints = nlohmann::json::array();
    nlohmann::json restored;
    nlohmann::json stopped_at_ms;

    double imbalance() const;      // max / mean compute time (wall clock)
    double imbalance_cpu() const;  // the same with CPU time: what the load would be on a quiet machine
    std::uint64_t total_spikes() const;
    std::uint64_t max_bytes_per_epoch() const;   // spike bytes received per epoch, largest rank
    std::uint64_t max_destinations() const;
};

// Gathers every rank's stats to rank 0 (collective); returns them on rank 0, empty elsewhere.
std::vector<RankStats> gather_rank_stats(const Communicator& comm, const RankStats& mine);

// Written under a temporary name and renamed, so a report is never half-written.
void write_run_report(const std::filesystem::path& file, const RunReport& report);

}  // namespace parnet::io
