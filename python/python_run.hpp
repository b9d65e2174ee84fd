#pragma once
// One run of a model for the Python module, in plain C++ (no Python types): the same set-up,
// epoch loop and SONATA output as the engine program (tools/engine.cpp), with the spikes and
// traces also gathered in memory for the ranks that asked for them.
#include "engine/model.hpp"
#include "engine/types.hpp"

#include <mpi.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace parnet::python {

struct RunOptions {
    std::optional<double> tstop;       // overrides run.tstop
    int threads = 1;                   // OpenMP threads per rank
    std::string plan;                  // plan file; empty: round-robin
    std::string output;                // output folder for the SONATA files; empty: no files
    std::string saving = "collective"; // io::parse_saving_strategy's names
    std::string exchange = "allgather";
    bool overlap = false;
    int results_rank = every_rank;     // which ranks receive the results in memory
    bool quiet = false;
    double progress = 2.0;             // wall seconds between progress lines (0: none)
    double flush_ms = 100.0;           // simulated ms between writes to the output files

    static constexpr int every_rank = -1;
    static constexpr int no_rank = -2;
};

// One trace recording, all ranks' columns in ascending gid order.
struct TraceResult {
    std::string name;
    std::string population;
    std::string variable;
    std::vector<Gid> gids;        // the columns
    std::vector<double> times;    // the rows (ms)
    std::vector<float> values;    // rows x columns, row-major (time-major, as SONATA stores it)
};

struct PopulationTotal {
    std::string name;
    Gid first = 0;
    Gid cells = 0;
    std::uint64_t spikes = 0;     // all its cells' spikes, recorded or not
};

struct RunResult {
    bool holds_results = false;   // this rank received the spikes and traces
    std::vector<Gid> spike_gids;  // the recorded populations' spikes, sorted by (time, gid)
    std::vector<double> spike_times;
    std::vector<TraceResult> traces;
    // The same on every rank:
    std::vector<PopulationTotal> populations;
    double tstop = 0.0, dt = 0.0, min_delay = 0.0, epoch = 0.0, wall = 0.0;
    int ranks = 1, threads = 1;
    std::string exchange;
    bool overlap = false;
    std::vector<std::string> outputs;  // files written
};

// Lines for the user (progress and summary, rank 0 only).
using Say = std::function<void(const std::string&)>;

// Collective over comm. Set-up errors throw agreed_failure on every rank (agreed_everywhere.hpp);
// an error inside the epoch loop, where ranks may wait in different collectives, ends the job
// with MPI_Abort after printing it, as the engine does.
RunResult run_model(const Model& model, MPI_Comm comm, const RunOptions& options, const Say& say);

}  // namespace parnet::python
