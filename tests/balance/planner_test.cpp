// The planner end to end on small models: method quality, coverage of gids, cost model pieces.
#include "balance/calibration.hpp"
#include "balance/cell_configuration.hpp"
#include "balance/cell_costs.hpp"
#include "balance/firing_rates.hpp"
#include "balance/partition_quality.hpp"
#include "balance/rank_assignment.hpp"
#include "balance/static_costs.hpp"
#include "balance_test_support.hpp"
#include "engine/decomposition.hpp"
#include "engine/errors.hpp"
#include "engine/network.hpp"
#include "io/plan_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>

using namespace parnet;
using namespace parnet::balance;
using namespace parnet::balance::testing;

namespace {

std::filesystem::path scratch(const std::string& name) {
    const auto dir = std::filesystem::path(PARNET_BINARY_DIR) / "tests" / "scratch" / "balance";
    std::filesystem::create_directories(dir);
    return dir / name;
}

struct Planned {
    IncomingGraph incoming;
    std::vector<float> rates;
    std::vector<double> cost;
};

Planned prepare(const Network& network, const std::vector<ConfigurationCost>& costs) {
    Planned p;
    ProgressLine quiet(0.0);
    p.incoming = build_incoming_graph(network, quiet);
    p.rates = expected_rates(network, RateAssumptions{});
    p.cost = predict_cell_costs(classify_cells(network), costs, p.incoming, p.rates);
    return p;
}

std::vector<ConfigurationCost> static_costs_of(const Model& model) {
    const Network network(model);
    const auto index = classify_cells(network);
    std::vector<ConfigurationCost> costs;
    for (const auto& c : index.configurations) costs.push_back(static_cost(network, c.example));
    return costs;
}

const char* hybrid_text = R"({
  "run": {"tstop": 100, "dt": 0.025},
  "cell_templates": {"big": BIG, "small": SMALL},
  "populations": [
    {"name": "ext", "count": 40, "kind": "spike_source", "model": "poisson", "params": {"rate": 20}},
    {"name": "gate", "count": 30, "kind": "intfire"},
    {"name": "exc", "count": 60, "kind": "lif"},
    {"name": "big", "count": 6, "kind": "cable", "cell": "big"},
    {"name": "small", "count": 12, "kind": "cable", "cell": "small"}
  ],
  "projections": [
    {"source": "ext", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 10}, "weight": 0.1, "delay": 1},
    {"source": "exc", "target": "gate", "rule": {"type": "fixed_indegree", "indegree": 5}, "weight": 0.3, "delay": 2},
    {"source": "gate", "target": "big", "rule": {"type": "fixed_indegree", "indegree": 8}, "weight": 0.001, "delay": 1, "synapse": "syn"},
    {"source": "ext", "target": "small", "rule": {"type": "fixed_indegree", "indegree": 4}, "weight": 0.001, "delay": 1, "synapse": "syn"}
  ]})";

Model hybrid_model() {
    std::string text = hybrid_text;
    text.replace(text.find("BIG"), 3, cable_cell_json(199));
    text.replace(text.find("SMALL"), 5, cable_cell_json(19));
    return model_from(text);
}

}  // namespace

// Edge weights keep connected cells together: on a model of 8 disjoint clusters, METIS places each
// cluster on one rank and its ranks listen to (almost) no remote sources, where LPT (cost only)
// scatters every cluster.
TEST(Planner, MetisHasFewerRemoteSourcesThanLptOnClusters) {
    const Model model = clustered_model(8, 50, 10);
    const Network network(model);
    const Planned p = prepare(network, static_costs_of(model));
    const TrafficGraph graph = build_traffic_graph(p.incoming, p.rates);
    auto quality = [&](PlanMethod m) {
        const VertexBlocks blocks = single_cells(network.size());
        const RankAssignment a = assign_ranks(m, &graph, &blocks, p.cost, 4);
        return evaluate_partition(p.incoming, p.rates, p.cost, a.rank_of_gid, std::vector<std::uint16_t>(p.cost.size(), 0), 4, 1);
    };
    const PartitionQuality metis = quality(PlanMethod::metis);
    const PartitionQuality lpt = quality(PlanMethod::lpt);
    EXPECT_LT(metis.mean_remote_sources(), 0.1 * lpt.mean_remote_sources());
    EXPECT_LT(metis.cut_fraction, 0.1 * lpt.cut_fraction);
    EXPECT_GT(lpt.mean_remote_sources(), 100.0);  // 300 remote cells, most of them sources of some local cell
    EXPECT_LE(metis.imbalance, 1.03);
}

// Every gid is placed on exactly one rank and thread, and the plan file and the engine's
// decomposition agree on it.
TEST(Planner, PlanCoversEveryGidExactlyOnce) {
    const Model model = hybrid_model();
    const Network network(model);
    const Planned p = prepare(network, static_costs_of(model));
    const TrafficGraph graph = build_traffic_graph(p.incoming, p.rates);
    for (PlanMethod method : {PlanMethod::metis, PlanMethod::lpt, PlanMethod::round_robin}) {
        const std::uint32_t ranks = 3, threads = 2;
        const VertexBlocks blocks = single_cells(network.size());
        const RankAssignment a = assign_ranks(method, &graph, &blocks, p.cost, ranks);
        io::Plan plan;
        plan.model_fingerprint = model.fingerprint;
        plan.ranks = ranks;
        plan.threads = threads;
        plan.method = method_name(method);
        plan.rank_of_gid = a.rank_of_gid;
        plan.thread_of_gid = assign_threads(p.cost, a.rank_of_gid, ranks, threads);
        plan.predicted_load = evaluate_partition(p.incoming, p.rates, p.cost, plan.rank_of_gid, plan.thread_of_gid, ranks, threads).load;
        const auto file = scratch(std::string("cover-") + method_name(method) + ".h5");
        io::write_plan(file, plan);
        const io::Plan back = io::read_plan(file);
        io::check_plan(back, file, model.fingerprint, network.size(), ranks);
        std::vector<int> seen(network.size(), 0);
        for (std::uint32_t r = 0; r < ranks; ++r) {
            const Decomposition d = planned_decomposition(network, static_cast<int>(r), static_cast<int>(threads),
                                                          back.rank_of_gid, back.thread_of_gid, static_cast<int>(back.threads));
            ASSERT_EQ(d.thread_gids.size(), threads);
            for (std::uint32_t t = 0; t < threads; ++t)
                for (Gid g : d.thread_gids[t]) {
                    ++seen[g];
                    EXPECT_EQ(back.thread_of_gid[g], t);
                }
            EXPECT_GT(d.cell_count(), 0u) << method_name(method) << " left rank " << r << " empty";
        }
        for (Gid g = 0; g < network.size(); ++g) EXPECT_EQ(seen[g], 1) << method_name(method) << " gid " << g;
    }
}

// Static costs order cells by what they integrate.
TEST(Planner, StaticCostsOrderCellKinds) {
    const Model model = hybrid_model();
    const Network network(model);
    auto cost_of = [&](const char* population) {
        for (const auto& pop : model.populations)
            if (pop.name == population) return 1000.0 * static_cost(network, pop.first).seconds_per_cell_ms;
        return -1.0;
    };
    EXPECT_GT(cost_of("big"), 3.0 * cost_of("small"));  // 200 vs 20 compartments
    EXPECT_GT(cost_of("small"), cost_of("exc"));
    EXPECT_GT(cost_of("exc"), cost_of("ext"));
    EXPECT_GT(cost_of("exc"), cost_of("gate"));
    EXPECT_GT(cost_of("ext"), 0.0);
}

// Configurations group populations by what they cost, not by name.
TEST(Planner, ConfigurationsAreKeyedByWhatCosts) {
    std::string text = hybrid_text;
    text.replace(text.find("BIG"), 3, cable_cell_json(199));
    text.replace(text.find("SMALL"), 5, cable_cell_json(199));  // same cell under another name
    const Model model = model_from(text);
    const ConfigurationIndex index = classify_cells(Network(model));
    ASSERT_EQ(index.configurations.size(), 4u);  // ext, gate, exc, one cable
    const CellConfiguration& cable = index.configurations.back();
    EXPECT_EQ(cable.cells, 18u);
    EXPECT_EQ(cable.compartments, 200u);
    EXPECT_EQ(cable.synapses, 1u);
    EXPECT_EQ(cable.key, "cable c=200 ExpSyn=1 hh=1 pas=199 dt=0.025");
}

TEST(Planner, CalibrationRoundTrip) {
    Calibration c;
    c.host = "node-17";
    c.created = "2024-01-01T00:00:00Z";
    c.seconds_per_queued_event = 3.25e-8;
    c.costs["lif dt=0.025"] = ConfigurationCost{1.5e-7, 2.5e-8, 64, "measured"};
    c.costs["cable c=200 ExpSyn=1 hh=1 pas=199 dt=0.025"] = ConfigurationCost{2.0e-5, 6.0e-8, 8, "static"};
    const auto file = scratch("calibration.json");
    write_calibration(file, c);
    const Calibration back = read_calibration(file);
    EXPECT_EQ(back.host, c.host);
    EXPECT_EQ(back.created, c.created);
    EXPECT_DOUBLE_EQ(back.seconds_per_queued_event, c.seconds_per_queued_event);
    ASSERT_EQ(back.costs.size(), 2u);
    for (const auto& [key, cost] : c.costs) {
        const ConfigurationCost* b = back.find(key);
        ASSERT_NE(b, nullptr) << key;
        EXPECT_DOUBLE_EQ(b->seconds_per_cell_ms, cost.seconds_per_cell_ms);
        EXPECT_DOUBLE_EQ(b->seconds_per_event, cost.seconds_per_event);
        EXPECT_EQ(b->sample_cells, cost.sample_cells);
        EXPECT_EQ(b->source, cost.source);
    }
    // A damaged file is refused with the field named.
    std::ofstream(scratch("bad-calibration.json")) << R"({"format": "parnet-calibration", "version": 1,
        "configurations": {"lif dt=0.025": {"seconds_per_cell_ms": -1}}})";
    try {
        read_calibration(scratch("bad-calibration.json"));
        FAIL() << "expected input_error";
    } catch (const input_error& e) {
        EXPECT_NE(std::string(e.what()).find("configurations.lif dt=0.025.seconds_per_cell_ms"), std::string::npos) << e.what();
    }
}

// Expected rates of spike sources follow from their parameters.
TEST(Planner, SpikeSourceRatesFromTheModel) {
    const Model model = model_from(R"({"run": {"tstop": 1000, "dt": 0.1}, "populations": [
        {"name": "p", "count": 2, "kind": "spike_source", "model": "poisson", "params": {"rate": 40, "start": 200, "stop": 700}},
        {"name": "r", "count": 1, "kind": "spike_source", "model": "regular", "params": {"interval": 100, "start": 50, "number": 30}},
        {"name": "x", "count": 2, "kind": "spike_source", "model": "replay", "times": [[1, 2, 3], [5, 1200]]},
        {"name": "l", "count": 1, "kind": "lif"}]})");
    const Network network(model);
    RateAssumptions assumptions;
    assumptions.assumed_rate_hz = 7.0;
    const auto rates = expected_rates(network, assumptions);
    EXPECT_NEAR(rates[0], 20.0, 1e-6);   // 40 Hz for half the run
    EXPECT_NEAR(rates[2], 10.0, 1e-6);   // 50, 150, ..., 950: 10 spikes in 1 s
    EXPECT_NEAR(rates[3], 3.0, 1e-6);
    EXPECT_NEAR(rates[4], 1.0, 1e-6);    // 1200 ms is after tstop
    EXPECT_NEAR(rates[5], 7.0, 1e-6);
    assumptions.population_rates["p"] = 2.5;
    EXPECT_NEAR(expected_rates(network, assumptions)[1], 2.5, 1e-6);
}

// Costs add the expected input: a cell with more or busier inputs costs more.
TEST(Planner, CostGrowsWithExpectedEvents) {
    const Model model = hybrid_model();
    const Network network(model);
    auto costs = static_costs_of(model);
    const Planned p = prepare(network, costs);
    const Population& exc = model.populations[2];
    // Every exc cell has 10 inputs from 20 Hz sources: 200 events/s at the lif event cost.
    const auto index = classify_cells(network);
    const ConfigurationCost& lif = costs[index.of_cell(exc.first)];
    EXPECT_NEAR(p.cost[exc.first], 1000.0 * lif.seconds_per_cell_ms + 200.0 * lif.seconds_per_event, 1e-12);
    // The heavy-cell warning names cells above the fair share.
    const auto heavy = cells_above_fair_share(p.cost, 40);
    ASSERT_FALSE(heavy.empty());
    EXPECT_EQ(network.population_of(heavy.front().gid).name, "big");
    EXPECT_TRUE(cells_above_fair_share(p.cost, 1).empty());
}

// Blocks of consecutive cells never cross a population, and cover every gid once.
TEST(Planner, PopulationBlocksRespectPopulations) {
    const Model model = clustered_model(3, 10, 2);  // populations of 10 cells
    const VertexBlocks blocks = population_blocks(model, 4);
    ASSERT_EQ(blocks.first.front(), 0u);
    ASSERT_EQ(blocks.first.back(), 30u);
    EXPECT_EQ(blocks.count(), 9u);  // 10 cells in blocks of at most 4: three blocks per population
    EXPECT_LE(blocks.largest(), 4u);
    for (std::size_t v = 0; v < blocks.count(); ++v) {
        EXPECT_LT(blocks.first[v], blocks.first[v + 1]);
        EXPECT_EQ(model.population_index(blocks.first[v]), model.population_index(blocks.first[v + 1] - 1)) << "block " << v;
    }
}

// METIS on a coarsened graph (blocks of 8 cells) still keeps clusters together, and the final
// cell-by-cell pass brings the balance within the tolerance.
TEST(Planner, CoarsenedGraphKeepsClustersTogether) {
    const Model model = clustered_model(6, 64, 10);
    const Network network(model);
    Planned p = prepare(network, static_costs_of(model));
    for (Gid g = 0; g < network.size(); g += 7) p.cost[g] *= 5.0;  // uneven costs inside blocks
    const VertexBlocks blocks = population_blocks(model, 8);
    const TrafficGraph graph = build_traffic_graph(p.incoming, p.rates, blocks);
    EXPECT_EQ(graph.vertex_count(), 48u);
    const RankAssignment metis = assign_ranks(PlanMethod::metis, &graph, &blocks, p.cost, 3);
    const RankAssignment lpt = assign_ranks(PlanMethod::lpt, nullptr, nullptr, p.cost, 3);
    const std::vector<std::uint16_t> one_thread(p.cost.size(), 0);
    const auto qm = evaluate_partition(p.incoming, p.rates, p.cost, metis.rank_of_gid, one_thread, 3, 1);
    const auto ql = evaluate_partition(p.incoming, p.rates, p.cost, lpt.rank_of_gid, one_thread, 3, 1);
    EXPECT_LE(qm.imbalance, 1.02 + 1e-9);
    EXPECT_LT(qm.mean_remote_sources(), 0.5 * ql.mean_remote_sources());
}
