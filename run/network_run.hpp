#pragma once
// The run as a library: one call does what a run is, whatever describes the network (a JSON
// model, a SONATA circuit, a user's C++ recipe) and whoever calls (the engine program, the Python
// module, a user's program): builds this rank's cells, agrees the epoch, sets up replay input,
// opens the output (spike file, trace reports, saving strategy, flush policy), runs the epoch
// loop with progress and a watchdog, finishes the files, writes the run report and says the
// summary. See docs/ARCHITECTURE.md, "Data flow of a run".
#include "engine/communicator.hpp"
#include "engine/decomposition.hpp"
#include "engine/recipe.hpp"
#include "run/run_options.hpp"
#include "run/run_result.hpp"

namespace parnet::run {

// Collective over comm. Set-up and write errors throw agreed_failure on every rank with the
// first failing rank's message (engine/collective_errors.hpp); an error inside the epoch loop,
// where ranks may wait in different collectives, is printed and ends the job with MPI_Abort.
// The recipe and the decomposition must be the same on every rank (each rank's own share).
RunResult run_network(const Recipe& recipe, const Decomposition& decomposition, const RunOptions& options,
                      Communicator& comm);

}  // namespace parnet::run
