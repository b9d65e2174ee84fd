#pragma once
// Small models and graphs for the planner's tests.
#include "balance/incoming_graph.hpp"
#include "balance/traffic_graph.hpp"
#include "engine/model.hpp"
#include "io/model_reader.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace parnet::balance::testing {

inline Model model_from(const std::string& text) { return io::parse_model(nlohmann::json::parse(text), "test.json"); }

// A cable cell: a soma with hh and one passive dendrite of `dendrite_compartments` compartments.
inline std::string cable_cell_json(int dendrite_compartments) {
    return R"({"sections": [
        {"name": "soma", "length": 20, "diam": 20, "mechanisms": {"hh": {}}},
        {"name": "dend", "parent": "soma", "length": 200, "diam": 1, "ncomp": )" +
           std::to_string(dendrite_compartments) + R"(, "mechanisms": {"pas": {"e": -65}}}],
      "synapses": [{"name": "syn", "type": "expsyn", "section": "dend", "x": 0.5, "tau": 2}]})";
}

// `clusters` groups of `size` lif cells, each cell with `indegree` inputs from its own group only.
inline Model clustered_model(int clusters, int size, int indegree) {
    std::string pops, projs;
    for (int c = 0; c < clusters; ++c) {
        std::string name = "c";  // (not "c" + ...: GCC 12 warns falsely about it)
        name += std::to_string(c);
        pops += std::string(c ? "," : "") + R"({"name": ")" + name + R"(", "count": )" + std::to_string(size) +
                R"(, "kind": "lif"})";
        projs += std::string(c ? "," : "") + R"({"source": ")" + name + R"(", "target": ")" + name +
                 R"(", "rule": {"type": "fixed_indegree", "indegree": )" + std::to_string(indegree) +
                 R"(}, "weight": 0.01, "delay": 1})";
    }
    return model_from(R"({"run": {"tstop": 100, "dt": 0.1}, "populations": [)" + pops + R"(], "projections": [)" +
                      projs + "]}");
}

inline TrafficGraph traffic_from_edges(Gid cells, const std::vector<std::pair<Gid, Gid>>& edges, float rate = 1.0f) {
    const IncomingGraph incoming = incoming_graph_from_edges(cells, edges);
    const std::vector<float> rates(cells, rate);
    return build_traffic_graph(incoming, rates);
}

}  // namespace parnet::balance::testing
