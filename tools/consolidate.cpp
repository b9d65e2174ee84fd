// consolidate: merges the per-rank output of a run made with `--saving per-rank` (every rank's
// own files in <output>/ranks/rank-<r>/) into the SONATA files the collective strategy would
// have written (<output>/spikes.h5, reports), byte-for-byte the same datasets.
//
//   consolidate out                      # parts in out/ranks/
//   consolidate out --ranks-dir /scratch/collected/ranks
//
// Runs in one process (serial HDF5). Under mpirun, rank 0 does the work and the others wait.
#include <mpi.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include "engine/errors.hpp"
#include "io/consolidation.hpp"

namespace {

struct Options {
    std::string output;
    std::string ranks_dir;
    bool quiet = false;
};

int run(const Options& options) {
    namespace fs = std::filesystem;
    const fs::path output(options.output);
    const fs::path ranks_dir = options.ranks_dir.empty() ? output / "ranks" : fs::path(options.ranks_dir);
    if (!fs::is_directory(output)) throw parnet::input_error(output.string() + ": no such output folder");
    const auto written = parnet::io::consolidate_output(output, ranks_dir);
    if (!options.quiet) {
        for (const auto& path : written) std::printf("consolidate: wrote %s\n", path.string().c_str());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    CLI::App app{"Merge the per-rank files of a run made with --saving per-rank into its SONATA output files "
                 "(spikes.h5 and reports), exactly as the collective strategy writes them."};
    Options options;
    app.add_option("output", options.output, "the run's output folder (run.output); results are written here")
        ->required();
    app.add_option("--ranks-dir", options.ranks_dir,
                   "folder holding rank-<r>/ and the *.manifest.json files (default: <output>/ranks)");
    app.add_flag("-q,--quiet", options.quiet, "print nothing on success");

    int status = 0;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        status = rank == 0 ? app.exit(error) : (error.get_exit_code() != 0 ? 1 : 0);
        MPI_Finalize();
        return status;
    }
    if (rank == 0) {
        try {
            status = run(options);
        } catch (const std::exception& error) {
            std::fprintf(stderr, "consolidate: %s\n", error.what());
            status = 1;
        }
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
