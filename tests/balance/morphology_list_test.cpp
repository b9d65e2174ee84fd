// A cable population that picks its morphology from a list: cell i takes morphologies[i % n];
// each morphology is its own cell description (sharing it between cells) and its own planner
// configuration (key, cell count, cost per gid).
#include "balance/cell_configuration.hpp"
#include "balance/cell_costs.hpp"
#include "balance/incoming_graph.hpp"
#include "balance/static_costs.hpp"
#include "engine/cable/cable_cell.hpp"
#include "engine/cable/cable_group.hpp"
#include "engine/cell_group.hpp"
#include "engine/errors.hpp"
#include "engine/network.hpp"
#include "io/model_reader.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace parnet {
namespace {

nlohmann::json model_json(const std::string& cell_extra = "") {
    return nlohmann::json::parse(R"({"run": {"tstop": 10},
      "cell_templates": {"pyr": {"morphology": "morphologies/small_pyramid.swc", "Ra": 100,
        "nseg": {"per_length": 40}, )" + cell_extra + R"(
        "biophysics": [{"region": "soma", "mechanisms": {"hh": {}}},
                       {"region": "apic", "mechanisms": {"pas": {"g": {"distance": "linear", "a": 1e-5, "b": 1e-7}}}}],
        "synapses": [{"name": "s", "type": "expsyn", "section": "apic[10]"}]}},
      "populations": [{"name": "src", "count": 5, "kind": "spike_source", "model": "regular"},
        {"name": "pyr", "count": 5, "kind": "cable", "cell": "pyr",
         "morphologies": ["morphologies/small_pyramid.swc", "morphologies/small_pyramid_long.swc"]}],
      "projections": [{"source": "src", "target": "pyr", "rule": {"type": "one_to_one"}, "weight": 0.01,
                       "delay": 1, "synapse": "s"}]})");
}

// Relative paths resolve against examples/ (as for a model file there).
const std::string model_file = std::string(PARNET_SOURCE_DIR) + "/examples/model.json";

TEST(MorphologyList, CellsTakeMorphologiesInTurnAndShareTheirDescriptions) {
    const Model model = io::parse_model(model_json(), model_file);
    const Population& pyr = model.populations[1];
    ASSERT_EQ(pyr.variant_count(), 2u);
    const auto short_cell = pyr.cable_variant(0), long_cell = pyr.cable_variant(1);
    EXPECT_EQ(pyr.cable, short_cell);
    EXPECT_GT(long_cell->compartment_count(), short_cell->compartment_count());   // longer sections, more segments
    for (Gid i = 0; i < 5; ++i) EXPECT_EQ(pyr.cable_of(pyr.first + i), i % 2 == 0 ? short_cell : long_cell);
    EXPECT_EQ(pyr.variant_cells(0), 3u);
    EXPECT_EQ(pyr.variant_cells(1), 2u);

    const Network network(model);
    std::vector<Gid> gids;
    for (Gid i = 0; i < 5; ++i) gids.push_back(pyr.first + i);
    const auto group = make_cell_group(network, gids);
    const auto* cable = dynamic_cast<const CableGroup*>(group.get());
    ASSERT_NE(cable, nullptr);
    EXPECT_EQ(cable->compartment_count(), 3 * short_cell->compartment_count() + 2 * long_cell->compartment_count());

    const balance::ConfigurationIndex index = balance::classify_cells(network);
    ASSERT_EQ(index.configurations.size(), 3u);   // sources, and one per morphology
    const auto& a = index.configurations[index.of_cell(pyr.first)];
    const auto& b = index.configurations[index.of_cell(pyr.first + 1)];
    EXPECT_NE(a.key, b.key);
    EXPECT_EQ(a.cells, 3u);
    EXPECT_EQ(b.cells, 2u);
    EXPECT_EQ(a.compartments, short_cell->compartment_count());
    EXPECT_EQ(b.compartments, long_cell->compartment_count());
    EXPECT_NE(a.key.find("c=" + std::to_string(short_cell->compartment_count())), std::string::npos);

    std::vector<balance::ConfigurationCost> costs;
    for (const auto& c : index.configurations)
        costs.push_back(balance::static_cost(network, c.example));
    const auto incoming = balance::incoming_graph_from_edges(10, std::vector<std::pair<Gid, Gid>>{});
    const std::vector<float> rates(10, 0.0f);
    const auto cost = balance::predict_cell_costs(index, costs, incoming, rates);
    EXPECT_EQ(cost[pyr.first], cost[pyr.first + 2]);
    EXPECT_LT(cost[pyr.first], cost[pyr.first + 1]);   // the longer morphology costs more
}

TEST(MorphologyList, ErrorsNameThePopulationAndTheFile) {
    auto expect_error = [](const nlohmann::json& doc, const std::string& expected) {
        try {
            io::parse_model(doc, model_file);
            ADD_FAILURE() << "no error, expected " << expected;
        } catch (const input_error& e) {
            EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
        }
    };
    nlohmann::json doc = model_json();
    doc["populations"][1]["morphologies"][1] = "morphologies/missing.swc";
    expect_error(doc, "(with populations[1].morphologies[1] = \"morphologies/missing.swc\")");
    doc = model_json();
    doc["populations"][1]["morphologies"] = nlohmann::json::array();
    expect_error(doc, "model.json: populations[1].morphologies: expected a non-empty list of morphology files");
    doc = model_json();
    doc["cell_templates"]["pyr"].erase("morphology");
    doc["cell_templates"]["pyr"]["sections"] = nlohmann::json::parse(R"([{"name": "apic[10]", "length": 10, "diam": 1}])");
    expect_error(doc, "model.json: populations[1].morphologies: expected a cell with a \"morphology\"");
}

}  // namespace
}  // namespace parnet
