#pragma once
// One run of a model for the Python module, in plain C++ (no Python types): Python's options
// checked and handed to the run library (run/network_run.hpp) that the engine program uses too,
// with the spikes and traces also gathered in memory for the ranks that asked for them.
#include "engine/model.hpp"
#include "engine/types.hpp"
#include "run/run_result.hpp"

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

using run::PopulationTotal;
using run::RunResult;
using run::TraceResult;

// Lines for the user (progress and summary, rank 0 only).
using Say = std::function<void(const std::string&)>;

// Collective over comm. Set-up errors throw agreed_failure on every rank (engine/collective_errors.hpp);
// an error inside the epoch loop, where ranks may wait in different collectives, ends the job
// with MPI_Abort after printing it, as the engine does.
RunResult run_model(const Model& model, MPI_Comm comm, const RunOptions& options, const Say& say);

}  // namespace parnet::python
