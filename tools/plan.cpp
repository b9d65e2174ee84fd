// plan: decides which rank and thread own each gid of a model, so that ranks finish each epoch
// together, and writes it as a plan file for `engine --plan`: a JSON model or a SONATA circuit,
// read as the engine reads it. See docs/planning.md.
//   plan model.json --ranks N [--threads T] [--method metis|lpt|round-robin] -o plan.h5
// A command line over the planner library (balance/planner.hpp).
#include "balance/metis_partition.hpp"
#include "balance/planner.hpp"
#include "engine/errors.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <new>

using namespace parnet;
using namespace parnet::balance;

int main(int argc, char** argv) {
    PlannerOptions opt;
    CLI::App app{"parnet plan: decides which MPI rank and thread own each cell of a model so that ranks finish every\n"
                 "epoch together, and writes a plan file for `mpirun -n N engine --plan plan.h5 model.json`.\n"
                 "Cell costs are measured on this machine (or read from --calibration, or estimated with\n"
                 "--static-costs); see docs/planning.md."};
    app.add_option("model", opt.model, "Model file (JSON, docs/model-format.md) or SONATA circuit_config.json")->required();
    app.add_option("-n,--ranks", opt.ranks, "MPI ranks the plan is for")->required()->check(CLI::Range(1u, 1u << 24));
    app.add_option("-t,--threads", opt.threads, "OpenMP threads per rank (cells are grouped for them by cost)")
        ->check(CLI::Range(1u, 65535u))
        ->capture_default_str();
    app.add_option("-m,--method", opt.method, "metis (cost- and traffic-weighted graph partition), lpt (cost only) or "
                                              "round-robin (gid % ranks)")
        ->capture_default_str();
    app.add_option("-o,--output", opt.output, "Plan file to write (HDF5)")->required();
    app.add_option("--calibration", opt.calibration,
                   "Costs measured earlier (JSON from --save-calibration); configurations not in it are measured now")
        ->check(CLI::ExistingFile);
    app.add_option("--save-calibration", opt.save_calibration, "Write the costs used (measured and reused) as JSON");
    app.add_flag("--static-costs", opt.static_costs,
                 "Measure nothing: estimate costs from compartments, channels and synapses");
    app.add_option("--assumed-rate", opt.assumed_rate, "Firing rate (Hz) assumed for cells that are not spike sources")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_option("--rate", opt.population_rates, "POPULATION=HZ: a population's expected rate (repeatable)");
    app.add_option("--rates-from", opt.rates_from, "Population rates from an earlier run's report.json")
        ->check(CLI::ExistingFile);
    app.add_option("--sample-cells", opt.sample_cells, "Cells timed per configuration")
        ->check(CLI::Range(1u, 100000u))
        ->capture_default_str();
    app.add_option("--measure-seconds", opt.measure_seconds, "Least wall time of each timing")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--tolerance", opt.tolerance, "Load imbalance METIS may leave (0.02 = 2%)")
        ->check(CLI::Range(0.001, 1.0))
        ->capture_default_str();
    app.add_option("--max-graph-entries", opt.max_graph_entries,
                   "Largest graph given to METIS (adjacency entries, 8 bytes each); beyond it pairs are sampled")
        ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{2147483647}))
        ->capture_default_str();
    app.add_option("--max-mean-degree", opt.max_mean_degree,
                   "Largest mean number of neighbours per METIS vertex; beyond it pairs are sampled")
        ->check(CLI::Range(1.0, 1e6))
        ->capture_default_str();
    app.add_option("--coarsen", opt.coarsen,
                   "Cells per METIS vertex (consecutive cells of one population); 0 chooses by model size")
        ->capture_default_str();
    app.add_flag("!--no-compare", opt.compare, "Evaluate only the chosen method (by default all three are compared)");
    app.add_option("--split-above", opt.split_above,
                   "Split cable cells costing more than this fraction of a rank's share (e.g. 0.25) into pieces "
                   "below it; the pieces are placed like cells and the plan file records them (docs/planning.md)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--split-pieces", opt.split_pieces,
                   "Instead: cut every cable cell costing at least half the heaviest one into exactly N pieces, the "
                   "same cut for any --ranks (split runs then give the same bits on any layout)")
        ->check(CLI::Range(2u, 4096u));
    app.add_option("--report-json", opt.report_json, "Also write the printed figures as JSON");
    app.add_option("--progress", opt.progress, "Seconds between progress lines of long steps; 0 turns them off")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_flag("-q,--quiet", opt.quiet, "Print warnings and errors only");
    CLI11_PARSE(app, argc, argv);
    try {
        make_plan(opt);
        return 0;
    } catch (const input_error& e) {
        std::cerr << "plan: " << e.what() << std::endl;
        return 1;
    } catch (const metis_error& e) {
        std::cerr << "plan: " << e.what() << std::endl;
        return 1;
    } catch (const std::bad_alloc&) {
        std::cerr << "plan: out of memory; for very large models lower --max-graph-entries" << std::endl;
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "plan: error: " << e.what() << std::endl;
        return 1;
    }
}
