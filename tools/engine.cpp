// engine: runs a parnet model under MPI. Usage: mpirun -n N engine [options] model.json
#include "number_format.hpp"
#include "run_progress.hpp"
#include "engine/collective_errors.hpp"
#include "engine/communicator.hpp"
#include "engine/decomposition.hpp"
#include "engine/mpi_session.hpp"
#include "engine/network.hpp"
#include "engine/simulation.hpp"
#include "engine/memory_estimate.hpp"
#include "engine/step_count.hpp"
#include "engine/watchdog.hpp"
#include "io/model_check.hpp"
#include "io/plan_file.hpp"
#include "io/run_report.hpp"
#include "io/output_claim.hpp"
#include "io/output_sinks.hpp"
#include "io/saving_strategy.hpp"
#include "io/spike_reader.hpp"
#include "io/recording_mapping.hpp"

#include <CLI/CLI.hpp>
#include <hdf5.h>
#include <omp.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace parnet;

using parnet::tools::thousands;

namespace {

struct Options {
    std::string model;
    std::vector<std::string> catalogues;   // --catalogue (docs/mechanisms.md)
    std::string plan;
    std::optional<std::string> output;
    int threads = 0;
    std::optional<double> tstop;
    double progress = 2.0;
    double flush_ms = 100.0;
    bool sort = true;
    bool quiet = false;
    std::string saving = "collective";
    std::string exchange = "allgather";
    bool overlap = false;
    std::string replay;        // spike file of an earlier run
    std::vector<Gid> gids;     // the cells to replay
    bool check = false;        // validate only
    double max_memory_gb = 0;  // per rank; 0: this node's memory shared by its ranks
    double watchdog_s = 30;    // end the job when no epoch completed for this long; 0: never
};

// CLI11's PositiveNumber lets nan and inf through; a run length or interval must be a real number.
const CLI::Validator finite_positive(
    [](const std::string& text) -> std::string {
        double x = 0;
        if (!CLI::detail::lexical_cast(text, x) || !std::isfinite(x) || !(x > 0))
            return "expected a positive finite number, got " + text;
        return {};
    },
    "POSITIVE");
const CLI::Validator finite_non_negative(
    [](const std::string& text) -> std::string {
        double x = 0;
        if (!CLI::detail::lexical_cast(text, x) || !std::isfinite(x) || !(x >= 0))
            return "expected a finite number >= 0, got " + text;
        return {};
    },
    "NONNEGATIVE");

int default_threads() {
    if (const char* env = std::getenv("OMP_NUM_THREADS")) {
        const int n = std::atoi(env);
        if (n > 0) return n;
    }
    return 1;
}

// More ranks x threads than cores on a node, with MPI and OpenMP spinning while they wait, makes a
// run crawl (100x seen on 2 cores); tell the user how to make waiting ranks and threads yield.
int ranks_on_this_node(const Communicator& comm) {
    MPI_Comm node = MPI_COMM_NULL;
    MPI_Comm_split_type(comm.comm(), MPI_COMM_TYPE_SHARED, comm.rank(), MPI_INFO_NULL, &node);
    int local_ranks = 1;
    MPI_Comm_size(node, &local_ranks);
    MPI_Comm_free(&node);
    return local_ranks;
}

void warn_if_oversubscribed(const Communicator& comm, int threads) {
    const int local_ranks = ranks_on_this_node(comm);
    const unsigned cores = std::thread::hardware_concurrency();
    const char* wait_policy = std::getenv("OMP_WAIT_POLICY");
    const char* yield = std::getenv("OMPI_MCA_mpi_yield_when_idle");
    const bool yielding = wait_policy && std::string(wait_policy) == "passive" && yield && std::string(yield) == "1";
    if (comm.rank() == 0 && cores > 0 && static_cast<unsigned>(local_ranks * threads) > cores && !yielding)
        std::fprintf(stderr,
                     "engine: note: %d ranks x %d threads on a node with %u cores; set OMP_WAIT_POLICY=passive "
                     "and OMPI_MCA_mpi_yield_when_idle=1 so that waiting ranks and threads yield the cores\n",
                     local_ranks, threads, cores);
}

// SIGTERM/SIGINT (mpirun forwards them to every rank): nothing of this run is complete, and the
// user should hear so once. The handler may only write a prepared message and exit.
char interrupted_message[1024] = "";

extern "C" void on_termination(int signal) {
    if (interrupted_message[0] != '\0') {
        const char* name = signal == SIGINT ? "engine: interrupted (SIGINT): " : "engine: terminated (SIGTERM): ";
        [[maybe_unused]] auto a = write(STDERR_FILENO, name, std::strlen(name));
        [[maybe_unused]] auto b = write(STDERR_FILENO, interrupted_message, std::strlen(interrupted_message));
    } else {
        // Let rank 0's message out before mpirun sees ranks end and stops forwarding output.
        const timespec pause{1, 0};
        nanosleep(&pause, nullptr);
    }
    _exit(128 + signal);
}

void report_termination_once(int rank, const fs::path& out_dir) {
    if (rank == 0)
        std::snprintf(interrupted_message, sizeof interrupted_message,
                      "no output of this run is complete; %s holds at most unfinished *.part files\n", out_dir.c_str());
    std::signal(SIGTERM, on_termination);
    std::signal(SIGINT, on_termination);
}

// One trace recording of the model: which of this rank's cells it samples and where it is written.
struct TraceOutput {
    std::size_t trace = 0;  // Simulation::traces() index
    fs::path file;
    std::unique_ptr<io::ReportSink> writer;
};

std::vector<TraceOutput> open_traces(const Model& model, const Decomposition& decomposition, Simulation& sim,
                                     io::SavingStrategy saving, MPI_Comm comm, const fs::path& out_dir) {
    std::vector<Gid> local;
    for (const auto& t : decomposition.thread_gids) local.insert(local.end(), t.begin(), t.end());
    std::sort(local.begin(), local.end());
    std::vector<TraceOutput> out;
    for (const TraceRecording& rec : model.recordings.traces) {
        const Population& pop = model.populations[rec.population];
        const io::TraceMapping mapping = io::trace_mapping(model, rec, local);
        // A replay may rebuild no cell of a traced population: such a trace has no file (a report
        // of no cells cannot be written), and the run says so.
        std::uint64_t mine = mapping.gids.size(), cells = 0;
        MPI_Allreduce(&mine, &cells, 1, MPI_UINT64_T, MPI_SUM, comm);
        if (cells == 0) {
            int rank = 0;
            MPI_Comm_rank(comm, &rank);
            if (rank == 0)
                std::fprintf(stderr, "engine: note: trace %s records no cell of this run (no replayed cell of %s): no file\n",
                             rec.name.c_str(), pop.name.c_str());
            continue;
        }
        const auto stride = static_cast<Step>(std::llround(rec.interval / model.run.dt));
        TraceOutput t;
        t.file = out_dir / (rec.name + ".h5");
        t.trace = sim.add_trace(mapping.gids, rec.variable, rec.section, rec.x, stride, rec.float64);
        t.writer = io::make_report_sink(saving, comm, t.file, pop.name, mapping.node_ids, mapping.element_counts,
                                        mapping.element_ids, 0.0, model.run.tstop, rec.interval, mapping.units,
                                        rec.float64 ? io::ReportValueType::float64 : io::ReportValueType::float32);
        // The rows the run will sample must be the rows the file's time range holds: checked now,
        // not found out after the whole simulation.
        const std::uint64_t steps = steps_covering(model.run.tstop, model.run.dt);
        const std::uint64_t rows = (steps + static_cast<std::uint64_t>(stride) - 1) / static_cast<std::uint64_t>(stride);
        if (t.writer->expected_rows() != rows)
            throw input_error(t.file.string() + ": the run samples " + std::to_string(rows) + " rows every " +
                              std::to_string(stride) + " steps but the report's time range holds " +
                              std::to_string(t.writer->expected_rows()));
        out.push_back(std::move(t));
    }
    return out;
}

int run(const Options& opt, Communicator& comm) {
    const double wall_start = omp_get_wtime();
    const bool root = comm.rank() == 0;
    const std::string program = "engine";

    // Size sanity before anything is built: the model's estimate against the memory of a rank. A
    // replay builds only the named cells, so the whole model's size does not matter there.
    const int ranks_here = ranks_on_this_node(comm);
    const double memory_limit = !opt.replay.empty() ? infinite_time : opt.max_memory_gb * 1e9;
    io::CheckedModel checked = agreed(comm, program, [&] {
        return io::check_model(opt.model, {opt.tstop, opt.output, opt.catalogues}, opt.flush_ms, comm.size(), ranks_here, memory_limit);
    });
    Model& model = checked.model;
    const MemoryEstimate& estimate = checked.estimate;
    const io::SavingStrategy saving = agreed(comm, program, [&] { return io::parse_saving_strategy(opt.saving); });
    const Network network(model);
    const int threads = opt.threads > 0 ? opt.threads : default_threads();
    warn_if_oversubscribed(comm, threads);

    agreed(comm, program, [&] {
        if (opt.replay.empty() && !opt.gids.empty()) throw input_error("--gids names the cells to replay: it needs --replay");
    });
    if (!opt.replay.empty()) {
        agreed(comm, program, [&] {
            if (comm.size() != 1) throw input_error("--replay runs on one rank: start it without mpirun or with -n 1");
            if (!opt.plan.empty()) throw input_error("--replay and --plan do not go together");
            if (opt.gids.empty()) throw input_error("--replay needs the cells to replay: --gids 3,17,...");
            for (Gid g : opt.gids)
                if (g >= network.size())
                    throw input_error("--gids: gid " + std::to_string(g) + " is not in the model (" +
                                      std::to_string(network.size()) + " cells)");
        });
    }
    std::optional<io::Plan> plan;
    if (!opt.plan.empty()) {
        plan = agreed(comm, program, [&] {
            io::Plan p = io::read_plan(opt.plan);
            io::check_plan(p, opt.plan, model.fingerprint, network.size(), static_cast<std::uint32_t>(comm.size()));
            return p;
        });
    }
    const int job_ranks = comm.size();
    if (opt.check) {
        if (root) {
            double connections = 0;
            for (const auto& item : estimate.items)
                if (item.field.rfind("projections", 0) == 0) connections += item.bytes / bytes_per_connection;
            std::printf("%s: valid: %s cells in %zu populations, about %.4g connections; memory about %s (%s per rank "
                        "on %d rank%s)\n",
                        opt.model.c_str(), thousands(network.size()).c_str(), model.populations.size(), connections,
                        format_bytes(estimate.total_bytes()).c_str(),
                        format_bytes(estimate.total_bytes() / job_ranks).c_str(), job_ranks, job_ranks == 1 ? "" : "s");
        }
        return 0;
    }
    std::vector<Gid> replayed = opt.gids;
    std::sort(replayed.begin(), replayed.end());
    replayed.erase(std::unique(replayed.begin(), replayed.end()), replayed.end());
    const Decomposition decomposition =
        !opt.replay.empty() ? Decomposition{split_by_cost(network, replayed, threads)}
        : plan ? planned_decomposition(network, comm.rank(), threads, plan->rank_of_gid, plan->thread_of_gid,
                                     static_cast<int>(plan->threads))
             : round_robin_decomposition(network, comm.rank(), comm.size(), threads);

    const fs::path out_dir = model.run.output;
    const fs::path spike_file = out_dir / "spikes.h5";
    const fs::path report_file = out_dir / "report.json";
    // The folder is claimed for this run: what earlier runs left is removed (and said), a marker
    // names the run, and a disk too small for the run is refused now (io/output_claim.hpp).
    agreed(comm, program, [&] {
        io::RunClaim claim{program, opt.model, model.fingerprint, model.run.runid, io::saving_strategy_name(saving),
                           {spike_file.filename().string(), report_file.filename().string()}, 0, ""};
        for (const auto& rec : model.recordings.traces) claim.outputs.push_back(rec.name + ".h5");
        const MemoryItem output = estimate_output_bytes(model);
        claim.bytes_needed = output.bytes;
        claim.bytes_what = output.what;
        io::claim_output_folder(comm.comm(), out_dir, claim);
    });

    report_termination_once(comm.rank(), out_dir);
    auto simulation = agreed(comm, program, [&] {
        return std::make_unique<Simulation>(network, decomposition, comm);
    });
    agreed(comm, program, [&] {
        simulation->agree_epoch({parse_exchange_method(opt.exchange, "--exchange"), opt.overlap});
    });
    agreed(comm, program, [&] {
        if (opt.replay.empty() && !opt.gids.empty()) throw input_error("--gids names the cells to replay: it needs --replay");
    });
    if (!opt.replay.empty()) {
        agreed(comm, program, [&] {
            // Every population that projects onto a replayed cell must be in the spike file.
            std::vector<std::size_t> required;
            for (Gid g : replayed)
                for (const Connection& c : network.incoming(g)) required.push_back(model.population_index(c.source));
            simulation->replay_input(io::read_spikes(opt.replay, model, required));
        });
    }
    auto writer = agreed(comm, program, [&] {
        return io::make_spike_sink(saving, comm.comm(), spike_file, io::recorded_populations(model));
    });
    std::vector<TraceOutput> traces =
        agreed(comm, program, [&] { return open_traces(model, decomposition, *simulation, saving, comm.comm(), out_dir); });

    if (root && !opt.quiet) {
        std::printf("parnet engine: %s\n", opt.model.c_str());
        if (!opt.replay.empty())
            std::printf("  replay   %zu cells with the input recorded in %s\n", replayed.size(), opt.replay.c_str());
        std::printf("  layout   %d ranks x %d threads, %s; epoch %.4g ms (min delay %.4g ms), dt %.4g ms\n",
                    comm.size(), threads, plan ? ("plan " + opt.plan + " (" + plan->method + ")").c_str() : "round-robin",
                    static_cast<double>(simulation->epoch_steps()) * model.run.dt, simulation->min_delay(),
                    model.run.dt);
        std::printf("  exchange %s, %s\n", to_string(simulation->exchange_method()),
                    simulation->overlap_active() ? "overlapped with the next epoch (epochs of half the minimum delay)"
                    : opt.overlap                ? "not overlapped (the minimum delay is a single step)"
                                                 : "not overlapped");
        std::fflush(stdout);
    }

    // Spikes are buffered per rank and written collectively every flush interval.
    std::vector<Spike> buffer;
    std::vector<std::uint64_t> population_spikes(model.populations.size(), 0);
    const double epoch_ms = static_cast<double>(simulation->epoch_steps()) * model.run.dt;
    const long flush_every = static_cast<long>(std::clamp(std::floor(opt.flush_ms / epoch_ms), 1.0, 1e15));
    long epochs = 0;
    bool flushed_once = false;
    std::uint64_t spikes_so_far = 0;
    tools::RunProgress progress(root && !opt.quiet ? opt.progress : 0.0, model.run.tstop, [](const std::string& line) {
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
    });
    const Step total_steps = static_cast<Step>(steps_covering(model.run.tstop, model.run.dt));

    // Watches the epoch loop only: set-up and the final sort may take long on one rank.
    std::optional<Watchdog> watchdog(std::in_place, opt.watchdog_s, comm.comm());
    simulation->run(model.run.tstop, [&](const Epoch& epoch, std::span<const Spike> spikes) {
        for (const Spike& s : spikes) ++population_spikes[model.population_index(s.source)];
        buffer.insert(buffer.end(), spikes.begin(), spikes.end());
        spikes_so_far += spikes.size();
        if (++epochs % flush_every == 0 || epoch.end >= total_steps) {
            // A write error (a full disk, a quota) ends the run on every rank, printed once; the
            // first write goes to the file system at once so that it is noticed now.
            agreed(comm, program, [&] {
                writer->append(buffer);
                buffer.clear();
                for (auto& t : traces) {
                    TraceBuffer& rows = simulation->traces()[t.trace];
                    const std::size_t nrows = rows.row_count();
                    if (rows.float64()) {
                        t.writer->append(rows.take_wide_rows(), nrows);
                    } else {
                        t.writer->append(rows.take_rows(), nrows);
                    }
                }
                if (!flushed_once) {
                    writer->flush();
                    for (auto& t : traces) t.writer->flush();
                    flushed_once = true;
                }
            });
        }
        progress.update(epoch.t_end(), spikes_so_far * static_cast<std::uint64_t>(comm.size()));
        watchdog->beat(epochs);
    });
    watchdog.reset();
    agreed(comm, program, [&] {
        writer->finish(opt.sort);
        for (auto& t : traces) t.writer->finish();
    });
    if (root) std::snprintf(interrupted_message, sizeof interrupted_message,
                            "the spike and trace outputs in %s are complete; report.json may be missing\n", out_dir.c_str());

    // Run report and summary.
    io::RunReport report;
    report.model_file = opt.model;
    report.fingerprint = model.fingerprint;
    report.ranks = comm.size();
    report.threads = threads;
    report.tstop = model.run.tstop;
    report.dt = model.run.dt;
    report.min_delay = simulation->min_delay();
    report.epoch = epoch_ms;
    report.exchange_method = to_string(simulation->exchange_method());
    report.overlap = simulation->overlap_active();
    report.rank_stats = io::gather_rank_stats(comm, simulation->stats());
    std::vector<std::uint64_t> totals(population_spikes.size(), 0);
    MPI_Reduce(population_spikes.data(), totals.data(), static_cast<int>(totals.size()), MPI_UINT64_T, MPI_SUM, 0,
               comm.comm());
    for (std::size_t p = 0; p < model.populations.size(); ++p)
        report.populations.push_back({model.populations[p].name, model.populations[p].count, totals[p]});
    if (plan) {
        report.plan_file = opt.plan;
        report.plan_method = plan->method;
        report.predicted_load = plan->predicted_load;
    }
    report.outputs = {spike_file.string(), report_file.string()};
    for (const auto& t : traces) report.outputs.push_back(t.file.string());
    report.wall = omp_get_wtime() - wall_start;
    if (root) {
        io::write_run_report(report_file, report);
        if (!opt.quiet) {
            std::uint64_t cells = 0, connections = 0;
            double exchange = 0, waiting = 0, output = 0, setup = 0, rss = 0;
            for (const auto& s : report.rank_stats) {
                cells += s.cells;
                connections += s.connections;
                exchange = std::max(exchange, s.exchange);
                waiting = std::max(waiting, s.waiting);
                output = std::max(output, s.output);
                setup = std::max(setup, s.setup);
                rss = std::max(rss, s.peak_rss_mb);
            }
            // Rates of the first populations; the report lists them all.
            std::ostringstream kinds;
            constexpr std::size_t shown = 6;
            for (std::size_t i = 0; i < std::min(shown, report.populations.size()); ++i) {
                const auto& p = report.populations[i];
                const double rate = static_cast<double>(p.spikes) / static_cast<double>(p.cells) / (model.run.tstop / 1000.0);
                kinds << (i > 0 ? ", " : "") << p.name << " " << std::fixed;
                kinds.precision(2);
                kinds << rate << " Hz";
            }
            if (report.populations.size() > shown)
                kinds << ", and " << report.populations.size() - shown << " more populations in " << report_file.string();
            const std::uint64_t spikes = report.total_spikes();
            const double sim_wall = report.wall;
            std::printf("  model    %s cells, %s connections\n", thousands(cells).c_str(), thousands(connections).c_str());
            std::printf("  run      %.1f ms simulated in %.2f s wall (%.1f ms per wall second; set-up %.2f s)\n",
                        model.run.tstop, sim_wall, model.run.tstop / sim_wall, setup);
            std::printf("  spikes   %s, mean rate %.2f Hz (%s)\n", thousands(spikes).c_str(),
                        static_cast<double>(spikes) / static_cast<double>(cells) / (model.run.tstop / 1000.0),
                        kinds.str().c_str());
            std::printf("  balance  compute imbalance (max/mean) %.3f in wall time, %.3f in CPU time; most waiting %.2f s, "
                        "exchange %.2f s, output %.2f s\n",
                        report.imbalance(), report.imbalance_cpu(), waiting, exchange, output);
            std::printf("  traffic  %s spike bytes received per rank per epoch (largest rank), sent to %s ranks at most\n",
                        thousands(report.max_bytes_per_epoch()).c_str(), thousands(report.max_destinations()).c_str());
            std::printf("  memory   peak resident %.0f MB on the largest rank\n", rss);
            if (saving == io::SavingStrategy::per_rank)
                std::printf("  saving   per rank under %s/ranks/: run `consolidate %s` to make the SONATA files\n",
                            out_dir.c_str(), out_dir.c_str());
            std::printf("  output   %s, %s", spike_file.c_str(), report_file.c_str());
            for (std::size_t i = 2; i < report.outputs.size(); ++i) std::printf(", %s", report.outputs[i].c_str());
            std::printf("\n");
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // A file-size limit (ulimit -f) must end in a write error we report, not a core dump.
    std::signal(SIGXFSZ, SIG_IGN);
    MpiSession mpi(argc, argv);
    // Every HDF5 failure is reported by parnet with the file named; HDF5's own stack dumps (also
    // from objects closed while a failed run unwinds) would only bury that message. (After
    // MPI_Init: HDF5 then ties its clean-up to MPI_Finalize.)
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    Communicator comm(MPI_COMM_WORLD);
    Options opt;
    CLI::App app{"parnet engine: simulates a spiking network model on MPI ranks x OpenMP threads.\n"
                 "Usage: mpirun -n N engine [options] model.json"};
    app.add_option("model", opt.model, "Model file (JSON, see docs/model-format.md)")->required();
    app.add_option("--catalogue", opt.catalogues,
                   "Mechanism catalogue from parnet-modcc (repeatable), searched before the model's \"catalogues\"");
    app.add_option("--plan", opt.plan, "Plan file from `plan` (gid -> rank/thread); default round-robin gid % ranks");
    app.add_option("-t,--threads", opt.threads, "OpenMP threads per rank (default: OMP_NUM_THREADS or 1)")
        ->check(CLI::PositiveNumber);
    app.add_option("-o,--output", opt.output, "Output folder (overrides run.output of the model)");
    app.add_option("--tstop", opt.tstop, "Simulated time in ms (overrides run.tstop)")->check(finite_positive);
    app.add_option("--progress", opt.progress, "Seconds between progress lines; 0 turns them off")
        ->check(finite_non_negative);
    app.add_option("--flush-interval", opt.flush_ms, "Simulated ms between writes of buffered spikes")
        ->check(finite_positive);
    app.add_flag("!--no-sort", opt.sort, "Leave the spike file in write order (sorting=none) instead of by time");
    app.add_flag("-q,--quiet", opt.quiet, "No summary or progress on standard output");
    app.add_option("--saving", opt.saving,
                   "How output is saved (docs/saving-data.md): collective (one file, parallel HDF5), per-rank "
                   "(a file per rank under <output>/ranks/, merged later by `consolidate <output>`), rank0 "
                   "(gathered to rank 0; small runs)");
    app.add_option("--exchange", opt.exchange,
                   "How spikes travel between ranks: allgather (every rank gets every spike, NEURON's method) or "
                   "targeted (only to the ranks with connections from the spiking cell); same results")
        ->capture_default_str();
    app.add_flag("--overlap", opt.overlap,
                 "Exchange each epoch's spikes while the next epoch is integrated (epochs of half the minimum "
                 "delay); same results");
    app.add_option("--replay", opt.replay,
                   "Replay single cells (one rank): a spikes.h5 of an earlier run of this model; the cells of --gids "
                   "get exactly the input events they received then, and their spikes and traces are written "
                   "to the output folder")
        ->check(CLI::ExistingFile);
    app.add_option("--gids", opt.gids, "Cells to replay (with --replay), e.g. --gids 3,17,250")->delimiter(',');
    app.add_flag("--check", opt.check,
                 "Validate the model and the options (plan, replay, output names, size against memory) and exit: "
                 "0 when a run would start, 1 with the message otherwise; builds and writes nothing");
    app.add_option("--watchdog", opt.watchdog_s,
                   "Seconds without a finished epoch (at least 10 times the longest epoch so far) after which a "
                   "rank ends the job: a rank that stopped (SIGSTOP, a hung node) would hold it for ever; 0 turns it off")
        ->check(finite_non_negative);
    app.add_option("--max-memory", opt.max_memory_gb,
                   "GB a rank may use; a model whose estimated memory per rank is larger is refused before set-up "
                   "(default: this node's memory shared by its ranks)")
        ->check(finite_positive);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Every rank parsed the same command line; one prints. A bad option exits 1 like bad input.
        const int code = comm.rank() == 0 ? app.exit(e) : e.get_exit_code();
        return code == 0 ? 0 : 1;
    }
    try {
        return run(opt, comm);
    } catch (const job_failed&) {
        // Every rank failed together and has removed its unfinished files while unwinding. End
        // without MPI_Finalize: after a failed write (a full disk) HDF5 may still hold a file it
        // could not close, and its clean-up at MPI_Finalize would crash on it.
        std::fflush(nullptr);
        std::_Exit(1);
    } catch (const std::exception& e) {
        // Inside the run other ranks may be waiting in a collective: end the whole job now.
        std::cerr << "engine: error on rank " << comm.rank() << ": " << e.what() << std::endl;
        MPI_Abort(comm.comm(), 1);
        return 1;
    }
}
