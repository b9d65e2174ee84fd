// engine: runs a parnet model under MPI. Usage: mpirun -n N engine [options] model.json
// A command line over the run library (run/file_run.hpp, which reads and checks the JSON model or
// SONATA circuit, chooses the decomposition and runs it): options in, exit status out.
#include "cli_checks.hpp"
#include "engine/collective_errors.hpp"
#include "engine/mpi_session.hpp"
#include "run/file_run.hpp"

#include <CLI/CLI.hpp>
#include <hdf5.h>

#include <csignal>
#include <cstdio>
#include <iostream>

using namespace parnet;

int main(int argc, char** argv) {
    // A file-size limit (ulimit -f) must end in a write error we report, not a core dump.
    std::signal(SIGXFSZ, SIG_IGN);
    MpiSession mpi(argc, argv);
    // parnet reports every HDF5 failure naming the file; HDF5's own stack dumps would bury it.
    // (After MPI_Init: HDF5 then ties its clean-up to MPI_Finalize.)
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    Communicator comm(MPI_COMM_WORLD);
    run::FileRunOptions opt;
    opt.threads = tools::default_threads();
    opt.run.program = "engine";
    opt.run.title = "parnet engine";
    opt.run.watchdog_s = 30;
    opt.run.report_termination = true;
    using tools::finite_positive, tools::finite_non_negative;
    CLI::App app{"parnet engine: simulates a spiking network model on MPI ranks x OpenMP threads.\n"
                 "Usage: mpirun -n N engine [options] model.json"};
    app.add_option("model", opt.model, "Model file (JSON, docs/model-format.md) or SONATA circuit_config.json (docs/sonata-input.md)")
        ->required();
    app.add_option("--catalogue", opt.catalogues,
                   "Mechanism catalogue from parnet-modcc (repeatable), searched before the model's \"catalogues\"");
    app.add_option("--plan", opt.plan, "Plan file from `plan` (gid -> rank/thread); default round-robin gid % ranks");
    app.add_option("-t,--threads", opt.threads, "OpenMP threads per rank (default: OMP_NUM_THREADS or 1)")
        ->check(CLI::PositiveNumber);
    app.add_option("-o,--output", opt.output, "Output folder (overrides run.output of the model)");
    app.add_option("--tstop", opt.tstop, "Simulated time in ms (overrides run.tstop)")->check(finite_positive);
    app.add_option("--progress", opt.run.progress, "Seconds between progress lines; 0 turns them off")
        ->check(finite_non_negative);
    app.add_option("--flush-interval", opt.run.flush_ms, "Simulated ms between writes of buffered spikes")
        ->check(finite_positive);
    app.add_flag("!--no-sort", opt.run.sort, "Leave the spike file in write order (sorting=none) instead of by time");
    app.add_flag("-q,--quiet", opt.run.quiet, "No summary or progress on standard output");
    app.add_option("--saving", opt.saving, "How output is saved (docs/saving-data.md): collective (one file, parallel "
                   "HDF5), per-rank (a file per rank under <output>/ranks/, merged later by `consolidate <output>`), "
                   "rank0 (gathered to rank 0; small runs)");
    app.add_option("--exchange", opt.exchange,
                   "How spikes travel between ranks: allgather (every rank gets every spike, NEURON's method) or "
                   "targeted (only to the ranks with connections from the spiking cell); same results")
        ->capture_default_str();
    app.add_flag("--overlap", opt.run.exchange.overlap,
                 "Exchange each epoch's spikes while the next epoch is integrated (epochs of half the minimum "
                 "delay); same results");
    app.add_option("--replay", opt.run.replay, "Replay single cells (one rank): a spikes.h5 of an earlier run of this "
                   "model; the cells of --gids get exactly the input events they received then, and their spikes and "
                   "traces are written to the output folder")->check(CLI::ExistingFile);
    app.add_option("--gids", opt.gids, "Cells to replay (with --replay), e.g. --gids 3,17,250")->delimiter(',');
    app.add_flag("--check", opt.check,
                 "Validate the model and the options (plan, replay, output names, size against memory) and exit: "
                 "0 when a run would start, 1 with the message otherwise; builds and writes nothing");
    app.add_option("--watchdog", opt.run.watchdog_s,
                   "Seconds a rank may go unheard (set-up or run) before the job ends naming it: a rank that "
                   "stopped (SIGSTOP, a hung node) would hold it for ever; 0 turns it off")
        ->check(finite_non_negative);
    app.add_option("--checkpoint", opt.run.checkpoint,
                   "Folder for checkpoints (docs/checkpoints.md): written at the --checkpoint-at times, and on SIGTERM "
                   "or SIGUSR1 at the next epoch boundary, after which the run stops with exit status 75");
    app.add_option("--checkpoint-at", opt.run.checkpoint_at,
                   "Times (ms) to checkpoint at, e.g. 500,1000: at the end of the epoch that reaches each")
        ->delimiter(',')
        ->check(finite_positive);
    app.add_option("--restore", opt.run.restore,
                   "Continue the run checkpointed in this folder (any ranks, threads or plan), appending to the "
                   "interrupted run's outputs in the output folder");
    app.add_option("--max-memory", opt.max_memory_gb, "GB a rank may use; a model whose estimated memory per rank is "
                   "larger is refused before set-up (default: this node's memory shared by its ranks)")
        ->check(finite_positive);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Every rank parsed the same command line; one prints. A bad option exits 1 like bad input.
        const int code = comm.rank() == 0 ? app.exit(e) : e.get_exit_code();
        return code == 0 ? 0 : 1;
    }
    try {
        return run::run_file(opt, comm);
    } catch (const agreed_failure& e) {
        // Every rank failed together and has removed its unfinished files while unwinding. End
        // without MPI_Finalize: after a failed write (a full disk) HDF5 may still hold a file it
        // could not close, and its clean-up at MPI_Finalize would crash on it.
        // The others wait until rank 0 has printed: mpirun ends the job at the first rank's exit,
        // and a rank 0 killed before its line reached its stderr said nothing.
        if (comm.rank() == 0) std::cerr << "engine: error: " << e.what() << std::endl;
        std::fflush(nullptr);
        comm.barrier();
        std::_Exit(1);
    } catch (const std::exception& e) {
        // Inside the run other ranks may be waiting in a collective: end the whole job now.
        std::cerr << "engine: error on rank " << comm.rank() << ": " << e.what() << std::endl;
        comm.abort(1);
    }
}
