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
         "populations[1].kind: expected one of spike_source, intfire, lif, cable, artificial, got \"hodgkin\""},
        {"artificial_without_catalogue",
         [](J& m) {
             m["populations"][1] = J{{"name", "exc"}, {"count", 80}, {"kind", "artificial"}, {"mechanism", "IntervalFire"}};
         },
         "populations[1].mechanism: expected the name of an ARTIFICIAL_CELL of the model's catalogues (none), got "
         "\"IntervalFire\""},
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
        {"trace_dtype_unknown", [](J& m) { m["recordings"]["traces"] = J::array({J{{"population", "exc"}, {"dtype", "float16"}}}); },
         "recordings.traces[0].dtype: expected one of float32, float64, got \"float16\""},
        {"one_to_one_sizes", [](J& m) { m["projections"][0]["rule"] = J{{"type", "one_to_one"}}; },
         "expected one_to_one between populations of equal size (20 and 40 cells)"},
    };
}

// Hostile inputs of issue 16: magnitudes that passed validation and failed later (or never
// ended), sizes that grew until std::bad_alloc, output names that overwrote other outputs, JSON
// that crashed the reader, and fields of the wrong type or shape. Each names its file and field.
inline std::vector<MalformedCase> hostile_cases() {
    using J = nlohmann::json;
    auto trace = [](J fields) {
        return [fields](J& m) { m["recordings"]["traces"] = J::array({fields}); };
    };
    const std::string deep = "{\"description\": " + std::string(80000, '[') + std::string(80000, ']') + "}";
    return {
        // output names
        {"trace_named_spikes", trace({{"population", "exc"}, {"name", "spikes"}}),
         "recordings.traces[0].name: expected a trace name other than \"spikes\" (spikes.h5 is the spike file"},
        {"trace_named_spikes_other_case", trace({{"population", "exc"}, {"name", "SPIKES"}}), "other than \"spikes\""},
        {"trace_names_differ_in_case",
         [](J& m) { m["recordings"]["traces"] = J::array({J{{"population", "exc"}, {"name", "v"}}, J{{"population", "exc"}, {"name", "V"}}}); },
         "recordings.traces[1].name: expected a trace name not used before, ignoring case (it names the file v.h5)"},
        {"trace_name_with_dot", trace({{"population", "exc"}, {"name", "a.b"}}),
         "recordings.traces[0].name: expected a name of letters, digits, '_' or '-'"},
        {"trace_name_parent_folder", trace({{"population", "exc"}, {"name", ".."}}), "recordings.traces[0].name: expected a name of letters"},
        {"population_name_with_slash", [](J& m) { m["populations"][1]["name"] = "a/b"; }, "populations[1].name: expected a name of letters"},
        {"output_empty", [](J& m) { m["run"]["output"] = ""; }, "run.output: expected a non-empty string"},
        // magnitudes
        {"tstop_1e19", [](J& m) { m["run"]["tstop"] = 1e19; }, "run.tstop: expected at most 1e12 steps of dt (0.1 ms), i.e. tstop <= 1e+11 ms, got 1e+19"},
        {"tstop_below_dt", [](J& m) { m["run"]["tstop"] = 1e-300; }, "run.dt: expected a step no longer than tstop"},
        {"dt_1e-300", [](J& m) { m["run"]["dt"] = 1e-300; }, "run.dt: expected a step dt >= 1e-6 ms, got 1e-300"},
        {"dt_above_tstop", [](J& m) { m["run"]["dt"] = 200; }, "run.dt: expected a step no longer than tstop, got 200"},
        {"delay_1e300", [](J& m) { m["projections"][2]["delay"] = 1e300; },
         "projections[2].delay: expected a delay of at most 1e12 steps of dt (1e+11 ms), got 1e+300"},
        {"delay_uniform_high_1e300", [](J& m) { m["projections"][0]["delay"] = J{{"dist", "uniform"}, {"low", 1}, {"high", 1e300}}; },
         "projections[0].delay: expected a delay of at most 1e12 steps of dt (1e+11 ms): give \"max\""},
        {"delay_normal_mean_1e300", [](J& m) { m["projections"][1]["delay"] = J{{"dist", "normal"}, {"mean", 1e300}, {"std", 1}, {"min", 1}}; },
         "projections[1].delay: expected a delay of at most 1e12 steps"},
        {"trace_interval_1e300", trace({{"population", "exc"}, {"interval", 1e300}}),
         "recordings.traces[0].interval: expected a sampling interval no longer than tstop (100 ms), got 1e+300"},
        {"stimulus_delay_1e300", [](J& m) { m["stimuli"][0]["delay"] = 1e300; }, "stimuli[0].delay: expected a time of at most 1e12 steps of dt"},
        {"stimulus_duration_1e300", [](J& m) { m["stimuli"][0]["duration"] = 1e300; }, "stimuli[0].duration: expected a time of at most 1e12 steps"},
        {"replay_time_1e300", [](J& m) { m["populations"][0] = J{{"name", "ext"}, {"count", 20}, {"kind", "spike_source"}, {"model", "replay"}, {"times", J::array({1.0, 1e300})}}; },
         "populations[0].times[1]: expected a spike time >= 0 ms of at most 1e12 steps of dt, got 1e+300"},
        {"indegree_above_4e9", [](J& m) { m["projections"][0]["rule"] = J{{"type", "fixed_indegree"}, {"indegree", 5000000000ll}, {"allow_multapses", true}}; },
         "projections[0].rule.indegree: expected a positive integer, got 5000000000"},
        // sizes: refused up front with the field and the estimate
        {"indegree_1e9_multapses", [](J& m) { m["projections"][0]["rule"] = J{{"type", "fixed_indegree"}, {"indegree", 1000000000}, {"allow_multapses", true}}; },
         "projections[0].rule.indegree: 4e+10 connections need about 1.6 TB"},
        {"all_to_all_2e5_cells",
         [](J& m) {
             m["populations"][1]["count"] = 200000;
             m["populations"][2]["count"] = 200000;
             m["projections"][2]["rule"] = J{{"type", "pairwise"}, {"probability", 1.0}};
             m["stimuli"] = J::array();
         },
         "projections[2].rule.probability: 4e+10 connections need about 1.6 TB"},
        {"cells_1e9", [](J& m) { m["populations"][0]["count"] = 1000000000; }, "populations[0].count: 1e+09 cells need about 128 GB"},
        {"ncomp_1e9",
         [](J& m) {
             m["populations"][2] = J{{"name", "inh"}, {"count", 10}, {"kind", "cable"},
                                     {"cell", {{"sections", J::array({J{{"name", "soma"}, {"length", 20}, {"diam", 20}, {"ncomp", 1000000000}}})}}}};
             m["projections"].erase(2);
             m["projections"].erase(2);
         },
         "populations[2].cell: 1e+10 compartments (10 cells x 1e+09) need about 2.56 TB"},
        {"poisson_rate_1e12", [](J& m) { m["populations"][0]["params"]["rate"] = 1e12; },
         "populations[0].params.rate: 2e+12 spikes over tstop need about 32 TB"},
        {"regular_interval_tiny", [](J& m) { m["populations"][0] = J{{"name", "ext"}, {"count", 20000}, {"kind", "spike_source"}, {"model", "regular"}, {"params", {{"interval", 1e-9}}}}; },
         "populations[0].params.interval: 2e+15 spikes over tstop need about"},
        // JSON the reader cannot take
        {"number_1e309", {}, "not valid JSON for a model: a number does not fit a double", R"({"run": {"tstop": 1e309}})"},
        {"deep_nesting", {}, "not a model: nested deeper than 64 levels of brackets", deep},
        {"empty_file", {}, "not valid JSON", ""},
        {"truncated", {}, "not valid JSON", R"({"run": {"tstop": 100)"},
        {"ill_formed_utf8", {}, "not valid JSON", "{\"name\": \"\xff\xfe\"}"},
        {"top_level_array", {}, "(top level): expected an object, got [1,2]", "[1,2]"},
        {"nan_literal", {}, "not valid JSON", R"({"run": {"tstop": NaN}})"},
        // wrong types and shapes
        {"tstop_string", [](J& m) { m["run"]["tstop"] = "100"; }, "run.tstop: expected a positive number, got \"100\""},
        {"count_fraction", [](J& m) { m["populations"][1]["count"] = 40.5; }, "populations[1].count: expected a positive integer, got 40.5"},
        {"count_1e20", [](J& m) { m["populations"][1]["count"] = 1e20; }, "populations[1].count: expected a positive integer"},
        {"indegree_bool", [](J& m) { m["projections"][0]["rule"]["indegree"] = true; }, "projections[0].rule.indegree: expected a positive integer, got true"},
        {"weight_string", [](J& m) { m["projections"][0]["weight"] = "0.1"; }, "projections[0].weight: expected a number or a distribution object"},
        {"delay_array", [](J& m) { m["projections"][0]["delay"] = J::array({1, 2}); }, "projections[0].delay: expected a number or a distribution object"},
        {"runid_negative", [](J& m) { m["run"]["runid"] = -1; }, "run.runid: expected an integer >= 0, got -1"},
        {"runid_1e10", [](J& m) { m["run"]["runid"] = 10000000000ll; }, "run.runid: expected an integer >= 0"},
        {"probability_negative", [](J& m) { m["projections"][1]["rule"]["probability"] = -0.5; }, "projections[1].rule.probability: expected a number in [0, 1], got -0.5"},
        {"spikes_unknown_population", [](J& m) { m["recordings"]["spikes"] = J::array({"thalamus"}); }, "recordings.spikes[0]: expected the name of a population, got \"thalamus\""},
        {"spikes_number", [](J& m) { m["recordings"]["spikes"] = 5; }, "recordings.spikes: expected \"all\" or an array of population names"},
        {"trace_cell_negative", trace({{"population", "exc"}, {"cells", J::array({-1})}}), "recordings.traces[0].cells[0]: expected a cell index in [0, 40) of population exc, got -1"},
        {"trace_cells_empty", trace({{"population", "exc"}, {"cells", J::array()}}), "recordings.traces[0].cells: expected \"all\" or a non-empty array"},
        {"amplitude_string", [](J& m) { m["stimuli"][0]["amplitude"] = "big"; }, "stimuli[0].amplitude: expected a number, got \"big\""},
        {"stimuli_object", [](J& m) { m["stimuli"] = J::object(); }, "stimuli: expected an array"},
        {"projections_object", [](J& m) { m["projections"] = J{{"a", 1}}; }, "projections: expected an array"},
        {"population_number", [](J& m) { m["populations"][1] = 7; }, "populations[1]: expected an object, got 7"},
        {"lognormal_mean_zero", [](J& m) { m["projections"][0]["weight"] = J{{"dist", "lognormal"}, {"mean", 0}, {"std", 1}}; },
         "projections[0].weight.mean: expected a positive number, got 0"},
        {"regular_interval_zero", [](J& m) { m["populations"][0] = J{{"name", "ext"}, {"count", 20}, {"kind", "spike_source"}, {"model", "regular"}, {"params", {{"interval", 0}}}}; },
         "populations[0].params.interval: expected a positive value"},
        {"pair_fractional_index", [](J& m) { m["projections"][1]["rule"] = J{{"type", "explicit"}, {"pairs", J::array({J::array({0.5, 1})})}}; },
         "projections[1].rule.pairs[0]: expected a pair [source index < 40, target index < 40], got [0.5,1]"},
        {"pair_huge_index", [](J& m) { m["projections"][1]["rule"] = J{{"type", "explicit"}, {"pairs", J::array({J::array({0, 1e20})})}}; },
         "projections[1].rule.pairs[0]: expected a pair"},
        {"pair_three_elements", [](J& m) { m["projections"][1]["rule"] = J{{"type", "explicit"}, {"pairs", J::array({J::array({0, 1, 2})})}}; },
         "projections[1].rule.pairs[0]: expected a pair"},
        {"run_array", [](J& m) { m["run"] = J::array({1}); }, "run: expected an object, got [1]"},
        {"params_string", [](J& m) { m["populations"][1]["params"] = "fast"; }, "populations[1].params: expected an object"},
    };
}

