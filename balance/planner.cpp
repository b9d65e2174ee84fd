#include "balance/planner.hpp"

#include "balance/calibration.hpp"
#include "balance/cell_configuration.hpp"
#include "balance/cell_costs.hpp"
#include "balance/cell_splitting.hpp"
#include "balance/cost_measurement.hpp"
#include "balance/firing_rates.hpp"
#include "balance/incoming_graph.hpp"
#include "balance/partition_quality.hpp"
#include "balance/progress_line.hpp"
#include "balance/rank_assignment.hpp"
#include "balance/split_placement.hpp"
#include "balance/static_costs.hpp"
#include "balance/traffic_graph.hpp"
#include "engine/errors.hpp"
#include "engine/network.hpp"
#include "io/model_check.hpp"
#include "io/network_input.hpp"
#include "io/sonata_config.hpp"
#include "io/plan_file.hpp"
#include "tools/number_format.hpp"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <vector>

namespace parnet::balance {

using parnet::tools::thousands;

namespace {


using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }


// Peak resident memory of this process (MB), from /proc; 0 where unavailable.
double peak_memory_mb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0.0;
}

std::string host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "unknown";
    return name;
}

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return text;
}

std::map<std::string, double> parse_population_rates(const PlannerOptions& opt, const Recipe& recipe) {
    std::map<std::string, double> rates;
    if (!opt.rates_from.empty()) rates = rates_from_report(opt.rates_from);
    for (const std::string& entry : opt.population_rates) {
        const auto eq = entry.find('=');
        double hz = -1.0;
        try {
            if (eq != std::string::npos) hz = std::stod(entry.substr(eq + 1));
        } catch (const std::exception&) {
        }
        if (eq == std::string::npos || !(hz >= 0))
            throw input_error("--rate " + entry + ": expected POPULATION=HZ with a rate >= 0");
        const std::string name = entry.substr(0, eq);
        const auto& pops = recipe.populations();
        const bool known = std::any_of(pops.begin(), pops.end(), [&](const PopulationRange& p) { return p.name == name; });
        if (!known) throw input_error("--rate " + entry + ": the model has no population named \"" + name + "\"");
        rates[name] = hz;
    }
    return rates;
}

// Cells per METIS vertex: one for models up to 50,000 cells; beyond, blocks that keep METIS's
// graph near 50,000 vertices, but never fewer than 32 blocks per rank so that ranks can still be
// balanced (and a final cell-by-cell pass evens what blocks leave).
std::uint32_t automatic_block_size(Gid cells, std::uint32_t ranks) {
    const std::uint64_t by_size = cells / 50'000;
    const std::uint64_t by_ranks = cells / (32ull * ranks);
    return static_cast<std::uint32_t>(std::max<std::uint64_t>(1, std::min(by_size, by_ranks)));
}

struct MethodResult {
    PlanMethod method;
    RankAssignment ranks;
    std::vector<std::uint16_t> threads;
    PartitionQuality quality;
    double seconds = 0.0;
    SplitLayout splits;
};

}  // namespace

void make_plan(const Recipe& network, std::uint64_t fingerprint, const std::string& name, const PlannerOptions& opt) {
    const auto started = Clock::now();
    const bool talk = !opt.quiet;
    ProgressLine progress(talk ? opt.progress : 0.0);
    const auto method = parse_method(opt.method);
    if (!method) throw input_error("--method " + opt.method + ": expected metis, lpt or round-robin");
    if (opt.threads > 65535) throw input_error("--threads: at most 65535 (plan files store threads as 16 bits)");
    if (opt.static_costs && !opt.save_calibration.empty())
        throw input_error("--save-calibration: nothing is measured with --static-costs");

    if (opt.ranks < 1) throw input_error("--ranks: expected a positive number of ranks");
    if (opt.threads < 1) throw input_error("--threads: expected a positive number of threads");
    const Gid cells = network.cell_count();
    if (talk)
        std::printf("parnet plan: %s -> %s (%s, %u ranks x %u threads)\n", name.c_str(), opt.output.c_str(),
                    method_name(*method), opt.ranks, opt.threads);
    std::fflush(stdout);

    RateAssumptions assumptions;  // checked before anything long runs
    assumptions.assumed_rate_hz = opt.assumed_rate;
    assumptions.population_rates = parse_population_rates(opt, network);

    const std::vector<float> rates = expected_rates(network, assumptions);

    // Costs of every configuration: from the calibration file, measured now, or static.
    const auto t_costs = Clock::now();
    const ConfigurationIndex configurations = classify_cells(network);
    Calibration calibration;
    if (!opt.calibration.empty()) calibration = read_calibration(opt.calibration);
    MeasurementSettings measure;
    measure.sample_cells = opt.sample_cells;
    measure.min_wall_seconds = opt.measure_seconds;
    std::vector<ConfigurationCost> cost_of(configurations.configurations.size());
    std::vector<std::string> cost_origin(cost_of.size());
    std::size_t measured_now = 0;
    for (std::size_t c = 0; c < cost_of.size(); ++c) {
        const CellConfiguration& config = configurations.configurations[c];
        if (opt.static_costs) {
            cost_of[c] = static_cost(network, config.example);
            cost_origin[c] = "static";
        } else if (const ConfigurationCost* known = calibration.find(config.key)) {
            cost_of[c] = *known;
            cost_origin[c] = "calibration";
        } else {
            if (calibration.seconds_per_queued_event <= 0) calibration.seconds_per_queued_event = measure_queue_cost(measure);
            if (talk) {
                std::fprintf(stderr, "  measuring %s (%s cells of the model)...\n", config.key.c_str(),
                             thousands(config.cells).c_str());
            }
            const auto t_measure = Clock::now();
            cost_of[c] = measure_configuration(network, configurations, static_cast<std::uint32_t>(c), measure, rates);
            if (talk) std::fprintf(stderr, "    done in %.1f s\n", seconds_since(t_measure));
            if (config.synapses > 0) cost_of[c].seconds_per_event += calibration.seconds_per_queued_event;
            calibration.costs[config.key] = cost_of[c];
            cost_origin[c] = "measured";
            ++measured_now;
        }
    }
    const double costs_seconds = seconds_since(t_costs);
    if (!opt.save_calibration.empty()) {
        calibration.host = host_name();
        calibration.created = utc_now();
        write_calibration(opt.save_calibration, calibration);
    }

    // The connections of the whole network, and every cell's predicted cost.
    const auto t_list = Clock::now();
    const IncomingGraph incoming = build_incoming_graph(network, progress);
    const double list_seconds = seconds_since(t_list);
    const std::vector<double> cost = predict_cell_costs(configurations, cost_of, incoming, rates);
    const double total_cost = std::accumulate(cost.begin(), cost.end(), 0.0);

    std::vector<PlanMethod> methods{*method};
    if (opt.compare)
        for (PlanMethod m : {PlanMethod::metis, PlanMethod::lpt, PlanMethod::round_robin})
            if (m != *method) methods.push_back(m);
    const bool need_graph = std::find(methods.begin(), methods.end(), PlanMethod::metis) != methods.end();
    TrafficGraph graph;
    VertexBlocks blocks;
    TrafficGraphLimits limits;
    limits.max_entries = opt.max_graph_entries;
    limits.max_mean_degree = opt.max_mean_degree;
    double graph_seconds = 0.0;
    // Cells heavier than a fraction of a rank's share (or the heaviest, cut into a fixed number
    // of pieces) become pieces, placed as units of their own and recorded in the plan.
    const SplitDecision split = opt.split_pieces > 1 ? split_into_pieces(network, cost, opt.split_pieces)
                                                     : split_heavy_cells(network, cost, opt.ranks, opt.split_above);
    const bool splitting = !split.cells.empty();
    if (need_graph) {
        const auto t_graph = Clock::now();
        // Blocks stay below a tenth of a rank's share, so METIS can balance them.
        blocks = population_blocks(network.populations(), cells, opt.coarsen > 0 ? opt.coarsen : automatic_block_size(cells, opt.ranks), cost,
                                   0.1 * total_cost / opt.ranks);
        if (opt.ranks > 1 && !splitting) {
            graph = build_traffic_graph(incoming, rates, blocks, limits);
        } else {
            graph.xadj.assign(blocks.count() + 1, 0);  // one rank: nothing to cut
        }
        graph_seconds = seconds_since(t_graph);
    }

    MetisSettings metis;
    metis.tolerance = opt.tolerance;
    std::vector<MethodResult> results;
    for (PlanMethod m : methods) {
        const auto t = Clock::now();
        MethodResult r;
        r.method = m;
        if (splitting) {
            SplitPlacement placed = place_with_splits(m, split, network, incoming, rates, blocks, cost, opt.ranks,
                                                      opt.threads, metis, limits);
            r.ranks.rank_of_gid = std::move(placed.rank_of_gid);
            r.ranks.repair = placed.repair;
            r.threads = std::move(placed.thread_of_gid);
            r.splits = std::move(placed.splits);
            r.seconds = seconds_since(t);
            // Traffic figures by the ranks of whole cells and split cells' piece 0; loads by pieces.
            r.quality = evaluate_partition(incoming, rates, cost, r.ranks.rank_of_gid, r.threads, opt.ranks, opt.threads);
            r.quality.load = std::move(placed.load);
            r.quality.imbalance = placed.imbalance;
        } else {
            r.ranks = assign_ranks(m, &graph, &blocks, cost, opt.ranks, metis);
            r.threads = assign_threads(cost, r.ranks.rank_of_gid, opt.ranks, opt.threads);
            r.seconds = seconds_since(t);
            r.quality = evaluate_partition(incoming, rates, cost, r.ranks.rank_of_gid, r.threads, opt.ranks, opt.threads);
        }
        results.push_back(std::move(r));
    }
    const std::size_t graph_entries = graph.entry_count();
    const std::size_t graph_vertices = graph.vertex_count();
    const double graph_kept_fraction = graph.kept_fraction;
    graph = TrafficGraph{};  // free it before writing

    const MethodResult& chosen = results.front();
    io::Plan plan;
    plan.model_fingerprint = fingerprint;
    plan.ranks = opt.ranks;
    plan.threads = opt.threads;
    plan.method = method_name(*method);
    plan.rank_of_gid = chosen.ranks.rank_of_gid;
    plan.thread_of_gid = chosen.threads;
    plan.predicted_load = chosen.quality.load;
    plan.splits = chosen.splits;
    if (const auto folder = std::filesystem::path(opt.output).parent_path(); !folder.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(folder, ec);
        if (ec) throw input_error(folder.string() + ": cannot create the folder for the plan (-o): " + ec.message());
    }
    io::write_plan(opt.output, plan);
    const double total_seconds = seconds_since(started);
    const double memory = peak_memory_mb();

    const auto heavy = cells_above_fair_share(cost, opt.ranks);
    const SplitPrediction split_lpt = predict_split_lpt(split, opt.ranks);
    if (talk) {
        std::printf("  model      %s cells in %zu populations, %s connections\n", thousands(cells).c_str(),
                    network.populations().size(), thousands(incoming.connection_count()).c_str());
        std::printf("  costs      %s; %zu configuration%s measured now (%.1f s)\n",
                    opt.static_costs ? "static complexity model (--static-costs)"
                                     : (opt.calibration.empty() ? "measured on this machine"
                                                                : ("calibration " + opt.calibration).c_str()),
                    measured_now, measured_now == 1 ? "" : "s", costs_seconds);
        std::printf("    %-58s %10s %12s %10s %7s  %s\n", "configuration", "cells", "us/cell/ms", "ns/event", "share",
                    "from");
        for (std::size_t c = 0; c < cost_of.size(); ++c) {
            const CellConfiguration& config = configurations.configurations[c];
            double share = 0.0;
            for (Gid g = config.example; g < cells; ++g)
                if (configurations.of_cell(g) == c) share += cost[g];
            std::printf("    %-58s %10s %12.4f %10.1f %6.1f%%  %s\n", config.key.c_str(), thousands(config.cells).c_str(),
                        1e6 * cost_of[c].seconds_per_cell_ms, 1e9 * cost_of[c].seconds_per_event,
                        total_cost > 0 ? 100.0 * share / total_cost : 0.0, cost_origin[c].c_str());
        }
        std::printf("  rates      spike sources from the model; other cells %g Hz%s\n", opt.assumed_rate,
                    assumptions.population_rates.empty() ? " (--assumed-rate)" : ", some populations given (--rate/--rates-from)");
        std::printf("  predicted  %.4g s of compute per simulated second in all; the run (%g ms) needs about %.3g s on one core\n",
                    total_cost, network.settings().tstop, total_cost * network.settings().tstop / 1000.0);
        std::printf("    %-12s %10s %10s %9s %10s %14s %20s\n", "method", "max load", "mean load", "imbalance",
                    "cut conns", "cut spikes/s", "remote sources/rank");
        for (const MethodResult& r : results) {
            const double mean = std::accumulate(r.quality.load.begin(), r.quality.load.end(), 0.0) / opt.ranks;
            const double max = *std::max_element(r.quality.load.begin(), r.quality.load.end());
            char remote[64];
            std::snprintf(remote, sizeof remote, "%.0f mean, %s max", r.quality.mean_remote_sources(),
                          thousands(r.quality.max_remote_sources()).c_str());
            std::printf("    %-12s %10.4g %10.4g %9.3f %9.1f%% %14.4g %20s%s\n", method_name(r.method), max, mean,
                        r.quality.imbalance, 100.0 * r.quality.cut_fraction, r.quality.cut_traffic, remote,
                        &r == &chosen ? "   <- written" : "");
        }
        if (opt.split_above > 0 || opt.split_pieces > 1) {
            std::size_t pieces = 0;
            for (const SplitCell& c : split.cells) pieces += c.piece_cost.size();
            std::printf("  split      in the plan file: %s cells above %.4g s/s (%s) cut into %s pieces (%s boundary "
                        "nodes), placed as units by each method above; heaviest unit %.4g s/s\n",
                        thousands(split.cells.size()).c_str(), split.threshold,
                        opt.split_pieces > 1 ? "half the heaviest cable cell, --split-pieces"
                                             : (std::to_string(opt.split_above) + " of a rank's share").c_str(),
                        thousands(pieces).c_str(), thousands(split.boundary_nodes).c_str(), split_lpt.heaviest_unit);
            // Cells heavy enough to split that stay whole: the first few, each with its reason.
            if (!split.kept_whole.empty())
                std::printf("  whole      %s cells above the threshold stay whole (split cells would differ):\n",
                            thousands(split.kept_whole.size()).c_str());
            for (std::size_t i = 0; i < split.kept_whole.size() && i < 5; ++i)
                std::printf("    gid %llu: %s\n", static_cast<unsigned long long>(split.kept_whole[i].first),
                            split.kept_whole[i].second.c_str());
            if (split.kept_whole.size() > 5) std::printf("    ... (all in the --report-json)\n");
        }
        if (graph_vertices > 0)
            std::printf("  graph      %s vertices (blocks of up to %zu cells), %s adjacency entries%s\n",
                        thousands(graph_vertices).c_str(), blocks.largest(), thousands(graph_entries).c_str(),
                        graph_kept_fraction < 1 ? (" (pairs sampled: " + std::to_string(graph_kept_fraction) + " kept)").c_str() : "");
        if (opt.ranks <= 16) {
            std::printf("  per rank   predicted load (s/s):");
            for (double l : chosen.quality.load) std::printf(" %.4g", l);
            std::printf("\n");
        }
        for (const MethodResult& r : results) {
            if (r.ranks.repair.empty_parts_found > 0 || r.ranks.repair.moves > 0)
                std::printf("  note       %s: METIS left %u empty part%s; %u cell%s moved afterwards to fill and balance ranks\n",
                            method_name(r.method), r.ranks.repair.empty_parts_found,
                            r.ranks.repair.empty_parts_found == 1 ? "" : "s", r.ranks.repair.moves,
                            r.ranks.repair.moves == 1 ? "" : "s");
        }
        std::printf("  time       %.2f s (costs %.2f, connections %.2f, graph %.2f", total_seconds, costs_seconds,
                    list_seconds, graph_seconds);
        for (const MethodResult& r : results) std::printf(", %s %.2f", method_name(r.method), r.seconds);
        std::printf("); peak memory %.0f MB\n", memory);
    }
    // Heavy cells are worth a warning even when quiet.
    if (!heavy.empty()) {
        const double fair = total_cost / opt.ranks;
        const auto useful_ranks = static_cast<std::uint64_t>(total_cost / heavy.front().cost);
        for (std::size_t i = 0; i < std::min<std::size_t>(heavy.size(), 5); ++i) {
            const PopulationRange& pop = network.population_range(heavy[i].gid);
            std::fprintf(stderr,
                         "plan: warning: gid %u (population %s, %s) is predicted at %.4g s/s, more than one rank's fair "
                         "share (%.4g s/s at %u ranks)\n",
                         heavy[i].gid, pop.name.c_str(), configurations.configurations[configurations.of_cell(heavy[i].gid)].key.c_str(), heavy[i].cost, fair,
                         opt.ranks);
        }
        if (heavy.size() > 5) std::fprintf(stderr, "plan: warning: ... and %zu more such cells\n", heavy.size() - 5);
        std::fprintf(stderr,
                     "plan: warning: no plan for %u ranks can do better than imbalance %.2f; use at most %llu ranks for "
                     "this model, or give the heaviest cells fewer compartments (ncomp) or fewer inputs\n",
                     opt.ranks, heavy.front().cost / fair, static_cast<unsigned long long>(std::max<std::uint64_t>(1, useful_ranks)));
    }

    if (!opt.report_json.empty()) {
        nlohmann::json methods_json = nlohmann::json::array();
        for (const MethodResult& r : results) {
            methods_json.push_back({{"method", method_name(r.method)},
                                    {"imbalance", r.quality.imbalance},
                                    {"max_load", *std::max_element(r.quality.load.begin(), r.quality.load.end())},
                                    {"cut_connections", r.quality.cut_connections},
                                    {"cut_fraction", r.quality.cut_fraction},
                                    {"cut_traffic", r.quality.cut_traffic},
                                    {"remote_sources_mean", r.quality.mean_remote_sources()},
                                    {"remote_sources_max", r.quality.max_remote_sources()},
                                    {"empty_parts_repaired", r.ranks.repair.empty_parts_found},
                                    {"cells_moved", r.ranks.repair.moves},
                                    {"seconds", r.seconds},
                                    {"predicted_load", r.quality.load.size() <= 64 ? nlohmann::json(r.quality.load)
                                                                                   : nlohmann::json(nullptr)}});
        }
        nlohmann::json doc{{"model", name},
                                 {"cells", cells},
                                 {"connections", incoming.connection_count()},
                                 {"ranks", opt.ranks},
                                 {"threads", opt.threads},
                                 {"total_cost", total_cost},
                                 {"graph_vertices", graph_vertices},
                                 {"graph_block_size", blocks.largest()},
                                 {"graph_entries", graph_entries},
                                 {"graph_kept_fraction", graph_kept_fraction},
                                 {"seconds", {{"total", total_seconds}, {"costs", costs_seconds},
                                              {"connections", list_seconds}, {"graph", graph_seconds}}},
                                 {"peak_memory_mb", memory},
                                 {"methods", methods_json}};
        if (opt.split_above > 0 || opt.split_pieces > 1) {
            std::size_t pieces = 0;
            for (const SplitCell& c : split.cells) pieces += c.piece_cost.size();
            doc["split"] = {{"split_above", opt.split_above},  {"split_pieces", opt.split_pieces},
                            {"threshold", split.threshold},
                            {"cells_split", split.cells.size()}, {"pieces", pieces},
                            {"boundary_nodes", split.boundary_nodes}, {"method", method_name(chosen.method)},
                            {"imbalance", chosen.quality.imbalance}, {"lpt_imbalance", split_lpt.imbalance},
                            {"heaviest_unit", split_lpt.heaviest_unit}, {"in_plan_file", splitting}};
            auto& kept = doc["split"]["kept_whole"] = nlohmann::json::array();
            for (const auto& [gid, why] : split.kept_whole) kept.push_back({{"gid", gid}, {"reason", why}});
        }
        std::ofstream out(opt.report_json);
        if (!(out << doc.dump(2) << '\n')) throw input_error(opt.report_json + ": cannot write the planning report");
    }
}

void make_plan(const PlannerOptions& opt) {
    // A SONATA circuit as the engine reads it (io/network_input: the same messages for bad
    // input), with every cell's edges read: the planner holds the whole graph.
    if (io::is_sonata_config(io::read_json_file(opt.model, "model file"))) {
        io::NetworkInput input(opt.model, {}, 100.0, 1, 1, std::numeric_limits<double>::infinity());
        std::vector<Gid> all(input.recipe().cell_count());
        std::iota(all.begin(), all.end(), Gid{0});
        input.prepare(all);
        make_plan(input.recipe(), input.model().fingerprint, opt.model, opt);
        return;
    }
    // The planner holds the whole connection graph in one process: refuse a model too large for
    // this node up front, naming the field (docs/model-format.md, "Limits and refusals").
    const Model model =
        io::check_model(opt.model, {}, 100.0, 1, 1, 0.0, "The planner holds the whole graph in one process: plan a smaller model")
            .model;
    const Network network(model);
    make_plan(network, model.fingerprint, opt.model, opt);
}

}  // namespace parnet::balance
