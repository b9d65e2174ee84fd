// engine: runs a parnet model under MPI. Usage: mpirun -n N engine [options] model.json
#include "number_format.hpp"
#include "engine/collective_errors.hpp"
#include "engine/communicator.hpp"
#include "engine/decomposition.hpp"
#include "engine/mpi_session.hpp"
#include "engine/network.hpp"
#include "engine/simulation.hpp"
#include "io/model_reader.hpp"
#include "io/plan_file.hpp"
#include "io/run_report.hpp"
#include "io/output_sinks.hpp"
#include "io/saving_strategy.hpp"
#include "io/spike_reader.hpp"
#include "io/trace_mapping.hpp"

#include <CLI/CLI.hpp>
#include <omp.h>

#include <cstdio>
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
    std::string output;
    int threads = 0;
    double tstop = 0.0;
    double progress = 2.0;
    double flush_ms = 100.0;
    bool sort = true;
    bool quiet = false;
    std::string saving = "collective";
    std::string exchange = "allgather";
    bool overlap = false;
    std::string replay;        // spike file of an earlier run
    std::vector<Gid> gids;     // the cells to replay
};

int default_threads() {
    if (const char* env = std::getenv("OMP_NUM_THREADS")) {
        const int n = std::atoi(env);
        if (n > 0) return n;
    }
    return 1;
}


// Prints the progress line at most every `interval` wall seconds (rank 0 only).
class Progress {
public:
    Progress(double interval, double tstop) : interval_(interval), tstop_(tstop), start_(omp_get_wtime()) {}
    void update(double t, std::uint64_t spikes) {
        const double now = omp_get_wtime();
        if (interval_ <= 0 || now - last_ < interval_) return;
        last_ = now;
        const double wall = now - start_;
        const double rate = t / wall;
        std::printf("  t = %.1f / %.1f ms (%3.0f%%)  wall %.1f s  %.1f ms/s  eta %.0f s  spikes %s\n", t,
                     tstop_, 100.0 * t / tstop_, wall, rate, rate > 0 ? (tstop_ - t) / rate : 0.0,
                     thousands(spikes).c_str());
        std::fflush(stdout);
    }

private:
    double interval_, tstop_, start_;
    double last_ = omp_get_wtime();
};

// More ranks x threads than cores on a node, with MPI and OpenMP spinning while they wait, makes a
// run crawl (100x seen on 2 cores); tell the user how to make waiting ranks and threads yield.
void warn_if_oversubscribed(const Communicator& comm, int threads) {
    MPI_Comm node = MPI_COMM_NULL;
    MPI_Comm_split_type(comm.comm(), MPI_COMM_TYPE_SHARED, comm.rank(), MPI_INFO_NULL, &node);
    int local_ranks = 1, local_rank = 0;
    MPI_Comm_size(node, &local_ranks);
    MPI_Comm_rank(node, &local_rank);
    MPI_Comm_free(&node);
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

// One trace recording of the model: which of this rank's cells it samples and where it is written.
struct TraceOutput {
    std::size_t trace = 0;  // Simulation::traces() index
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
        const auto stride = static_cast<Step>(std::llround(rec.interval / model.run.dt));
        TraceOutput t;
        t.trace = sim.add_trace(mapping.gids, rec.variable, rec.section, rec.x, stride);
        t.writer = io::make_report_sink(saving, comm, out_dir / (rec.name + ".h5"), pop.name, mapping.node_ids,
                                        mapping.element_counts, mapping.element_ids, 0.0, model.run.tstop,
                                        rec.interval, mapping.units);
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<io::SpikePopulation> recorded_populations(const Model& model) {
    std::vector<io::SpikePopulation> out;
    for (std::size_t p : model.recordings.spike_populations) {
        const auto& pop = model.populations[p];
        out.push_back({pop.name, pop.first, pop.count});
    }
    return out;
}

int run(const Options& opt, Communicator& comm) {
    const double wall_start = omp_get_wtime();
    const bool root = comm.rank() == 0;
    const std::string program = "engine";

    Model model = agreed(comm, program, [&] { return io::read_model(opt.model, opt.catalogues); });
    const io::SavingStrategy saving = agreed(comm, program, [&] { return io::parse_saving_strategy(opt.saving); });
    if (opt.tstop > 0) model.run.tstop = opt.tstop;
    if (!opt.output.empty()) model.run.output = opt.output;
    const Network network(model);
    const int threads = opt.threads > 0 ? opt.threads : default_threads();
    warn_if_oversubscribed(comm, threads);

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
    agreed(comm, program, [&] {
        if (!root) return;
        std::error_code ec;
        fs::create_directories(out_dir, ec);
        if (ec || !fs::is_directory(out_dir))
            throw input_error(out_dir.string() + ": cannot create the output folder (run.output): " +
                              (ec ? ec.message() : "not a folder"));
        // A result of an earlier run must not pass for this run's if this one fails.
        fs::remove(spike_file, ec);
        fs::remove(report_file, ec);
    });

    auto simulation = agreed(comm, program, [&] {
        return std::make_unique<Simulation>(network, decomposition, comm);
    });
    agreed(comm, program, [&] {
        simulation->agree_epoch({parse_exchange_method(opt.exchange, "--exchange"), opt.overlap});
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
        return io::make_spike_sink(saving, comm.comm(), spike_file, recorded_populations(model));
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
    const long flush_every = std::max(1L, static_cast<long>(opt.flush_ms / epoch_ms));
    long epochs = 0;
    std::uint64_t spikes_so_far = 0;
    Progress progress(root && !opt.quiet ? opt.progress : 0.0, model.run.tstop);
    const Step total_steps = static_cast<Step>(std::ceil(model.run.tstop / model.run.dt - 1e-9));

    simulation->run(model.run.tstop, [&](const Epoch& epoch, std::span<const Spike> spikes) {
        for (const Spike& s : spikes) ++population_spikes[model.population_index(s.source)];
        buffer.insert(buffer.end(), spikes.begin(), spikes.end());
        spikes_so_far += spikes.size();
        if (++epochs % flush_every == 0 || epoch.end >= total_steps) {
            writer->append(buffer);
            buffer.clear();
            for (auto& t : traces) {
                TraceBuffer& rows = simulation->traces()[t.trace];
                const std::size_t nrows = rows.row_count();
                t.writer->append(rows.take_rows(), nrows);
            }
        }
        progress.update(epoch.t_end(), spikes_so_far * static_cast<std::uint64_t>(comm.size()));
    });
    writer->finish(opt.sort);
    for (auto& t : traces) t.writer->finish();

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
    for (const auto& rec : model.recordings.traces) report.outputs.push_back((out_dir / (rec.name + ".h5")).string());
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
    MpiSession mpi(argc, argv);
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
    app.add_option("--tstop", opt.tstop, "Simulated time in ms (overrides run.tstop)")->check(CLI::PositiveNumber);
    app.add_option("--progress", opt.progress, "Seconds between progress lines; 0 turns them off")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--flush-interval", opt.flush_ms, "Simulated ms between writes of buffered spikes")
        ->check(CLI::PositiveNumber);
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
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Every rank parsed the same command line; one prints.
        if (comm.rank() != 0) return e.get_exit_code();
        return app.exit(e);
    }
    try {
        return run(opt, comm);
    } catch (const job_failed&) {
        return 1;
    } catch (const std::exception& e) {
        // Inside the run other ranks may be waiting in a collective: end the whole job now.
        std::cerr << "engine: error on rank " << comm.rank() << ": " << e.what() << std::endl;
        MPI_Abort(comm.comm(), 1);
        return 1;
    }
}
