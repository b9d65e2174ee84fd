#include "recipe_plan.hpp"

#include "balance/firing_rates.hpp"
#include "balance/incoming_graph.hpp"
#include "balance/lpt.hpp"
#include "balance/rank_assignment.hpp"
#include "balance/traffic_graph.hpp"
#include "engine/cost_estimate.hpp"
#include "engine/errors.hpp"
#include "io/plan_file.hpp"

#include <algorithm>
#include <vector>

namespace parnet::python {

void write_recipe_plan(const Recipe& recipe, std::uint64_t fingerprint, const std::string& file, std::uint32_t ranks,
                       std::uint32_t threads, const std::string& method) {
    if (ranks < 1) throw input_error("ranks: expected a positive number of ranks");
    if (threads < 1 || threads > 65535) throw input_error("threads: expected 1..65535 threads per rank");
    const Gid cells = recipe.cell_count();
    if (method == "round-robin") {
        io::write_plan(file, io::round_robin_plan(fingerprint, cells, ranks, threads));
        return;
    }
    if (method != "lpt" && method != "metis")
        throw input_error("method: expected metis, lpt or round-robin, got \"" + method + "\"");
    std::vector<double> cost(cells);
    for (Gid g = 0; g < cells; ++g) cost[g] = estimated_cost(recipe, g);  // seconds per simulated ms
    if (method == "metis") {
        // The planner's graph partition (balance/planner.cpp) over the recipe's connections: the
        // recipe answers incoming() for every gid here. Costs in seconds per simulated second.
        balance::ProgressLine quiet(0.0);
        const balance::IncomingGraph incoming = balance::build_incoming_graph(recipe, quiet);
        const std::vector<float> rates = balance::expected_rates(recipe, balance::RateAssumptions{});
        for (double& c : cost) c *= 1000.0;
        double total = 0.0;
        for (double c : cost) total += c;
        const std::uint32_t block = static_cast<std::uint32_t>(
            std::max<std::uint64_t>(1, std::min<std::uint64_t>(cells / 50'000, cells / (32ull * ranks))));
        const balance::VertexBlocks blocks = balance::population_blocks(recipe.populations(), cells, block, cost,
                                                                        0.1 * total / ranks);
        balance::TrafficGraph graph;
        if (ranks > 1) graph = balance::build_traffic_graph(incoming, rates, blocks, balance::TrafficGraphLimits{});
        else graph.xadj.assign(blocks.count() + 1, 0);
        io::Plan plan;
        plan.model_fingerprint = fingerprint;
        plan.ranks = ranks;
        plan.threads = threads;
        plan.method = "metis (static costs)";
        plan.rank_of_gid = balance::assign_ranks(balance::PlanMethod::metis, &graph, &blocks, cost, ranks).rank_of_gid;
        plan.thread_of_gid = balance::assign_threads(cost, plan.rank_of_gid, ranks, threads);
        plan.predicted_load.assign(ranks, 0.0);
        for (Gid g = 0; g < cells; ++g) plan.predicted_load[plan.rank_of_gid[g]] += cost[g];
        io::write_plan(file, plan);
        return;
    }
    io::Plan plan;
    plan.model_fingerprint = fingerprint;
    plan.ranks = ranks;
    plan.threads = threads;
    plan.method = "lpt (static costs)";
    plan.rank_of_gid = balance::lpt_assign(cost, ranks);
    plan.thread_of_gid.assign(cells, 0);
    std::vector<std::vector<Gid>> of_rank(ranks);
    for (Gid g = 0; g < cells; ++g) of_rank[plan.rank_of_gid[g]].push_back(g);
    plan.predicted_load.assign(ranks, 0.0);
    for (std::uint32_t r = 0; r < ranks; ++r) {
        std::vector<double> mine;
        for (Gid g : of_rank[r]) mine.push_back(cost[g]);
        const std::vector<std::uint32_t> thread = balance::lpt_assign(mine, threads);
        const std::vector<double> loads = balance::bin_loads(mine, thread, threads);
        for (std::size_t i = 0; i < of_rank[r].size(); ++i)
            plan.thread_of_gid[of_rank[r][i]] = static_cast<std::uint16_t>(thread[i]);
        for (double l : loads) plan.predicted_load[r] = std::max(plan.predicted_load[r], l * 1000.0);
    }
    io::write_plan(file, plan);
}

}  // namespace parnet::python
