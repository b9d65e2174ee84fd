#pragma once
// The planner as a library: takes a network as a recipe (engine/recipe.hpp: a JSON model's
// Network, a SONATA circuit, a Python recipe), predicts every cell's cost (measured on this
// machine, from a calibration, or the static cost model), builds the connection and traffic graph,
// assigns ranks (METIS, LPT or round-robin, compared) and threads, writes the plan file and says
// what it predicts (docs/planning.md). tools/plan.cpp is its command line.
#include "engine/recipe.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace parnet::balance {

struct PlannerOptions {
    std::string model;  // the file make_plan(options) reads; unused by make_plan(recipe, ...)
    std::string output;
    std::uint32_t ranks = 0;
    std::uint32_t threads = 1;
    std::string method = "metis";
    std::string calibration;
    std::string save_calibration;
    bool static_costs = false;
    double assumed_rate = 5.0;
    std::vector<std::string> population_rates;  // "name=Hz"
    std::string rates_from;
    std::uint32_t sample_cells = 256;
    double measure_seconds = 0.1;
    double tolerance = 0.02;
    std::uint64_t max_graph_entries = 400'000'000;
    std::uint32_t coarsen = 0;  // cells per graph vertex; 0 = automatic
    double max_mean_degree = 32.0;
    bool compare = true;
    std::string report_json;
    double split_above = 0.0;  // fraction of a rank's share; 0 = cells stay whole
    std::uint32_t split_pieces = 0;  // > 1: cut the heaviest cable cells into exactly this many pieces
    double progress = 2.0;
    bool quiet = false;
};

// Plans `recipe`, whose answers for every gid it asks (incoming() included: the recipe must answer
// for all cells), for a network with this fingerprint (what `engine --plan` checks); `name` is
// what the summary and the report call it. Cells are grouped into cost configurations by what the
// recipe says of them (balance/cell_configuration.hpp), measured on sample cells the recipe
// describes, given the rates its spike sources have. Throws input_error (bad option or file) or
// metis_error; writes opt.output.
void make_plan(const Recipe& recipe, std::uint64_t fingerprint, const std::string& name, const PlannerOptions& opt);

// Plans the file opt.model as the engine reads it: a JSON model (checked and sized against this
// node's memory, io::check_model) or a SONATA circuit (io::NetworkInput, every cell's edges read).
void make_plan(const PlannerOptions& opt);

}  // namespace parnet::balance
