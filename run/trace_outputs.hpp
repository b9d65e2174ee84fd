#pragma once
// The recipe's trace recordings on this rank: the probes added to the simulation, the SONATA
// report each is written to, and (for results in memory) the rows sampled so far; at the end
// every rank's columns gathered into one TraceResult.
#include "engine/communicator.hpp"
#include "engine/decomposition.hpp"
#include "engine/recipe.hpp"
#include "engine/simulation.hpp"
#include "io/output_sinks.hpp"
#include "run/run_result.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parnet::run {

struct TraceOutput {
    std::size_t recording = 0;  // index in the recipe's recordings().traces
    std::size_t trace = 0;      // Simulation::traces() index
    Step stride = 1;
    std::vector<Gid> gids;      // this rank's columns
    std::filesystem::path file;
    std::unique_ptr<io::ReportSink> writer;  // none without files
    std::vector<float> rows;    // kept for the results in memory
    std::vector<double> wide_rows;  // the same for a float64 recording
};

// Collective. A recording of no cell at all (a replay that rebuilds none of its population) has
// no file, and a note says so. Without `saving` nothing is written.
std::vector<TraceOutput> open_traces(const Recipe& recipe, Simulation& sim,
                                     std::optional<io::SavingStrategy> saving, const Communicator& comm,
                                     const std::filesystem::path& out_dir, double tstop, const std::string& program);

// Collective: every rank's columns of a trace, ordered by gid, on `root` (or every rank).
TraceResult gather_trace(const Communicator& comm, int root, const Recipe& recipe, const TraceOutput& trace);

}  // namespace parnet::run
