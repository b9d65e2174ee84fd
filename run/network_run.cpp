#include "run/network_run.hpp"

#include "engine/checkpoint_requests.hpp"
#include "engine/collective_errors.hpp"
#include "engine/errors.hpp"
#include "engine/simulation.hpp"
#include "engine/step_count.hpp"
#include "engine/watchdog.hpp"
#include "io/output_claim.hpp"
#include "io/output_sinks.hpp"
#include "io/recording_mapping.hpp"
#include "io/run_checkpoint.hpp"
#include "io/run_report.hpp"
#include "io/spike_reader.hpp"
#include "run/run_progress.hpp"
#include "run/run_summary.hpp"
#include "run/termination.hpp"
#include "run/trace_outputs.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

namespace fs = std::filesystem;

namespace parnet::run {
namespace {

// More ranks x threads than cores on a node, with MPI and OpenMP spinning while they wait, makes a
// run crawl (100x seen on 2 cores); tell the user how to make waiting ranks and threads yield.
void warn_if_oversubscribed(const Communicator& comm, int threads, const std::string& program) {
    const int local_ranks = comm.ranks_on_this_node();
    const unsigned cores = std::thread::hardware_concurrency();
    const char* wait_policy = std::getenv("OMP_WAIT_POLICY");
    const char* yield = std::getenv("OMPI_MCA_mpi_yield_when_idle");
    const bool yielding = wait_policy && std::string(wait_policy) == "passive" && yield && std::string(yield) == "1";
    if (comm.rank() == 0 && cores > 0 && static_cast<unsigned>(local_ranks * threads) > cores && !yielding)
        std::fprintf(stderr,
                     "%s: note: %d ranks x %d threads on a node with %u cores; set OMP_WAIT_POLICY=passive "
                     "and OMPI_MCA_mpi_yield_when_idle=1 so that waiting ranks and threads yield the cores\n",
                     program.c_str(), local_ranks, threads, cores);
}

void print_line(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

}  // namespace

RunResult run_network(const Recipe& recipe, const Decomposition& decomposition, const RunOptions& options,
                      Communicator& comm) {
    const double wall_start = omp_get_wtime();
    const bool root = comm.rank() == 0;
    const bool talk = root && !options.quiet;
    const Say say = options.say ? options.say : Say(print_line);
    const std::string& program = options.program;
    const int threads = static_cast<int>(decomposition.thread_gids.size());
    const double dt = recipe.dt();
    const double tstop = options.tstop.value_or(recipe.settings().tstop);
    const fs::path out_dir = options.output.value_or(recipe.settings().output);
    const fs::path spike_file = out_dir / "spikes.h5";
    const fs::path report_file = out_dir / "report.json";
    const Recordings recordings = recipe.recordings();
    const std::vector<PopulationRange>& populations = recipe.populations();
    const bool replay = !options.replay.empty();
    std::optional<io::SavingStrategy> saving;
    if (options.write_files) saving = options.saving;
    if (options.warn_oversubscribed) warn_if_oversubscribed(comm, threads, program);

    agreed_everywhere(comm, [&] {
        if (!(tstop > 0) || !std::isfinite(tstop))
            throw input_error("tstop: expected a positive finite time in ms, got " + format("%g", tstop));
        if (threads < 1) throw input_error("the decomposition has no thread");
        if (replay && comm.size() != 1) throw input_error("replay runs on one rank");
        if (saving && out_dir.empty()) throw input_error("no output folder: the run writes its files into one");
        if (!options.checkpoint_at.empty() && options.checkpoint.empty())
            throw input_error("--checkpoint-at needs the folder to write to: --checkpoint DIR");
        if (!options.checkpoint.empty() || !options.restore.empty()) {
            if (replay) throw input_error("a replay is not checkpointed or restored: leave out --checkpoint and --restore");
            if (!saving) throw input_error("checkpoints carry the outputs over: the run must write its files");
            if (*saving == io::SavingStrategy::per_rank)
                throw input_error("checkpoints carry the outputs over in SONATA files: use --saving collective or rank0");
            if (decomposition.splits && !decomposition.splits->empty())
                throw input_error("checkpoints do not hold split cells yet: run the plan without splits "
                                  "(--split-above / --split-pieces) to checkpoint or restore");
            for (std::size_t p = 0; p < populations.size(); ++p)
                if (io::spike_populations_of(recipe, p).size() > 1)
                    throw input_error("checkpoints do not hold cells with several spike detectors yet (population " +
                                      populations[p].name + "): leave out --checkpoint and --restore");
        }
    });
    // From here on, a rank that stops ends the job (in the set-up too) instead of hanging it.
    std::optional<Watchdog> own_watchdog;
    Watchdog& watchdog = options.watchdog ? *options.watchdog : own_watchdog.emplace(options.watchdog_s, comm.comm(), program);
    std::optional<io::CheckpointMetadata> restoring;
    if (!options.restore.empty())
        restoring = agreed_everywhere(comm, [&] {
            io::CheckpointMetadata m = io::read_checkpoint_metadata(options.restore);
            io::check_checkpoint(m, options.restore, options.fingerprint, recipe.settings().runid, dt, recipe.cell_count());
            return m;
        });
    if (saving) {
        // A restored run appends to the interrupted run's outputs: set aside (as <name>.interrupted,
        // which the claim leaves alone), then carried over.
        if (restoring)
            agreed_everywhere(comm, [&] {
                if (!root) return;
                std::vector<fs::path> trace_files;
                for (const auto& rec : recordings.traces) trace_files.push_back(out_dir / (rec.name + ".h5"));
                io::set_aside_outputs(spike_file, trace_files, *restoring, recipe);
            });
        // The folder is claimed for this run: what earlier runs left is removed (and said), a
        // marker names the run, and a disk too small for the run is refused now (io/output_claim.hpp).
        agreed_everywhere(comm, [&] {
            io::RunClaim claim{program,
                               options.description.empty() ? recipe.origin() : options.description,
                               options.fingerprint,
                               recipe.settings().runid,
                               io::saving_strategy_name(*saving),
                               {spike_file.filename().string(), report_file.filename().string()},
                               options.expected_output.bytes,
                               options.expected_output.what};
            for (const auto& rec : recordings.traces) claim.outputs.push_back(rec.name + ".h5");
            io::claim_output_folder(comm.comm(), out_dir, claim);
        });
    }
    if (options.report_termination) report_termination(program, comm.rank(), out_dir);

    // With a checkpoint folder, SIGTERM and SIGUSR1 ask for a checkpoint and the end of the run.
    std::optional<CheckpointRequests> checkpoint_requests;
    if (!options.checkpoint.empty()) checkpoint_requests.emplace(comm.comm(), options.checkpoint_at, true);
    auto simulation = agreed_everywhere(comm, [&] {
        auto built = std::make_unique<Simulation>(recipe, decomposition, comm);
        if (options.built) options.built();
        return built;
    });
    agreed_everywhere(comm, [&] { simulation->agree_epoch(options.exchange); });
    double restore_seconds = 0.0;
    if (restoring) {
        const double start = omp_get_wtime();
        agreed_everywhere(comm, [&] {
            std::vector<Gid> local;
            for (const auto& t : decomposition.thread_gids) local.insert(local.end(), t.begin(), t.end());
            std::sort(local.begin(), local.end());
            io::restore_run(comm, options.restore, recipe, options.fingerprint, *simulation, local);
        });
        restore_seconds = comm.max(omp_get_wtime() - start);
    }
    if (replay)
        agreed_everywhere(comm, [&] {
            // Every population (and detector) that projects onto a replayed cell must be in the spike file.
            std::vector<io::SpikePopulation> spike_populations;
            std::vector<std::size_t> first_of(populations.size());   // the index of population p's own
            for (std::size_t p = 0; p < populations.size(); ++p) {
                first_of[p] = spike_populations.size();
                const auto mine = io::spike_populations_of(recipe, p);
                spike_populations.insert(spike_populations.end(), mine.begin(), mine.end());
            }
            std::vector<std::size_t> required;
            for (const auto& gids : decomposition.thread_gids)
                for (Gid g : gids)
                    for (const Connection& c : recipe.incoming(g))
                        required.push_back(first_of[recipe.population_index(c.source)] + c.source_detector);
            simulation->replay_input(io::read_spikes(options.replay, spike_populations, required));
        });
    std::unique_ptr<io::SpikeSink> writer;
    if (saving)
        writer = agreed_everywhere(
            comm, [&] { return io::make_spike_sink(*saving, comm.comm(), spike_file, io::recorded_populations(recipe)); });
    std::vector<TraceOutput> traces = agreed_everywhere(
        comm, [&] { return open_traces(recipe, *simulation, saving, comm, out_dir, tstop, program); });
    std::vector<io::TraceSinkRef> trace_sinks;
    for (auto& t : traces) trace_sinks.push_back({t.file, t.trace, t.writer.get()});
    std::vector<std::uint64_t> carried_spikes(populations.size(), 0);
    if (restoring)
        carried_spikes = agreed_everywhere(comm, [&] {
            return io::carry_over_outputs(comm, *restoring, recipe, spike_file, *writer, trace_sinks, *simulation);
        });

    const double epoch_ms = static_cast<double>(simulation->epoch_steps()) * dt;
    if (talk) {
        say(format("%s: %s", options.title.c_str(),
                   (options.description.empty() ? recipe.origin() : options.description).c_str()));
        if (replay) say(format("  replay   %zu cells with the input recorded in %s", decomposition.cell_count(),
                               options.replay.c_str()));
        if (restoring)
            say(format("  restored at t = %.6g ms from %s (written by %d ranks x %d threads); outputs of %s carried over",
                       restoring->time, io::checkpoint_file(options.restore).c_str(), restoring->ranks,
                       restoring->threads, restoring->output.c_str()));
        say(format("  layout   %d ranks x %d threads, %s; epoch %.4g ms (min delay %.4g ms), dt %.4g ms", comm.size(),
                   threads,
                   options.plan.file.empty() ? "round-robin"
                                             : ("plan " + options.plan.file + " (" + options.plan.method + ")").c_str(),
                   epoch_ms, simulation->min_delay(), dt));
        if (options.plan.split_cells > 0)
            say(format("  split    %zu cells run in %zu pieces, exchanged every step (docs/split-solve.md)",
                       options.plan.split_cells, options.plan.split_pieces));
        say(format("  exchange %s, %s", to_string(simulation->exchange_method()),
                   simulation->overlap_active() ? "overlapped with the next epoch (epochs of half the minimum delay)"
                   : options.exchange.overlap   ? "not overlapped (the minimum delay is a single step)"
                                                : "not overlapped"));
    }

    // Spikes are buffered per rank and written collectively every flush interval.
    const bool keep = options.results_rank != RunOptions::no_rank;
    std::vector<bool> recorded(populations.size(), false);
    for (std::size_t p : recordings.spike_populations) recorded[p] = true;
    std::vector<Spike> kept;    // this rank's spikes of recorded populations, for the results
    std::vector<Spike> buffer;  // not yet written
    std::vector<std::uint64_t> population_spikes = carried_spikes;
    nlohmann::json checkpoints_written = nlohmann::json::array();
    double stopped_time = 0.0;
    const long flush_every = static_cast<long>(std::clamp(std::floor(options.flush_ms / epoch_ms), 1.0, 1e15));
    long epochs = 0;
    bool flushed_once = false;
    std::uint64_t spikes_so_far = 0;
    RunProgress progress(talk ? options.progress : 0.0, tstop, say);
    const Step total_steps = static_cast<Step>(steps_covering(tstop, dt));

    try {
        watchdog.loop_started();
        simulation->run(tstop, [&](const Epoch& epoch, std::span<const Spike> spikes) {
            for (const Spike& s : spikes) {
                // A cell's further detectors (s.detector > 0) are in the spike file, not in its
                // population's count or the results in memory.
                if (s.detector != 0) continue;
                const std::size_t p = recipe.population_index(s.source);
                ++population_spikes[p];
                if (keep && recorded[p]) kept.push_back(s);
            }
            if (writer) buffer.insert(buffer.end(), spikes.begin(), spikes.end());
            spikes_so_far += spikes.size();
            const bool checkpoint_now = checkpoint_requests && checkpoint_requests->due(epoch);
            if (++epochs % flush_every == 0 || epoch.end >= total_steps || checkpoint_now) {
                // A write error (a full disk, a quota) ends the run on every rank; the first write
                // goes to the file system at once so that it is noticed now.
                agreed_everywhere(comm, [&] {
                    if (writer) writer->append(buffer);
                    buffer.clear();
                    for (auto& t : traces) {
                        TraceBuffer& rows = simulation->traces()[t.trace];
                        const std::size_t nrows = rows.row_count();
                        if (rows.float64()) {
                            // The file and the results in memory keep the doubles.
                            std::vector<double> taken = rows.take_wide_rows();
                            if (t.writer) t.writer->append(taken, nrows);
                            if (keep) t.wide_rows.insert(t.wide_rows.end(), taken.begin(), taken.end());
                        } else {
                            std::vector<float> taken = rows.take_rows();
                            if (t.writer) t.writer->append(taken, nrows);
                            if (keep) t.rows.insert(t.rows.end(), taken.begin(), taken.end());
                        }
                    }
                    if (!flushed_once) {
                        if (writer) writer->flush();
                        for (auto& t : traces)
                            if (t.writer) t.writer->flush();
                        flushed_once = true;
                    }
                });
            }
            if (checkpoint_now) {
                const io::CheckpointWritten w = agreed_everywhere(comm, [&] {
                    return io::save_run_checkpoint(comm, options.checkpoint, recipe, options.fingerprint, out_dir,
                                                   *simulation, threads, epoch, *writer, trace_sinks);
                });
                const bool stop = checkpoint_requests->stop_requested() && epoch.end < total_steps;
                if (stop) {
                    simulation->stop_after_epoch();
                    stopped_time = epoch.t_end();
                }
                const std::string file = io::checkpoint_file(options.checkpoint).string();
                checkpoints_written.push_back({{"time_ms", epoch.t_end()}, {"file", file}, {"bytes", w.bytes},
                                               {"seconds", w.seconds}, {"state_words", w.words}, {"events", w.events},
                                               {"in_flight", w.in_flight}, {"signal", stop}});
                if (talk) {
                    std::string asked;
                    for (double t : checkpoint_requests->served()) asked += (asked.empty() ? "" : ", ") + format("%g", t);
                    say(format("  checkpoint at t = %.6g ms (%s): %s, %llu bytes in %.3f s%s", epoch.t_end(),
                               stop ? "signal" : ("asked for " + asked + " ms, the end of that epoch").c_str(),
                               file.c_str(), static_cast<unsigned long long>(w.bytes), w.seconds,
                               stop ? "; stopping" : ""));
                }
            }
            progress.update(epoch.t_end(), spikes_so_far * static_cast<std::uint64_t>(comm.size()));
        }, [&](std::int64_t integrated) { watchdog.beat(static_cast<long>(integrated)); });
    } catch (const agreed_failure&) {
        throw;
    } catch (const std::exception& e) {
        // Other ranks may be waiting in a collective of the epoch loop: end the whole job now.
        std::cerr << program << ": error on rank " << comm.rank() << " during the run: " << e.what() << std::endl;
        comm.abort(1);
    }
    watchdog.loop_ended();
    checkpoint_requests.reset();  // signals end the process again
    const bool stopped = simulation->stopped();
    agreed_everywhere(comm, [&] {
        if (stopped) {
            // A run stopped by a signal: outputs kept as <name>.interrupted for the restore.
            io::finish_interrupted_outputs(comm, spike_file, *writer, options.sort, trace_sinks, *simulation);
            return;
        }
        if (writer) writer->finish(options.sort);
        for (auto& t : traces)
            if (t.writer) t.writer->finish();
        if (restoring && root) io::remove_interrupted(*restoring, spike_file, trace_sinks);
    });
    outputs_complete(comm.rank(), out_dir);

    RunResult result;
    result.holds_results = options.results_rank == RunOptions::every_rank || options.results_rank == comm.rank();
    if (keep) {
        const int to = options.results_rank == RunOptions::every_rank ? Communicator::all_ranks : options.results_rank;
        std::vector<Spike> all = comm.gather<Spike>(kept, to);
        std::sort(all.begin(), all.end(), spike_time_order);
        result.spike_gids.reserve(all.size());
        result.spike_times.reserve(all.size());
        for (const Spike& s : all) {
            result.spike_gids.push_back(s.source);
            result.spike_times.push_back(s.time);
        }
        for (const auto& t : traces) {
            TraceResult gathered = gather_trace(comm, to, recipe, t);
            if (result.holds_results) result.traces.push_back(std::move(gathered));
        }
    }
    const std::vector<std::uint64_t> totals = comm.sum(std::span<const std::uint64_t>(population_spikes));
    for (std::size_t p = 0; p < populations.size(); ++p)
        result.populations.push_back({populations[p].name, populations[p].first, populations[p].count, totals[p]});
    result.tstop = tstop;
    result.dt = dt;
    result.min_delay = simulation->min_delay();
    result.epoch = epoch_ms;
    result.ranks = comm.size();
    result.threads = threads;
    result.exchange = to_string(simulation->exchange_method());
    result.overlap = simulation->overlap_active();
    if (saving) {
        result.outputs = {spike_file.string(), report_file.string()};
        for (const auto& t : traces) result.outputs.push_back(t.file.string());
    }

    io::RunReport report;
    report.model_file = options.description.empty() ? recipe.origin() : options.description;
    report.fingerprint = options.fingerprint;
    report.ranks = comm.size();
    report.threads = threads;
    report.tstop = tstop;
    report.dt = dt;
    report.min_delay = result.min_delay;
    report.epoch = epoch_ms;
    report.exchange_method = result.exchange;
    report.overlap = result.overlap;
    report.rank_stats = io::gather_rank_stats(comm, simulation->stats());
    for (const auto& p : result.populations) report.populations.push_back({p.name, p.cells, p.spikes});
    report.plan_file = options.plan.file;
    report.plan_method = options.plan.method;
    report.predicted_load = options.plan.predicted_load;
    report.outputs = result.outputs;
    report.checkpoints = checkpoints_written;
    if (restoring)
        report.restored = {{"file", io::checkpoint_file(options.restore).string()}, {"time_ms", restoring->time},
                           {"seconds", restore_seconds},
                           {"written_by", {{"ranks", restoring->ranks}, {"threads", restoring->threads},
                                           {"exchange", restoring->exchange}}}};
    if (stopped) report.stopped_at_ms = stopped_time;
    result.stopped = stopped;
    report.wall = omp_get_wtime() - wall_start;
    result.wall = comm.broadcast(report.wall);  // rank 0's, as the report says
    if (saving)
        agreed_everywhere(comm, [&] {
            if (root) io::write_run_report(report_file, report);
        });
    if (talk) say_summary(report, saving.value_or(io::SavingStrategy::collective), saving.has_value(), out_dir, say);
    if (talk && stopped)
        say(format("  stopped  at t = %.6g ms by a signal, after writing the checkpoint; outputs kept as "
                   "<name>.interrupted: continue with --restore %s (exit status %d)",
                   stopped_time, options.checkpoint.c_str(), checkpointed_exit_status));
    return result;
}

}  // namespace parnet::run
