#include "python_run.hpp"

#include "agreed_everywhere.hpp"
#include "engine/communicator.hpp"
#include "engine/decomposition.hpp"
#include "engine/errors.hpp"
#include "engine/network.hpp"
#include "engine/simulation.hpp"
#include "io/output_claim.hpp"
#include "io/output_sinks.hpp"
#include "io/plan_file.hpp"
#include "io/run_report.hpp"
#include "io/recording_mapping.hpp"
#include "io/saving_strategy.hpp"
#include "tools/number_format.hpp"
#include "tools/run_progress.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <numeric>
#include <sstream>

namespace fs = std::filesystem;

namespace parnet::python {
namespace {

using tools::thousands;

std::string format(const char* fmt, auto... args) {
    const int n = std::snprintf(nullptr, 0, fmt, args...);
    std::string out(static_cast<std::size_t>(n), '\0');
    std::snprintf(out.data(), out.size() + 1, fmt, args...);
    return out;
}


// Concatenation of every rank's `local` in rank order, on `root` (or on every rank for
// RunOptions::every_rank); empty elsewhere. T travels as bytes: every rank runs the same binary.
template <class T>
std::vector<T> gather(MPI_Comm comm, int root, const std::vector<T>& local) {
    int size = 1, rank = 0;
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(comm, &rank);
    const long long mine_bytes = static_cast<long long>(local.size() * sizeof(T));
    if (mine_bytes > std::numeric_limits<int>::max())
        throw std::runtime_error("too many results on one rank for one MPI message");
    const int mine = static_cast<int>(mine_bytes);
    std::vector<int> counts(static_cast<std::size_t>(size)), displs(static_cast<std::size_t>(size));
    if (root == RunOptions::every_rank)
        MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
    else
        MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm);
    long long total = 0;
    for (int r = 0; r < size; ++r) {
        displs[r] = static_cast<int>(total);
        total += counts[r];
    }
    if (total > std::numeric_limits<int>::max())
        throw std::runtime_error("too many results for one MPI message");
    const bool receiving = root == RunOptions::every_rank || root == rank;
    std::vector<T> all(receiving ? static_cast<std::size_t>(total) / sizeof(T) : 0);
    if (root == RunOptions::every_rank)
        MPI_Allgatherv(local.data(), mine, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, comm);
    else
        MPI_Gatherv(local.data(), mine, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, root, comm);
    return all;
}

// One trace recording on this rank: its cells here, the rows sampled so far (kept for the
// results) and, with output, its SONATA report.
struct LocalTrace {
    std::size_t trace = 0;  // Simulation::traces() index
    Step stride = 1;
    std::vector<Gid> gids;
    std::vector<float> rows;
    std::unique_ptr<io::ReportSink> writer;
};

std::vector<LocalTrace> open_traces(const Model& model, const Decomposition& decomposition, Simulation& sim,
                                    std::optional<io::SavingStrategy> saving, MPI_Comm comm, const fs::path& out_dir) {
    std::vector<Gid> local;
    for (const auto& t : decomposition.thread_gids) local.insert(local.end(), t.begin(), t.end());
    std::sort(local.begin(), local.end());
    std::vector<LocalTrace> out;
    for (const TraceRecording& rec : model.recordings.traces) {
        const Population& pop = model.populations[rec.population];
        LocalTrace t;
        const io::TraceMapping mapping = io::trace_mapping(model, rec, local);
        t.gids = mapping.gids;
        t.stride = static_cast<Step>(std::llround(rec.interval / model.run.dt));
        t.trace = sim.add_trace(t.gids, rec.variable, rec.section, rec.x, t.stride, rec.float64);
        if (saving)
            t.writer = io::make_report_sink(*saving, comm, out_dir / (rec.name + ".h5"), pop.name, mapping.node_ids,
                                            mapping.element_counts, mapping.element_ids, 0.0, model.run.tstop,
                                            rec.interval, mapping.units,
                                            rec.float64 ? io::ReportValueType::float64 : io::ReportValueType::float32);
        out.push_back(std::move(t));
    }
    return out;
}

// Every rank's columns of a trace, ordered by gid.
TraceResult gather_trace(MPI_Comm comm, int root, const Model& model, const TraceRecording& rec, const LocalTrace& t) {
    TraceResult out;
    out.name = rec.name;
    out.population = model.populations[rec.population].name;
    out.variable = rec.variable;
    const std::size_t local_rows = t.gids.empty() ? 0 : t.rows.size() / t.gids.size();
    unsigned long long rows_mine = local_rows, rows = 0;
    MPI_Allreduce(&rows_mine, &rows, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, comm);
    const std::vector<std::uint64_t> columns = gather(comm, root, std::vector<std::uint64_t>{t.gids.size()});
    const std::vector<Gid> gids = gather(comm, root, t.gids);
    const std::vector<float> blocks = gather(comm, root, t.rows);
    if (columns.empty()) return out;

    std::vector<std::size_t> order(gids.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return gids[a] < gids[b]; });
    std::vector<std::size_t> column_of(gids.size());  // position in `gids` -> output column
    for (std::size_t c = 0; c < order.size(); ++c) column_of[order[c]] = c;
    out.gids.resize(gids.size());
    for (std::size_t c = 0; c < order.size(); ++c) out.gids[c] = gids[order[c]];

    const std::size_t ncols = gids.size();
    out.values.assign(rows * ncols, 0.0f);
    std::size_t block = 0, first_column = 0;  // where rank r's block and columns start
    for (std::uint64_t cols : columns) {
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < cols; ++j)
                out.values[i * ncols + column_of[first_column + j]] = blocks[block + i * cols + j];
        block += rows * cols;
        first_column += cols;
    }
    out.times.resize(rows);
    for (std::size_t i = 0; i < rows; ++i)
        out.times[i] = static_cast<double>(static_cast<Step>(i) * t.stride) * model.run.dt;
    return out;
}

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

RunResult run_model(const Model& model_in, MPI_Comm mpi_comm, const RunOptions& options, const Say& say) {
    const double wall_start = omp_get_wtime();
    Communicator comm(mpi_comm);
    const bool root = comm.rank() == 0;
    const bool talk = root && !options.quiet;

    Model model = model_in;
    std::optional<io::SavingStrategy> saving;
    const ExchangeOptions exchange = agreed_everywhere(mpi_comm, [&] {
        check_options(options, comm.size());
        if (!options.output.empty()) saving = io::parse_saving_strategy(options.saving);
        return ExchangeOptions{parse_exchange_method(options.exchange, "exchange"), options.overlap};
    });
    if (options.tstop) model.run.tstop = *options.tstop;
    if (!options.output.empty()) model.run.output = options.output;
    const Network network(model);
    const int threads = options.threads;

    std::optional<io::Plan> plan;
    if (!options.plan.empty())
        plan = agreed_everywhere(mpi_comm, [&] {
            io::Plan p = io::read_plan(options.plan);
            io::check_plan(p, options.plan, model.fingerprint, network.size(), static_cast<std::uint32_t>(comm.size()));
            return p;
        });
    const Decomposition decomposition =
        plan ? planned_decomposition(network, comm.rank(), threads, plan->rank_of_gid, plan->thread_of_gid,
                                     static_cast<int>(plan->threads))
             : round_robin_decomposition(network, comm.rank(), comm.size(), threads);

    const fs::path out_dir = model.run.output;
    const fs::path spike_file = out_dir / "spikes.h5";
    const fs::path report_file = out_dir / "report.json";
    // The folder is claimed for this run: what earlier runs left is removed (and said), a marker
    // names the run (io/output_claim.hpp).
    if (saving)
        agreed_everywhere(mpi_comm, [&] {
            io::RunClaim claim{"parnet", model.file, model.fingerprint, model.run.runid, io::saving_strategy_name(*saving),
                               {spike_file.filename().string(), report_file.filename().string()}, 0, ""};
            for (const auto& rec : model.recordings.traces) claim.outputs.push_back(rec.name + ".h5");
            io::claim_output_folder(mpi_comm, out_dir, claim);
        });

    auto simulation =
        agreed_everywhere(mpi_comm, [&] { return std::make_unique<Simulation>(network, decomposition, comm); });
    agreed_everywhere(mpi_comm, [&] { simulation->agree_epoch(exchange); });
    std::unique_ptr<io::SpikeSink> writer;
    if (saving)
        writer = agreed_everywhere(mpi_comm, [&] {
            return io::make_spike_sink(*saving, mpi_comm, spike_file, io::recorded_populations(model));
        });
    std::vector<LocalTrace> traces = agreed_everywhere(
        mpi_comm, [&] { return open_traces(model, decomposition, *simulation, saving, mpi_comm, out_dir); });

    const double epoch_ms = static_cast<double>(simulation->epoch_steps()) * model.run.dt;
    if (talk) {
        say(format("parnet: %s", model.file.c_str()));
        say(format("  layout   %d ranks x %d threads, %s; epoch %.4g ms (min delay %.4g ms), dt %.4g ms", comm.size(),
                   threads, plan ? ("plan " + options.plan + " (" + plan->method + ")").c_str() : "round-robin",
                   epoch_ms, simulation->min_delay(), model.run.dt));
        say(format("  exchange %s, %s", to_string(simulation->exchange_method()),
                   simulation->overlap_active() ? "overlapped with the next epoch"
                   : options.overlap            ? "not overlapped (the minimum delay is a single step)"
                                                : "not overlapped"));
    }

    std::vector<bool> recorded(model.populations.size(), false);
    for (std::size_t p : model.recordings.spike_populations) recorded[p] = true;
    std::vector<Spike> kept;    // this rank's spikes of recorded populations, for the results
    std::vector<Spike> buffer;  // not yet written
    std::vector<std::uint64_t> population_spikes(model.populations.size(), 0);
    const long flush_every = std::max(1L, static_cast<long>(options.flush_ms / epoch_ms));
    long epochs = 0;
    std::uint64_t spikes_so_far = 0;
    tools::RunProgress progress(talk ? options.progress : 0.0, model.run.tstop, say);
    const Step total_steps = static_cast<Step>(std::ceil(model.run.tstop / model.run.dt - 1e-9));

    try {
        simulation->run(model.run.tstop, [&](const Epoch& epoch, std::span<const Spike> spikes) {
            for (const Spike& s : spikes) {
                const std::size_t p = model.population_index(s.source);
                ++population_spikes[p];
                if (recorded[p]) kept.push_back(s);
            }
            spikes_so_far += spikes.size();
            const bool flush = ++epochs % flush_every == 0 || epoch.end >= total_steps;
            if (writer) buffer.insert(buffer.end(), spikes.begin(), spikes.end());
            // A write error (a full disk) is raised on every rank as one InputError.
            if (flush)
                agreed_everywhere(mpi_comm, [&] {
                    if (writer) {
                        writer->append(buffer);
                        buffer.clear();
                    }
                    for (auto& t : traces) {
                        TraceBuffer& rows = simulation->traces()[t.trace];
                        const std::size_t nrows = rows.row_count();
                        if (rows.float64()) {
                            // The file keeps the doubles; the in-memory results are float32.
                            std::vector<double> taken = rows.take_wide_rows();
                            for (const double v : taken) t.rows.push_back(static_cast<float>(v));
                            if (t.writer) t.writer->append(taken, nrows);
                        } else {
                            std::vector<float> taken = rows.take_rows();
                            t.rows.insert(t.rows.end(), taken.begin(), taken.end());
                            if (t.writer) t.writer->append(taken, nrows);
                        }
                    }
                });
            progress.update(epoch.t_end(), spikes_so_far * static_cast<std::uint64_t>(comm.size()));
        });
        agreed_everywhere(mpi_comm, [&] {
            if (writer) writer->finish(true);
            for (auto& t : traces)
                if (t.writer) t.writer->finish();
        });
    } catch (const agreed_failure&) {
        throw;  // every rank raises it
    } catch (const std::exception& e) {
        // Other ranks may be waiting in a collective of the epoch loop: end the whole job now.
        std::cerr << "parnet: error on rank " << comm.rank() << " during the run: " << e.what() << std::endl;
        MPI_Abort(mpi_comm, 1);
    }

    RunResult result;
    result.holds_results = options.results_rank == RunOptions::every_rank || options.results_rank == comm.rank();
    if (options.results_rank != RunOptions::no_rank) {
        std::vector<Spike> all = gather(mpi_comm, options.results_rank, kept);
        std::sort(all.begin(), all.end(), spike_time_order);
        result.spike_gids.reserve(all.size());
        result.spike_times.reserve(all.size());
        for (const Spike& s : all) {
            result.spike_gids.push_back(s.source);
            result.spike_times.push_back(s.time);
        }
        for (std::size_t i = 0; i < traces.size(); ++i) {
            TraceResult t = gather_trace(mpi_comm, options.results_rank, model, model.recordings.traces[i], traces[i]);
            if (result.holds_results) result.traces.push_back(std::move(t));
        }
    }

    std::vector<std::uint64_t> totals(population_spikes.size(), 0);
    MPI_Allreduce(population_spikes.data(), totals.data(), static_cast<int>(totals.size()), MPI_UINT64_T, MPI_SUM,
                  mpi_comm);
    for (std::size_t p = 0; p < model.populations.size(); ++p)
        result.populations.push_back(
            {model.populations[p].name, model.populations[p].first, model.populations[p].count, totals[p]});
    result.tstop = model.run.tstop;
    result.dt = model.run.dt;
    result.min_delay = simulation->min_delay();
    result.epoch = epoch_ms;
    result.ranks = comm.size();
    result.threads = threads;
    result.exchange = to_string(simulation->exchange_method());
    result.overlap = simulation->overlap_active();

    io::RunReport report;
    report.rank_stats = io::gather_rank_stats(comm, simulation->stats());
    if (saving) {
        result.outputs = {spike_file.string(), report_file.string()};
        for (const auto& rec : model.recordings.traces) result.outputs.push_back((out_dir / (rec.name + ".h5")).string());
    }
    result.wall = omp_get_wtime() - wall_start;
    double wall = result.wall;
    MPI_Bcast(&wall, 1, MPI_DOUBLE, 0, mpi_comm);  // rank 0's, as the report says
    result.wall = wall;

    if (saving) {
        report.model_file = model.file;
        report.fingerprint = model.fingerprint;
        report.ranks = comm.size();
        report.threads = threads;
        report.tstop = model.run.tstop;
        report.dt = model.run.dt;
        report.min_delay = result.min_delay;
        report.epoch = epoch_ms;
        report.exchange_method = result.exchange;
        report.overlap = result.overlap;
        for (const auto& p : result.populations) report.populations.push_back({p.name, p.cells, p.spikes});
        if (plan) {
            report.plan_file = options.plan;
            report.plan_method = plan->method;
            report.predicted_load = plan->predicted_load;
        }
        report.outputs = result.outputs;
        report.wall = result.wall;
        // Written by rank 0 alone; a failure is agreed so that every rank raises it.
        agreed_everywhere(mpi_comm, [&] {
            if (root) io::write_run_report(report_file, report);
        });
    }

    if (talk) {
        std::uint64_t cells = 0, connections = 0;
        double setup = 0;
        for (const auto& s : report.rank_stats) {
            cells += s.cells;
            connections += s.connections;
            setup = std::max(setup, s.setup);
        }
        std::uint64_t spikes = 0;
        std::ostringstream kinds;
        constexpr std::size_t shown = 6;
        for (std::size_t i = 0; i < result.populations.size(); ++i) {
            const auto& p = result.populations[i];
            spikes += p.spikes;
            if (i >= shown) continue;
            kinds << (i > 0 ? ", " : "") << p.name << " "
                  << format("%.2f", static_cast<double>(p.spikes) / static_cast<double>(p.cells) / (model.run.tstop / 1000.0))
                  << " Hz";
        }
        if (result.populations.size() > shown) kinds << ", and " << result.populations.size() - shown << " more";
        say(format("  model    %s cells, %s connections", thousands(cells).c_str(), thousands(connections).c_str()));
        say(format("  run      %.1f ms simulated in %.2f s wall (set-up %.2f s)", model.run.tstop, result.wall, setup));
        say(format("  spikes   %s, mean rate %.2f Hz (%s)", thousands(spikes).c_str(),
                   static_cast<double>(spikes) / static_cast<double>(cells) / (model.run.tstop / 1000.0),
                   kinds.str().c_str()));
        if (saving) {
            std::string files;
            for (const auto& f : result.outputs) files += (files.empty() ? "" : ", ") + f;
            say("  output   " + files);
        }
    }
    return result;
}

}  // namespace parnet::python
