#pragma once
// One run for the Python module, in plain C++ (no Python types): Python's options checked and
// handed to the run library (run/network_run.hpp) that the engine program uses too, with the
// spikes and traces also gathered in memory for the ranks that asked for them. The same steps
// for a model built in Python, a file read by the engine's reader (JSON or SONATA,
// io/network_input.hpp) and a recipe written in Python (python_recipe.hpp), which the package
// prepares between choosing the decomposition and running.
#include "engine/memory_estimate.hpp"
#include "engine/model.hpp"
#include "engine/recipe.hpp"
#include "engine/types.hpp"
#include "io/network_input.hpp"
#include "run/decomposition_choice.hpp"
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
    bool sort = true;                  // the spike file sorted by time
    // As the engine's --replay/--gids, --checkpoint/--checkpoint-at and --restore.
    std::string replay;
    std::vector<Gid> replay_gids;
    std::string checkpoint;
    std::vector<double> checkpoint_at;
    std::string restore;

    static constexpr int every_rank = -1;
    static constexpr int no_rank = -2;
};

using run::PopulationTotal;
using run::RunResult;
using run::TraceResult;

// Lines for the user (progress and summary, rank 0 only).
using Say = std::function<void(const std::string&)>;

// What the run needs besides the recipe and the options.
struct RunContext {
    std::uint64_t fingerprint = 0;
    std::string description;           // the header's and the report's name of what runs
    MemoryItem expected_output;        // checked against the output disk (bytes 0: not checked)
    std::function<void()> built;       // called once the cells are built
};

// Collective over comm: the options checked and the cells of this rank chosen (round-robin, a
// plan, or the cells to replay); agreed_failure on every rank for bad ones.
run::ChosenDecomposition decompose(const Recipe& recipe, MPI_Comm comm, const RunOptions& options,
                                   std::uint64_t fingerprint);

// Collective over comm. Set-up errors throw agreed_failure on every rank (engine/collective_errors.hpp);
// an error inside the epoch loop, where ranks may wait in different collectives, ends the job
// with MPI_Abort after printing it, as the engine does.
RunResult run_recipe(const Recipe& recipe, const run::ChosenDecomposition& chosen, MPI_Comm comm,
                     const RunOptions& options, const RunContext& context, const Say& say);

// The two front ends of files and models: decompose, (read a SONATA circuit's edges), run.
RunResult run_model(const Model& model, MPI_Comm comm, const RunOptions& options, const Say& say);
RunResult run_input(io::NetworkInput& input, const std::string& file, MPI_Comm comm, const RunOptions& options,
                    const Say& say);

}  // namespace parnet::python
