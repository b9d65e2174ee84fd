#pragma once
// Malformed models: each a mutation of the small valid model and the message it must produce.
#include "model_fixture.hpp"

#include <functional>
#include <string>
#include <vector>

struct MalformedCase {
    std::string name;
    std::function<void(nlohmann::json&)> mutate;  // empty: the raw text below is used
    std::string expected;                         // must appear in the message
    std::string raw_text = {};                    // a file that is not even JSON
};

inline std::vector<MalformedCase> malformed_cases() {
    using J = nlohmann::json;
    return {
        {"bad_json", {}, "not valid JSON", R"({"run": {"tstop": 100,, }})"},
        {"unknown_kind", [](J& m) { m["populations"][1]["kind"] = "hodgkin"; },
         "populations[1].kind: expected one of spike_source, intfire, lif, cable, got \"hodgkin\""},
        {"unknown_parameter", [](J& m) { m["populations"][1]["params"]["tau_x"] = 3; },
         "populations[1].params.tau_x: expected a parameter of lif"},
        {"negative_count", [](J& m) { m["populations"][2]["count"] = -5; },
         "populations[2].count: expected a positive integer, got -5"},
        {"delay_below_dt", [](J& m) { m["projections"][2]["delay"] = 0.05; },
         "projections[2].delay: expected a delay >= dt (0.1 ms), got 0.05"},
        {"delay_zero", [](J& m) { m["projections"][2]["delay"] = 0; },
         "a zero delay cannot be simulated, got 0"},
        {"delay_normal_without_min", [](J& m) { m["projections"][1]["delay"] = J{{"dist", "normal"}, {"mean", 2}, {"std", 1}}; },
         "projections[1].delay: expected a distribution whose smallest value is >= dt"},
        {"unknown_source_population", [](J& m) { m["projections"][0]["source"] = "thalamus"; },
         "projections[0].source: expected the name of a population (ext, exc, inh), got \"thalamus\""},
        {"indegree_too_large", [](J& m) { m["projections"][0]["rule"]["indegree"] = 21; },
         "projections[0].rule.indegree: expected at most 20 distinct sources"},
        {"indegree_too_large_self", [](J& m) { m["projections"][1]["rule"] = J{{"type", "fixed_indegree"}, {"indegree", 40}}; },
         "at most 39 distinct sources"},
        {"tstop_zero", [](J& m) { m["run"]["tstop"] = 0; }, "run.tstop: expected a positive number, got 0"},
        {"tstop_missing", [](J& m) { m["run"].erase("tstop"); }, "run.tstop: missing; expected a positive number"},
        {"dt_negative", [](J& m) { m["run"]["dt"] = -0.1; }, "run.dt: expected a positive number, got -0.1"},
        {"probability_above_one", [](J& m) { m["projections"][1]["rule"]["probability"] = 1.5; },
         "projections[1].rule.probability: expected a number in [0, 1], got 1.5"},
        {"unknown_top_level", [](J& m) { m["neurons"] = 1; }, "neurons: unknown field; expected one of"},
        {"duplicate_population", [](J& m) { m["populations"][2]["name"] = "exc"; },
         "populations[2].name: expected a population name not used before"},
        {"target_spike_source", [](J& m) { m["projections"][2]["target"] = "ext"; },
         "projections[2].target: expected a population that takes input"},
        {"poisson_without_rate", [](J& m) { m["populations"][0]["params"].erase("rate"); },
         "populations[0].params.rate: missing; expected a firing rate in Hz"},
        {"bad_distribution", [](J& m) { m["projections"][0]["weight"] = J{{"dist", "cauchy"}}; },
         "projections[0].weight.dist: expected one of uniform, normal, lognormal, got \"cauchy\""},
        {"uniform_high_below_low", [](J& m) { m["populations"][1]["params"]["tau_m"] = J{{"dist", "uniform"}, {"low", 5}, {"high", 2}}; },
         "populations[1].params.tau_m.high: expected a number greater than low, got 2"},
        {"lif_synapse_name", [](J& m) { m["projections"][0]["synapse"] = "ampa"; },
         "projections[0].synapse: expected one of exc, inh, got \"ampa\""},
        {"clamp_on_intfire", [](J& m) { m["stimuli"][0]["population"] = "inh"; },
         "stimuli[0].population: expected a lif or cable population"},
        {"clamp_cell_out_of_range", [](J& m) { m["stimuli"][0]["cells"] = J::array({0, 40}); },
         "stimuli[0].cells[1]: expected a cell index in [0, 40) of population exc, got 40"},
        {"populations_empty", [](J& m) { m["populations"] = J::array(); }, "populations: expected a non-empty array"},
        {"reset_above_threshold", [](J& m) { m["populations"][1]["params"]["v_reset"] = -40; },
         "populations[1].params.v_reset: expected a reset potential below v_thresh"},
        {"explicit_pair_out_of_range", [](J& m) { m["projections"][1]["rule"] = J{{"type", "explicit"}, {"pairs", J::array({J::array({0, 1}), J::array({3, 40})})}}; },
         "projections[1].rule.pairs[1]: expected a pair [source index < 40, target index < 40], got [3,40]"},
        {"trace_interval_not_whole_steps", [](J& m) { m["recordings"]["traces"] = J::array({J{{"population", "exc"}, {"interval", 0.25}}}); },
         "recordings.traces[0].interval: expected a sampling interval that is a whole number of steps dt (0.1 ms), got 0.25"},
        {"trace_variable_of_other_kind", [](J& m) { m["recordings"]["traces"] = J::array({J{{"population", "inh"}, {"variable", "v"}}}); },
         "recordings.traces[0].variable: expected one of m, got \"v\""},
        {"one_to_one_sizes", [](J& m) { m["projections"][0]["rule"] = J{{"type", "one_to_one"}}; },
         "expected one_to_one between populations of equal size (20 and 40 cells)"},
    };
}
