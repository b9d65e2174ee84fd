#include "python_run.hpp"

#include "engine/collective_errors.hpp"
#include "engine/communicator.hpp"
#include "engine/errors.hpp"
#include "engine/network.hpp"
#include "io/saving_strategy.hpp"
#include "run/network_run.hpp"
#include "run/run_summary.hpp"

#include <cmath>

namespace parnet::python {
namespace {

using run::format;

void check_options(const RunOptions& options, const Recipe& recipe, int ranks) {
    if (options.tstop && !(*options.tstop > 0))
        throw input_error("tstop: expected a positive time in ms, got " + format("%g", *options.tstop));
    if (options.threads < 1)
        throw input_error("threads: expected a positive number of threads, got " + std::to_string(options.threads));
    if (options.results_rank < RunOptions::no_rank || options.results_rank >= ranks)
        throw input_error("results: expected 'all', None or a rank of the communicator (0.." +
                          std::to_string(ranks - 1) + "), got " + std::to_string(options.results_rank));
    if (!(options.flush_ms > 0))
        throw input_error("flush_interval: expected a positive time in ms, got " + format("%g", options.flush_ms));
    if (!(options.progress >= 0))
        throw input_error("progress: expected a non-negative number of seconds, got " + format("%g", options.progress));
    const bool replay = !options.replay.empty();
    if (!replay && !options.replay_gids.empty()) throw input_error("gids names the cells to replay: it needs replay=");
    if (replay && ranks != 1) throw input_error("replay runs on one rank: use a communicator of one rank");
    if (replay && !options.plan.empty()) throw input_error("replay and plan do not go together");
    if (replay && options.replay_gids.empty()) throw input_error("replay needs the cells to replay: gids=[3, 17, ...]");
    for (Gid g : options.replay_gids)
        if (g >= recipe.cell_count())
            throw input_error("gids: gid " + std::to_string(g) + " is not in the network (" +
                              std::to_string(recipe.cell_count()) + " cells)");
    for (double t : options.checkpoint_at)
        if (!(t > 0) || !std::isfinite(t))
            throw input_error("checkpoint_at: expected positive times in ms, got " + format("%g", t));
}

}  // namespace

run::ChosenDecomposition decompose(const Recipe& recipe, MPI_Comm mpi_comm, const RunOptions& options,
                                   std::uint64_t fingerprint) {
    const Communicator comm(mpi_comm);
    agreed_everywhere(comm, [&] { check_options(options, recipe, comm.size()); });
    return run::choose_decomposition(recipe, comm, options.threads, options.plan, fingerprint, options.replay_gids);
}

RunResult run_recipe(const Recipe& recipe, const run::ChosenDecomposition& chosen, MPI_Comm mpi_comm,
                     const RunOptions& options, const RunContext& context, const Say& say) {
    Communicator comm(mpi_comm);
    run::RunOptions run;
    run.program = run.title = "parnet";
    run.description = context.description;
    run.fingerprint = context.fingerprint;
    run.tstop = options.tstop;
    run.write_files = !options.output.empty();
    if (run.write_files) run.output = options.output;
    run.flush_ms = options.flush_ms;
    run.sort = options.sort;
    run.expected_output = context.expected_output;
    run.quiet = options.quiet;
    run.progress = options.progress;
    run.say = say;
    run.results_rank = options.results_rank;
    run.replay = options.replay;
    run.checkpoint = options.checkpoint;
    run.checkpoint_at = options.checkpoint_at;
    run.restore = options.restore;
    run.built = context.built;
    run.plan = chosen.plan;
    agreed_everywhere(comm, [&] {
        if (run.write_files) run.saving = io::parse_saving_strategy(options.saving);
        run.exchange = ExchangeOptions{parse_exchange_method(options.exchange, "exchange"), options.overlap};
    });
    return run::run_network(recipe, chosen.decomposition, run, comm);
}

RunResult run_model(const Model& model, MPI_Comm comm, const RunOptions& options, const Say& say) {
    const Network network(model);
    const auto chosen = decompose(network, comm, options, model.fingerprint);
    return run_recipe(network, chosen, comm, options, {model.fingerprint, model.file, estimate_output_bytes(model), {}},
                      say);
}

RunResult run_input(io::NetworkInput& input, const std::string& file, MPI_Comm comm, const RunOptions& options,
                    const Say& say) {
    const Model& model = input.model();
    const auto chosen = decompose(input.recipe(), comm, options, model.fingerprint);
    // A SONATA circuit's edges onto this rank's cells, read in one pass, freed once built.
    agreed_everywhere(comm, [&] { input.prepare(chosen.decomposition.gids()); });
    return run_recipe(input.recipe(), chosen, comm, options,
                      {model.fingerprint, file, estimate_output_bytes(model), [&] { input.release(); }}, say);
}

}  // namespace parnet::python
