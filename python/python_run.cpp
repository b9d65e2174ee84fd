#include "python_run.hpp"

#include "engine/collective_errors.hpp"
#include "engine/communicator.hpp"
#include "engine/errors.hpp"
#include "engine/network.hpp"
#include "io/saving_strategy.hpp"
#include "run/decomposition_choice.hpp"
#include "run/network_run.hpp"
#include "run/run_summary.hpp"


namespace parnet::python {
namespace {

using run::format;

void check_options(const RunOptions& options, int ranks) {
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
}

}  // namespace

RunResult run_model(const Model& model, MPI_Comm mpi_comm, const RunOptions& options, const Say& say) {
    Communicator comm(mpi_comm);
    run::RunOptions run;
    run.program = run.title = "parnet";
    run.description = model.file;
    run.fingerprint = model.fingerprint;
    run.tstop = options.tstop;
    run.write_files = !options.output.empty();
    if (run.write_files) run.output = options.output;
    run.flush_ms = options.flush_ms;
    run.expected_output = estimate_output_bytes(model);
    run.quiet = options.quiet;
    run.progress = options.progress;
    run.say = say;
    run.results_rank = options.results_rank;
    agreed_everywhere(comm, [&] {
        check_options(options, comm.size());
        if (run.write_files) run.saving = io::parse_saving_strategy(options.saving);
        run.exchange = ExchangeOptions{parse_exchange_method(options.exchange, "exchange"), options.overlap};
    });

    const Network network(model);
    const auto [decomposition, plan] =
        run::choose_decomposition(network, comm, options.threads, options.plan, model.fingerprint);
    run.plan = plan;
    return run::run_network(network, decomposition, run, comm);
}

}  // namespace parnet::python
