// Saving strategies (issue 6): writes the same spike and trace volume with each strategy and
// prints one line per strategy: wall seconds (slowest rank) for spikes and for the report, the
// consolidation time of per-rank output, and the bytes of the final files. The volume is a
// total, split over the ranks, so runs at 1, 2 and 4 ranks write the same files.
// A plain timed driver (not Google Benchmark): every measurement is one collective write.
//
//   mpirun -n 4 saving_bench --out /tmp/saving --spikes 2000000 --nodes 4000 --rows 1000
// bench/saving.sh runs it at 1, 2 and 4 ranks and prints the table.
#include <mpi.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "io/consolidation.hpp"
#include "io/output_claim.hpp"
#include "io/output_sinks.hpp"

namespace {

namespace fs = std::filesystem;
using namespace parnet;

struct Options {
    std::string out = "saving_bench_out";
    std::uint64_t spikes = 2'000'000;   // total over ranks
    std::uint64_t cells = 100'000;
    std::uint64_t nodes = 4000;         // recorded nodes (one value each), total over ranks
    std::uint64_t rows = 1000;
    int appends = 10;
    std::vector<std::string> strategies = {"collective", "per-rank", "rank0"};
};

std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

double slowest(double seconds) {
    double result = 0;
    MPI_Allreduce(&seconds, &result, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return result;
}

std::uint64_t bytes_of(const fs::path& path) {
    std::error_code error;
    const auto size = fs::file_size(path, error);
    return error ? 0 : size;
}

std::uint64_t bytes_under(const fs::path& dir) {
    std::uint64_t total = 0;
    std::error_code error;
    for (const auto& entry : fs::recursive_directory_iterator(dir, error)) {
        if (entry.is_regular_file()) total += entry.file_size();
    }
    return total;
}

}  // namespace

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0;
    int ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    CLI::App app{"Time the three saving strategies on the same spike and trace volume"};
    Options options;
    app.add_option("--out", options.out, "scratch folder (emptied)");
    app.add_option("--spikes", options.spikes, "spikes in total");
    app.add_option("--cells", options.cells, "cells (gids) firing them");
    app.add_option("--nodes", options.nodes, "recorded nodes in the report (one value each)");
    app.add_option("--rows", options.rows, "report rows (time steps)");
    app.add_option("--appends", options.appends, "appends (flushes) per file");
    app.add_option("--strategy", options.strategies, "strategies to time");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = rank == 0 ? app.exit(error) : 0;
        MPI_Finalize();
        return code;
    }
    const auto me = static_cast<std::uint64_t>(rank);
    const auto size = static_cast<std::uint64_t>(ranks);

    // This rank's spikes: gids me, me + P, ...; times rise append by append as in a run.
    const double tstop = 1000.0;
    std::vector<std::vector<Spike>> appends(static_cast<std::size_t>(options.appends));
    const std::uint64_t my_spikes = options.spikes / size + (me < options.spikes % size ? 1 : 0);
    const std::uint64_t my_cells = std::max<std::uint64_t>(1, options.cells / size);
    for (std::uint64_t k = 0; k < my_spikes; ++k) {
        const std::size_t a = static_cast<std::size_t>(k * appends.size() / my_spikes);
        const double window = tstop / static_cast<double>(appends.size());
        const double t = (static_cast<double>(a) + static_cast<double>(mix(k * size + me) % 100000) / 100000.0) * window;
        const auto gid = static_cast<Gid>((mix(k ^ 0x5151) % my_cells) * size + me);
        appends[a].push_back({gid, std::round(t / 0.025) * 0.025});
    }
    // This rank's report nodes: me, me + P, ...
    std::vector<std::uint64_t> nodes;
    for (std::uint64_t n = me; n < options.nodes; n += size) nodes.push_back(n);
    const std::vector<std::uint32_t> counts(nodes.size(), 1);
    const std::vector<std::uint32_t> element_ids(nodes.size(), 0);
    const double dt = 0.1;
    const double report_tstop = static_cast<double>(options.rows) * dt;
    const std::uint64_t rows_per_append = (options.rows + static_cast<std::uint64_t>(options.appends) - 1) /
                                          static_cast<std::uint64_t>(options.appends);

    const fs::path root(options.out);
    if (rank == 0) {
        std::printf("# ranks strategy spikes_s spikes_consolidate_s spikes_bytes report_s report_consolidate_s report_bytes "
                    "(spikes %llu, report %llu nodes x %llu rows)\n",
                    static_cast<unsigned long long>(options.spikes), static_cast<unsigned long long>(options.nodes),
                    static_cast<unsigned long long>(options.rows));
    }
    int status = 0;
    try {
        for (const auto& name : options.strategies) {
            const io::SavingStrategy strategy = io::parse_saving_strategy(name);
            const fs::path dir = root / name;
            if (rank == 0) fs::remove_all(dir);
            // Claimed as the engine claims its output folder (consolidation needs the marker).
            io::RunClaim claim;
            claim.program = "saving_bench";
            claim.saving = name;
            io::claim_output_folder(MPI_COMM_WORLD, dir, claim);

            double start = MPI_Wtime();
            {
                auto sink = io::make_spike_sink(strategy, MPI_COMM_WORLD, dir / "spikes.h5",
                                                {{"cells", 0, static_cast<Gid>(options.cells)}});
                for (const auto& piece : appends) sink->append(piece);
                sink->finish(true);
            }
            const double spikes_seconds = slowest(MPI_Wtime() - start);

            MPI_Barrier(MPI_COMM_WORLD);
            start = MPI_Wtime();
            {
                auto sink = io::make_report_sink(strategy, MPI_COMM_WORLD, dir / "soma_v.h5", "cells", nodes, counts,
                                                 element_ids, 0.0, report_tstop, dt, "mV");
                std::vector<float> rows;
                for (std::uint64_t row = 0; row < sink->expected_rows(); row += rows_per_append) {
                    const std::uint64_t count = std::min(rows_per_append, sink->expected_rows() - row);
                    rows.resize(count * nodes.size());
                    for (std::uint64_t i = 0; i < count; ++i) {
                        for (std::size_t j = 0; j < nodes.size(); ++j) {
                            rows[i * nodes.size() + j] = -65.0f + static_cast<float>((row + i + nodes[j]) % 100) * 0.1f;
                        }
                    }
                    sink->append(rows, count);
                }
                sink->finish();
            }
            const double report_seconds = slowest(MPI_Wtime() - start);

            // Consolidation: one process, after the run, as `consolidate` does it.
            double spikes_merge = 0;
            double report_merge = 0;
            if (strategy == io::SavingStrategy::per_rank && rank == 0) {
                start = MPI_Wtime();
                io::consolidate_manifest(dir / "ranks" / "spikes.h5.manifest.json", dir);
                spikes_merge = MPI_Wtime() - start;
                start = MPI_Wtime();
                io::consolidate_manifest(dir / "ranks" / "soma_v.h5.manifest.json", dir);
                report_merge = MPI_Wtime() - start;
            }
            MPI_Barrier(MPI_COMM_WORLD);
            if (rank == 0) {
                std::printf("%d %s %.3f %.3f %llu %.3f %.3f %llu\n", ranks, io::saving_strategy_name(strategy).c_str(),
                            spikes_seconds, spikes_merge, static_cast<unsigned long long>(bytes_of(dir / "spikes.h5")),
                            report_seconds, report_merge,
                            static_cast<unsigned long long>(bytes_of(dir / "soma_v.h5")));
                if (strategy == io::SavingStrategy::per_rank) {
                    std::printf("#   per-rank parts: %llu bytes in %s\n",
                                static_cast<unsigned long long>(bytes_under(dir / "ranks")), (dir / "ranks").c_str());
                }
                std::fflush(stdout);
                fs::remove_all(dir);
            }
            MPI_Barrier(MPI_COMM_WORLD);
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "saving_bench (rank %d): %s\n", rank, error.what());
        status = 1;
    }
    MPI_Finalize();
    return status;
}
