#pragma once
// A run of a network file, as the engine program makes it: a JSON model or a SONATA config (told
// apart by content, io/network_input), checked against the memory of a rank, owned round-robin,
// by a plan or as the cells to replay, then handed to run_network. The program only fills
// FileRunOptions from its command line.
#include "engine/communicator.hpp"
#include "run/network_run.hpp"

#include <optional>
#include <string>
#include <vector>

namespace parnet::run {

struct FileRunOptions {
    std::string model;                     // the JSON model or SONATA circuit_config.json
    std::vector<std::string> catalogues;   // searched before the model's "catalogues" (docs/mechanisms.md)
    std::string plan;                      // a plan file; empty: round-robin
    std::string saving = "collective";     // docs/saving-data.md
    std::string exchange = "allgather";    // allgather | targeted
    std::optional<std::string> output;     // overrides the model's output folder
    std::optional<double> tstop;           // overrides the model's tstop
    std::vector<Gid> gids;                 // the cells to replay (with run.replay)
    int threads = 1;                       // per rank
    bool check = false;                    // validate and print a summary only
    double max_memory_gb = 0;              // per rank; 0: this node's memory shared by its ranks
    RunOptions run;                        // the rest, as run_network takes them
};

// Collective. Returns the exit status: 0, or checkpointed_exit_status when a signal stopped the
// run at a checkpoint. Bad input throws agreed_failure on every rank.
int run_file(FileRunOptions& options, Communicator& comm);

}  // namespace parnet::run
