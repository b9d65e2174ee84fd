#pragma once
// What a run is asked to do besides the network and its decomposition: how long, where output
// goes and how it is saved, how spikes travel, what the user hears. Front ends (the engine
// program, the Python module, a user's C++ program) fill it in; every field has a working default,
// so a new option is one more field here and one more line in the front end that sets it.
#include "engine/memory_estimate.hpp"
#include "engine/exchange/spike_exchange.hpp"
#include "io/saving_strategy.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace parnet {
class Watchdog;  // engine/watchdog.hpp
}

namespace parnet::run {

// Lines for the user (rank 0 only): the header, progress and the summary.
using Say = std::function<void(const std::string&)>;

// Where the decomposition came from, for the header line and the run report.
struct PlanSource {
    std::string file;                    // empty: no plan (round-robin)
    std::string method;
    std::vector<double> predicted_load;  // seconds per rank, the plan's prediction
    std::size_t split_cells = 0;         // cells the plan cuts into pieces (docs/split-solve.md)
    std::size_t split_pieces = 0;
};

struct RunOptions {
    // Names: messages start with "<program>: " and the header with "<title>: <description>".
    std::string program = "parnet";
    std::string title = "parnet";
    std::string description;             // what is run (the model file); default: the recipe's origin()
    std::uint64_t fingerprint = 0;       // of the model, for the run report

    std::optional<double> tstop;         // ms; default: the recipe's settings().tstop
    std::optional<std::string> output;   // output folder; default: the recipe's settings().output
    bool write_files = true;             // false: nothing is written (results only in memory)
    io::SavingStrategy saving = io::SavingStrategy::collective;
    ExchangeOptions exchange;
    double flush_ms = 100.0;             // simulated ms between writes of buffered spikes and traces
    bool sort = true;                    // the spike file sorted by time (else in write order)
    // Checked against the free space of the output folder's disk before anything is built
    // (bytes 0: not checked).
    MemoryItem expected_output;

    // Replay: a spike file of an earlier run of the same network; the decomposition's cells get
    // exactly the input they received then, and nothing from each other (one rank).
    std::string replay;

    PlanSource plan;

    // Checkpoints (docs/checkpoints.md): written into `checkpoint` at the epochs that reach the
    // checkpoint_at times (ms) and, on SIGTERM or SIGUSR1, at the next epoch boundary, where the
    // run then stops (RunResult::stopped). `restore`: continue the run checkpointed in that folder.
    std::string checkpoint;
    std::vector<double> checkpoint_at;
    std::string restore;

    // Called once the cells and their connections are built: a front end frees what it read for
    // them (a SONATA circuit's edges).
    std::function<void()> built;

    bool quiet = false;                  // no header, progress or summary
    double progress = 2.0;               // wall seconds between progress lines; 0: none
    Say say;                             // default: standard output
    double watchdog_s = 0.0;             // seconds a rank may go unheard before the job is ended; 0: never
    // A watchdog the caller started before its own set-up (the engine program: from the first
    // collective); none: the run starts its own with watchdog_s.
    Watchdog* watchdog = nullptr;
    bool report_termination = false;     // SIGTERM/SIGINT say that no output is complete (programs only)
    bool warn_oversubscribed = true;     // a note when ranks x threads exceed the node's cores

    // Spikes and traces also gathered in memory: on this rank, on every rank (every_rank) or none.
    static constexpr int every_rank = -1;
    static constexpr int no_rank = -2;
    int results_rank = no_rank;
};

}  // namespace parnet::run
