#include "model_reader.hpp"

#include "cable_cell_reader.hpp"
#include "engine/cable/cable_cell.hpp"
#include "connection_list_reader.hpp"
#include "json_fields.hpp"
#include "engine/step_count.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace parnet::io {

namespace {

std::string indexed(const std::string& array, std::size_t i) {
    return array + "[" + std::to_string(i) + "]";
}

std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

// The document as its meaning, for the fingerprint: every number as a double (1, 1.0 and 1e0 are
// one value), objects in key order (nlohmann keeps them sorted), no whitespace; without what does
// not change the network a plan is made for: the description, the model's name, where output
// goes and how long it runs (--tstop and -o change neither either).
json meaning_of(const json& doc, bool top = true) {
    if (doc.is_number()) return doc.get<double>();
    if (doc.is_array()) {
        json out = json::array();
        for (const auto& item : doc) out.push_back(meaning_of(item, false));
        return out;
    }
    if (!doc.is_object()) return doc;
    json out = json::object();
    for (const auto& [key, value] : doc.items()) {
        if (top && (key == "description" || key == "name")) continue;
        out[key] = meaning_of(value, false);
    }
    if (top && out.contains("run") && out["run"].is_object()) {
        out["run"].erase("output");
        out["run"].erase("tstop");
    }
    return out;
}

bool valid_name(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

// The most nested JSON a model may have: real models nest a few levels; a deeper document is
// refused while it is read, before anything recurses over it (80,000 brackets overflowed the stack).
constexpr int max_json_depth = 64;

// The smallest step: 1 ns. Below it times lose their digits and nothing physical happens.
constexpr double min_dt = 1e-6;

// Largest value a draw of `d` can plausibly take: the upper end, or 8 standard deviations above
// the mean of an unbounded normal/lognormal.
double plausible_max(const Distribution& d) {
    switch (d.kind) {
    case Distribution::Kind::constant: return std::min(d.a, d.max);
    case Distribution::Kind::uniform: return std::min(d.b, d.max);
    default: return std::min(d.a + 8 * d.b, d.max);
    }
}

class ModelParser {
public:
    ModelParser(const json& doc, const std::string& file, const RunOverrides& overrides)
        : doc_(doc), file_(file), overrides_(overrides) {}

    Model parse() {
        // The engine reads SONATA configs itself (io/network_input.hpp); other readers of parnet models say what they got.
        if (doc_.is_object() && !doc_.contains("populations") && (doc_.contains("networks") || doc_.contains("network")))
            throw input_error(file_ + ": a SONATA config (it has \"network" + std::string(doc_.contains("networks") ? "s" : "") +
                              "\"), not a parnet model: the engine runs it (docs/sonata-input.md); this program reads parnet models");
        JsonObject top(doc_, "", file_);
        top.allow_only({"name", "description", "run", "populations", "projections", "stimuli",
                        "recordings", "cell_templates", "catalogues"});
        model_.file = file_;
        for (const auto& path : overrides_.catalogues) catalogues_.add(MechanismCatalogue::load(path));
        if (top.has("catalogues")) parse_catalogues(top);
        model_.fingerprint = fnv1a(meaning_of(doc_).dump());
        parse_run(top.object("run"));
        if (top.has("cell_templates")) parse_templates(top.object("cell_templates"));
        const json& pops = top.array("populations");
        if (pops.empty()) top.fail("populations", "a non-empty array of populations");
        for (std::size_t i = 0; i < pops.size(); ++i)
            parse_population(JsonObject(pops[i], indexed("populations", i), file_));
        if (top.has("projections")) {
            const json& projs = top.array("projections");
            for (std::size_t i = 0; i < projs.size(); ++i)
                parse_projection(JsonObject(projs[i], indexed("projections", i), file_));
        }
        if (top.has("stimuli")) {
            const json& stims = top.array("stimuli");
            for (std::size_t i = 0; i < stims.size(); ++i)
                parse_stimulus(JsonObject(stims[i], indexed("stimuli", i), file_));
        }
        if (top.has("recordings"))
            parse_recordings(top.object("recordings"));
        else
            for (std::size_t p = 0; p < model_.populations.size(); ++p)
                model_.recordings.spike_populations.push_back(p);
        return std::move(model_);
    }

private:
    void parse_run(const JsonObject& run) {
        run.allow_only({"tstop", "dt", "runid", "output"});
        model_.run.dt = run.positive("dt", 0.025);
        if (model_.run.dt < min_dt) run.fail("dt", "a step dt >= 1e-6 ms");
        if (overrides_.tstop) {
            const double t = *overrides_.tstop;
            const std::string got = fmt(t);
            if (!(t > 0) || !std::isfinite(t)) throw input_error("--tstop: expected a positive number of ms, got " + got);
            if (t / model_.run.dt > max_steps)
                throw input_error("--tstop: expected at most 1e12 steps of dt (" + fmt(model_.run.dt) +
                                  " ms of " + file_ + "), i.e. tstop <= " + fmt(max_steps * model_.run.dt) +
                                  " ms, got " + got);
            if (model_.run.dt > t)
                throw input_error("--tstop: expected a time no shorter than dt (" + fmt(model_.run.dt) + " ms), got " + got);
            model_.run.tstop = t;
        } else {
            model_.run.tstop = run.positive("tstop");
            if (model_.run.tstop / model_.run.dt > max_steps)
                run.fail("tstop", "at most 1e12 steps of dt (" + fmt(model_.run.dt) + " ms), i.e. tstop <= " +
                                      fmt(max_steps * model_.run.dt) + " ms");
            if (model_.run.dt > model_.run.tstop) run.fail("dt", "a step no longer than tstop");
        }
        model_.run.runid = static_cast<std::uint32_t>(run.non_negative_integer("runid", 0));
        const auto stem = std::filesystem::path(file_).stem().string();
        model_.run.output = run.string("output", "out/" + (stem.empty() ? "run" : stem));
        if (overrides_.output) {
            if (overrides_.output->empty()) throw input_error("--output: expected the name of a folder, got an empty string");
            model_.run.output = *overrides_.output;
        }
    }

    // Times beyond max_steps steps overflow step counts: refuse them where they are written.
    double longest_time() const { return max_steps * model_.run.dt; }
    void check_time(const JsonObject& obj, std::string_view key, double value) const {
        if (value > longest_time())
            obj.fail(key, "a time of at most 1e12 steps of dt (" + fmt(longest_time()) + " ms)");
    }

    // Mechanism catalogues made by parnet-modcc (paths relative to the model file), searched
    // before the built-in one (docs/mechanisms.md).
    void parse_catalogues(const JsonObject& top) {
        const json& list = top.array("catalogues");
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (!list[i].is_string()) top.fail("catalogues", "an array of catalogue library paths (strings)");
            std::filesystem::path path = list[i].get<std::string>();
            if (path.is_relative()) path = std::filesystem::path(file_).parent_path() / path;
            try {
                catalogues_.add(MechanismCatalogue::load(path.string()));
            } catch (const input_error& e) {
                throw input_error(file_ + ": " + indexed("catalogues", i) + ": " + e.what());
            }
        }
    }

    void parse_templates(const JsonObject& templates) {
        for (const auto& [name, value] : templates.value().items()) {
            JsonObject cell(value, templates.field_path(name), file_);
            templates_[name] = read_cable_cell(cell, catalogues_);
            template_json_.emplace(name, std::make_pair(&value, templates.field_path(name)));
        }
    }

    std::size_t population_named(const JsonObject& obj, std::string_view key) const {
        const std::string name = obj.string(key);
        for (std::size_t i = 0; i < model_.populations.size(); ++i)
            if (model_.populations[i].name == name) return i;
        std::string known;
        for (const auto& p : model_.populations) known += (known.empty() ? "" : ", ") + p.name;
        obj.fail(key, "the name of a population (" + known + ")");
    }

    void parse_population(const JsonObject& obj) {
        obj.allow_only({"name", "count", "kind", "params", "model", "times", "cell", "morphologies", "mechanism"});
        Population pop;
        pop.name = obj.string("name");
        if (!valid_name(pop.name)) obj.fail("name", "a name of letters, digits, '_' or '-'");
        for (const auto& other : model_.populations)
            if (other.name == pop.name) obj.fail("name", "a population name not used before");
        const std::uint64_t count = obj.positive_integer("count");
        const std::uint64_t first = model_.cell_count();
        if (first + count > 2'000'000'000ull) obj.fail("count", "at most 2e9 cells in the whole model");
        pop.count = static_cast<Gid>(count);
        pop.first = static_cast<Gid>(first);
        const auto kind = obj.choice("kind", {"spike_source", "intfire", "lif", "cable", "artificial"});
        pop.kind = kind == "spike_source" ? CellKind::spike_source
                 : kind == "intfire"      ? CellKind::intfire
                 : kind == "lif"          ? CellKind::lif
                 : kind == "artificial"   ? CellKind::artificial
                                          : CellKind::cable;
        if (pop.kind != CellKind::spike_source && obj.has("model"))
            obj.fail("model", "no \"model\" field: it belongs to spike_source populations");
        if (pop.kind != CellKind::spike_source && obj.has("times"))
            obj.fail("times", "no \"times\" field: it belongs to replay spike sources");
        if (pop.kind != CellKind::cable && obj.has("cell"))
            obj.fail("cell", "no \"cell\" field: it belongs to cable populations");
        if (pop.kind != CellKind::artificial && obj.has("mechanism"))
            obj.fail("mechanism", "no \"mechanism\" field: it belongs to artificial populations");

        if (pop.kind == CellKind::spike_source) {
            const auto m = obj.choice("model", {"poisson", "regular", "replay"});
            pop.source_model = m == "poisson" ? SourceModel::poisson
                             : m == "regular" ? SourceModel::regular
                                              : SourceModel::replay;
            if (pop.source_model == SourceModel::replay) parse_replay(obj, pop);
            else if (obj.has("times")) obj.fail("times", "no \"times\" unless model is \"replay\"");
        }
        if (pop.kind == CellKind::cable) parse_cable(obj, pop);
        if (pop.kind == CellKind::artificial) parse_artificial(obj, pop);
        else parse_params(obj, pop);
        model_.populations.push_back(std::move(pop));
    }

    void parse_replay(const JsonObject& obj, Population& pop) {
        const json& times = obj.array("times");
        auto read_list = [&](const json& list, const std::string& path) {
            if (!list.is_array()) obj.fail_at(path, "an array of spike times (ms)", list);
            std::vector<double> out;
            for (std::size_t i = 0; i < list.size(); ++i) {
                if (!list[i].is_number() || !(list[i].get<double>() >= 0) || list[i].get<double>() > longest_time())
                    obj.fail_at(indexed(path, i), "a spike time >= 0 ms of at most 1e12 steps of dt", list[i]);
                out.push_back(list[i].get<double>());
                if (i > 0 && out[i] < out[i - 1])
                    obj.fail_at(indexed(path, i), "times in ascending order", list[i]);
            }
            return out;
        };
        const std::string path = obj.field_path("times");
        if (!times.empty() && times[0].is_array()) {
            if (times.size() != pop.count)
                obj.fail_at(path, "one list of times per cell (" + std::to_string(pop.count) + " lists)",
                            json(times.size()));
            for (std::size_t i = 0; i < times.size(); ++i) pop.replay_times.push_back(read_list(times[i], indexed(path, i)));
        } else {
            pop.replay_times.push_back(read_list(times, path));
        }
    }

    void parse_cable(const JsonObject& obj, Population& pop) {
        if (!obj.has("cell")) obj.fail("cell", "a cell object or the name of a cell template");
        const json& cell = obj.value().at("cell");
        const json* cell_json = &cell;
        std::string cell_path = obj.field_path("cell");
        if (cell.is_string()) {
            auto it = templates_.find(cell.get<std::string>());
            if (it == templates_.end()) obj.fail("cell", "the name of an entry of cell_templates");
            pop.cable = it->second;
            std::tie(cell_json, cell_path) = template_json_.at(cell.get<std::string>());
        } else {
            pop.cable = read_cable_cell(obj.object("cell"), catalogues_);
        }
        if (!obj.has("morphologies")) return;
        // One description per listed file: the cell with its "morphology" replaced; cell i of the
        // population takes morphologies[i % size] (docs/morphology.md).
        if (!cell_json->contains("morphology"))
            obj.fail("morphologies", "a cell with a \"morphology\" (each listed file replaces it)");
        const json& list = obj.array("morphologies");
        if (list.empty()) obj.fail("morphologies", "a non-empty list of morphology files");
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string path = indexed(obj.field_path("morphologies"), i);
            if (!list[i].is_string()) obj.fail_at(path, "a morphology file name", list[i]);
            json variant = *cell_json;
            variant["morphology"] = list[i];
            try {
                pop.cable_variants.push_back(read_cable_cell(JsonObject(variant, cell_path, file_), catalogues_));
            } catch (const input_error& e) {
                throw input_error(std::string(e.what()) + " (with " + path + " = " + list[i].dump() + ")");
            }
        }
        pop.cable = pop.cable_variants.front();
    }

    // An ARTIFICIAL_CELL of the catalogues; params: its RANGE PARAMETERs (numbers or
    // distributions, drawn per gid) and GLOBALs (numbers, one value for the population).
    void parse_artificial(const JsonObject& obj, Population& pop) {
        const std::string name = obj.string("mechanism");
        pop.artificial = catalogues_.find(name);
        if (!pop.artificial || !pop.artificial->artificial_cell())
            obj.fail("mechanism", "the name of an ARTIFICIAL_CELL of the model's catalogues (" +
                                      catalogues_.artificial_cell_names() + ")");
        const Mechanism& m = *pop.artificial;
        for (std::uint32_t i = 0; i < m.abi().parameter_count; ++i)
            pop.params[m.abi().fields[i].name] = Distribution::constant(m.abi().fields[i].default_value);
        if (!obj.has("params")) return;
        const JsonObject params = obj.object("params");
        for (const auto& [key, value] : params.value().items()) {
            if (m.parameter_index(key)) {
                pop.params[key] = params.distribution(key);
            } else if (m.global_index(key)) {
                pop.params[key] = Distribution::constant(params.number(key));
            } else {
                params.fail_at(params.field_path(key),
                               "a PARAMETER of " + name + ": " + m.parameter_names() +
                                   (m.abi().global_count ? "; or a GLOBAL: " + m.global_names() : ""),
                               json(key));
            }
        }
    }

    void parse_params(const JsonObject& obj, Population& pop) {
        const auto& defaults = default_parameters(pop.kind, pop.source_model);
        for (const auto& [name, value] : defaults) pop.params[name] = Distribution::constant(value);
        if (!obj.has("params")) {
            if (pop.kind == CellKind::spike_source && pop.source_model == SourceModel::poisson)
                obj.fail("params", "params with a \"rate\" (Hz) for a poisson source");
            return;
        }
        JsonObject params = obj.object("params");
        for (const auto& [name, value] : params.value().items()) {
            const bool is_r = pop.kind == CellKind::lif && name == "R_m";
            if (!defaults.count(name) && !is_r) {
                std::string list;
                for (const auto& [n, v] : defaults) list += (list.empty() ? "" : ", ") + n;
                if (pop.kind == CellKind::lif) list += ", R_m";
                if (list.empty()) list = "(none for this kind)";
                params.fail_at(params.field_path(name),
                               "a parameter of " + std::string(to_string(pop.kind)) + ": " + list,
                               json(name));
            }
            (void)value;
        }
        for (auto& [name, dist] : pop.params) {
            if (params.has(name)) dist = params.distribution(name);
        }
        check_param_ranges(params, pop);
    }

    void check_param_ranges(const JsonObject& params, Population& pop) {
        auto positive = [&](const char* name) {
            const auto& d = pop.params.at(name);
            if (!(d.lower_bound() > 0)) params.fail(name, "a positive value (or a distribution with min > 0)");
        };
        switch (pop.kind) {
        case CellKind::spike_source:
            if (pop.source_model == SourceModel::poisson) {
                if (!params.has("rate")) params.fail("rate", "a firing rate in Hz");
                if (!(pop.params.at("rate").lower_bound() >= 0)) params.fail("rate", "a rate >= 0 Hz");
            }
            if (pop.source_model == SourceModel::regular) {
                positive("interval");
                const auto& noise = pop.params.at("noise");
                if (noise.lower_bound() < 0 || noise.upper_bound() > 1) params.fail("noise", "a noise in [0, 1]");
            }
            break;
        case CellKind::intfire:
            positive("tau");
            if (!(pop.params.at("refrac").lower_bound() >= 0)) params.fail("refrac", "a refractory period >= 0 ms");
            break;
        case CellKind::lif: {
            positive("tau_m");
            positive("tau_syn_exc");
            positive("tau_syn_inh");
            if (!(pop.params.at("t_ref").lower_bound() >= 0)) params.fail("t_ref", "a refractory period >= 0 ms");
            if (params.has("R_m")) {
                if (params.has("C_m")) params.fail("R_m", "either C_m or R_m, not both");
                const Distribution r = params.distribution("R_m");
                const Distribution& tau = pop.params.at("tau_m");
                if (!r.is_constant() || !tau.is_constant())
                    params.fail("R_m", "a constant R_m with a constant tau_m (else give C_m)");
                if (!(r.a > 0)) params.fail("R_m", "a positive resistance (MOhm)");
                pop.params["C_m"] = Distribution::constant(tau.a / r.a);
            }
            positive("C_m");
            if (!params.has("v_init")) pop.params["v_init"] = pop.params.at("v_rest");
            const auto& th = pop.params.at("v_thresh");
            const auto& reset = pop.params.at("v_reset");
            if (th.is_constant() && reset.is_constant() && !(reset.a < th.a))
                params.fail("v_reset", "a reset potential below v_thresh");
            break;
        }
        case CellKind::cable:
        case CellKind::artificial: break;
        }
    }

    void parse_projection(const JsonObject& obj) {
        obj.allow_only({"name", "source", "target", "rule", "weight", "delay", "synapse", "source_detector"});
        Projection proj;
        proj.source = population_named(obj, "source");
        proj.target = population_named(obj, "target");
        const Population& src = model_.populations[proj.source];
        const Population& tgt = model_.populations[proj.target];
        proj.name = obj.string("name", src.name + "->" + tgt.name);
        if (obj.has("source_detector")) {
            // Which spike detector of the source cells sends (docs/cable-cells.md, "Several detectors").
            const std::string name = obj.string("source_detector");
            const auto d = src.kind == CellKind::cable ? src.cable->detector_index(name) : std::nullopt;
            if (!d)
                obj.fail("source_detector", src.kind == CellKind::cable
                                                ? "the name of a detector of population " + src.name + "'s cell (its \"detectors\")"
                                                : "no detector name: population " + src.name + " is not a cable population");
            proj.source_detector = *d;
        }
        if (tgt.kind == CellKind::spike_source)
            obj.fail("target", "a population that takes input (spike sources take none)");

        JsonObject rule = obj.object("rule");
        const auto kind = rule.choice("type", {"one_to_one", "fixed_indegree", "pairwise", "explicit"});
        proj.rule.allow_autapses = rule.boolean("allow_autapses", false);
        const bool same = proj.source == proj.target;
        if (kind == "one_to_one") {
            rule.allow_only({"type", "allow_autapses"});
            proj.rule.kind = ConnectionRule::Kind::one_to_one;
            if (src.count != tgt.count)
                rule.fail("type", "one_to_one between populations of equal size (" + std::to_string(src.count) +
                                      " and " + std::to_string(tgt.count) + " cells)");
        } else if (kind == "fixed_indegree") {
            rule.allow_only({"type", "indegree", "allow_autapses", "allow_multapses"});
            proj.rule.kind = ConnectionRule::Kind::fixed_indegree;
            const auto k = rule.positive_integer("indegree");
            proj.rule.allow_multapses = rule.boolean("allow_multapses", false);
            const std::uint64_t candidates = src.count - ((same && !proj.rule.allow_autapses) ? 1 : 0);
            if (candidates == 0) rule.fail("indegree", "a source population with cells other than the target");
            if (!proj.rule.allow_multapses && k > candidates)
                rule.fail("indegree", "at most " + std::to_string(candidates) +
                                          " distinct sources (the source population's size" +
                                          std::string(same && !proj.rule.allow_autapses ? " less the cell itself" : "") +
                                          "), or allow_multapses: true");
            proj.rule.indegree = static_cast<std::uint32_t>(k);
        } else if (kind == "explicit") {
            rule.allow_only({"type", "pairs", "connections", "file", "allow_autapses"});
            proj.rule.kind = ConnectionRule::Kind::explicit_pairs;
            const int forms = int(rule.has("pairs")) + int(rule.has("connections")) + int(rule.has("file"));
            if (forms != 1) rule.fail("type", "explicit connections given as exactly one of \"pairs\", \"connections\" or \"file\"");
            if (rule.has("pairs")) {
                parse_pairs(rule, src, tgt, same, proj);
            } else {
                parse_listed_connections(obj, rule, src, tgt, same, proj);
                model_.projections.push_back(std::move(proj));
                return;
            }
        } else {
            rule.allow_only({"type", "probability", "allow_autapses"});
            proj.rule.kind = ConnectionRule::Kind::pairwise;
            proj.rule.probability = rule.fraction("probability", -1.0);
            if (proj.rule.probability < 0) rule.fail("probability", "a probability in [0, 1]");
        }

        proj.weight = obj.distribution("weight");
        proj.delay = obj.distribution("delay");
        const double dt = model_.run.dt;
        const double lowest = proj.delay.lower_bound();
        if (!(lowest >= dt * (1 - 1e-9))) {
            if (proj.delay.is_constant())
                obj.fail("delay", lowest == 0 ? "a delay >= dt (" + fmt(dt) + " ms); a zero delay cannot be simulated"
                                              : "a delay >= dt (" + fmt(dt) + " ms)");
            obj.fail("delay", "a distribution whose smallest value is >= dt (" + fmt(dt) +
                                  " ms): give \"min\" >= dt");
        }
        if (plausible_max(proj.delay) > longest_time())
            obj.fail("delay", "a delay of at most 1e12 steps of dt (" + fmt(longest_time()) + " ms)" +
                                  std::string(proj.delay.is_constant() ? "" : ": give \"max\""));

        parse_synapse(obj, tgt, proj);
        model_.projections.push_back(std::move(proj));
    }

    void parse_pairs(const JsonObject& rule, const Population& src, const Population& tgt, bool same, Projection& proj) {
        const json& pairs = rule.array("pairs");
        const std::string path = rule.field_path("pairs");
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            const json& p = pairs[i];
            auto index_in = [&](const json& v, Gid count) {
                return v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() < count;
            };
            if (!p.is_array() || p.size() != 2 || !index_in(p[0], src.count) || !index_in(p[1], tgt.count))
                rule.fail_at(indexed(path, i),
                             "a pair [source index < " + std::to_string(src.count) + ", target index < " +
                                 std::to_string(tgt.count) + "]",
                             p);
            if (same && !proj.rule.allow_autapses && p[0] == p[1])
                rule.fail_at(indexed(path, i), "a pair of two different cells (or allow_autapses: true)", p);
            proj.rule.pairs.emplace_back(p[1].get<Gid>(), p[0].get<Gid>());
        }
        std::stable_sort(proj.rule.pairs.begin(), proj.rule.pairs.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
    }

    // Explicit connections with their own weight, delay and synapse: an inline "connections"
    // list of [source, target, weight, delay(, synapse)] or a CSV/HDF5 "file" (relative to the
    // model file). The projection's "synapse" is the default of connections that name none.
    void parse_listed_connections(const JsonObject& obj, const JsonObject& rule, const Population& src,
                                  const Population& tgt, bool same, Projection& proj) {
        for (const char* key : {"weight", "delay"})
            if (obj.has(key))
                obj.fail(key, "no projection-wide value: each explicit connection carries its own weight and delay");
        parse_synapse(obj, tgt, proj);
        ConnectionList list;
        if (rule.has("connections")) {
            const json& rows = rule.array("connections");
            const std::string path = rule.field_path("connections");
            list.file = file_;
            list.csv = false;
            for (std::size_t i = 0; i < rows.size(); ++i) {
                const json& r = rows[i];
                auto index = [](const json& v) { return v.is_number_integer() && v.get<std::int64_t>() >= 0; };
                auto number = [](const json& v) { return v.is_number() && std::isfinite(v.get<double>()); };
                if (!r.is_array() || r.size() < 4 || r.size() > 5 || !index(r[0]) || !index(r[1]) || !number(r[2]) ||
                    !number(r[3]) || (r.size() == 5 && !r[4].is_string()))
                    rule.fail_at(indexed(path, i), "[source index, target index, weight, delay] or [..., \"synapse\"]", r);
                list.rows.push_back({r[0].get<std::int64_t>(), r[1].get<std::int64_t>(), r[2].get<double>(),
                                     r[3].get<double>(), r.size() == 5 ? r[4].get<std::string>() : std::string(), i});
            }
        } else {
            std::filesystem::path path = rule.string("file");
            if (path.is_relative()) path = std::filesystem::path(file_).parent_path() / path;
            list = read_connection_list(path);
        }
        // Where connection c was given: "file:line", "file: connection i" or the JSON path.
        auto where = [&](const ListedConnection& c) {
            return rule.has("connections") ? file_ + ": " + indexed(rule.field_path("connections"), c.line) : list.where(c);
        };
        const double dt = model_.run.dt;
        std::map<std::string, std::uint32_t> synapse_index;
        std::vector<std::size_t> order(list.rows.size());
        double lowest = infinite_time, highest = 0, weight_sum = 0;
        for (std::size_t i = 0; i < list.rows.size(); ++i) {
            const ListedConnection& c = list.rows[i];
            order[i] = i;
            if (c.source >= static_cast<std::int64_t>(src.count) || c.target >= static_cast<std::int64_t>(tgt.count))
                throw input_error(where(c) + ": expected a source index < " + std::to_string(src.count) + " (" + src.name +
                                  ") and a target index < " + std::to_string(tgt.count) + " (" + tgt.name + "), got " +
                                  std::to_string(c.source) + " -> " + std::to_string(c.target));
            if (same && !proj.rule.allow_autapses && c.source == c.target)
                throw input_error(where(c) + ": expected two different cells (or allow_autapses: true), got " +
                                  std::to_string(c.source) + " -> " + std::to_string(c.target));
            if (!(c.delay >= dt * (1 - 1e-9)) || c.delay > longest_time())
                throw input_error(where(c) + ": expected a delay >= dt (" + fmt(dt) + " ms) and at most 1e12 steps, got " +
                                  fmt(c.delay));
            lowest = std::min(lowest, c.delay);
            highest = std::max(highest, c.delay);
            weight_sum += c.weight;
        }
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return list.rows[a].target < list.rows[b].target; });
        proj.rule.pairs.reserve(order.size());
        proj.rule.pair_weights.reserve(order.size());
        proj.rule.pair_delays.reserve(order.size());
        proj.rule.pair_synapses.reserve(order.size());
        for (std::size_t i : order) {
            const ListedConnection& c = list.rows[i];
            proj.rule.pairs.emplace_back(static_cast<Gid>(c.target), static_cast<Gid>(c.source));
            proj.rule.pair_weights.push_back(c.weight);
            proj.rule.pair_delays.push_back(c.delay);
            std::uint32_t synapse = proj.synapse;
            if (!c.synapse.empty()) {
                auto it = synapse_index.find(c.synapse);
                if (it == synapse_index.end()) {
                    const auto index = synapse_named(tgt, c.synapse);
                    if (!index) throw input_error(where(c) + ": synapse: expected " + synapse_expectation(tgt) + ", got \"" + c.synapse + "\"");
                    it = synapse_index.emplace(c.synapse, *index).first;
                }
                synapse = it->second;
            }
            proj.rule.pair_synapses.push_back(synapse);
        }
        // Summaries for the planner's cost measurement and the epoch: the mean weight, the delays' range.
        proj.weight = Distribution::constant(list.rows.empty() ? 0.0 : weight_sum / static_cast<double>(list.rows.size()));
        proj.delay = list.rows.empty() || lowest == highest
                         ? Distribution::constant(list.rows.empty() ? infinite_time : lowest)
                         : Distribution{Distribution::Kind::uniform, lowest, highest};
    }

    // The synapse index of `name` on the target population's cells, if it has one.
    static std::optional<std::uint32_t> synapse_named(const Population& tgt, const std::string& name) {
        switch (tgt.kind) {
        case CellKind::lif:
            if (name == "exc") return 0u;
            if (name == "inh") return 1u;
            return std::nullopt;
        case CellKind::cable: return tgt.cable->synapse_index(name);
        default: return std::nullopt;
        }
    }
    static std::string synapse_expectation(const Population& tgt) {
        switch (tgt.kind) {
        case CellKind::lif: return "exc or inh (population " + tgt.name + " is lif)";
        case CellKind::cable: return "the name of a synapse of population " + tgt.name + "'s cell";
        default: return "no synapse (population " + tgt.name + " has one input)";
        }
    }

    void parse_synapse(const JsonObject& obj, const Population& tgt, Projection& proj) {
        switch (tgt.kind) {
        case CellKind::lif: {
            proj.synapse_name = obj.choice("synapse", {"exc", "inh"}, "exc");
            proj.synapse = proj.synapse_name == "exc" ? 0u : 1u;
            break;
        }
        case CellKind::intfire:
        case CellKind::artificial:
            if (obj.has("synapse"))
                obj.fail("synapse", std::string("no synapse name: ") + to_string(tgt.kind) + " cells have one input");
            break;
        case CellKind::cable: {
            proj.synapse_name = obj.string("synapse");
            auto idx = tgt.cable->synapse_index(proj.synapse_name);
            if (!idx) obj.fail("synapse", "the name of a synapse of population " + tgt.name + "'s cell");
            proj.synapse = *idx;
            break;
        }
        case CellKind::spike_source: break;
        }
    }

    static std::string fmt(double x) {
        std::ostringstream s;
        s << x;
        return s.str();
    }

    std::vector<Gid> parse_cells(const JsonObject& obj, const Population& pop) {
        std::vector<Gid> cells;
        if (!obj.has("cells")) return cells;
        const json& list = obj.value().at("cells");
        const std::string path = obj.field_path("cells");
        if (list.is_string() && list.get<std::string>() == "all") return cells;
        if (!list.is_array() || list.empty())
            obj.fail("cells", "\"all\" or a non-empty array of cell indices within the population");
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (!list[i].is_number_integer() || list[i].get<std::int64_t>() < 0 ||
                list[i].get<std::int64_t>() >= pop.count)
                obj.fail_at(indexed(path, i),
                            "a cell index in [0, " + std::to_string(pop.count) + ") of population " + pop.name,
                            list[i]);
            cells.push_back(list[i].get<Gid>());
        }
        std::sort(cells.begin(), cells.end());
        cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
        return cells;
    }

    void parse_stimulus(const JsonObject& obj) {
        if (obj.choice("type", {"current_clamp", "events"}) == "events") return parse_events(obj);
        obj.allow_only({"type", "population", "cells", "delay", "duration", "amplitude", "section", "x"});
        CurrentClamp c;
        c.population = population_named(obj, "population");
        const Population& pop = model_.populations[c.population];
        if (pop.kind != CellKind::lif && pop.kind != CellKind::cable)
            obj.fail("population", "a lif or cable population (current clamps need a membrane)");
        c.cells = parse_cells(obj, pop);
        c.delay = obj.non_negative("delay", 0.0);
        check_time(obj, "delay", c.delay);
        c.duration = obj.non_negative("duration", -1.0);
        if (c.duration < 0) obj.fail("duration", "a duration >= 0 (ms)");
        check_time(obj, "duration", c.duration);
        c.amplitude = obj.number("amplitude");
        if (pop.kind == CellKind::cable) {
            c.section = obj.string("section", "soma");
            for (std::size_t v = 0; v < pop.variant_count(); ++v)
                if (!pop.cable_variant(v)->section_index(c.section))
                    obj.fail("section", "the name of a section of population " + pop.name + "'s cell" +
                                            (pop.variant_count() > 1 ? " (of every morphology)" : ""));
            c.x = obj.fraction("x", 0.5);
        } else if (obj.has("section") || obj.has("x")) {
            obj.fail(obj.has("section") ? "section" : "x", "no location: lif cells are points");
        }
        model_.clamps.push_back(std::move(c));
    }

    // Events into a synapse at listed times, with no source cell (NEURON's NetCon(None, syn).event(t)).
    void parse_events(const JsonObject& obj) {
        obj.allow_only({"type", "population", "cells", "times", "weight", "synapse"});
        EventStimulus e;
        e.population = population_named(obj, "population");
        const Population& pop = model_.populations[e.population];
        if (pop.kind == CellKind::spike_source) obj.fail("population", "a population that takes input (spike sources take none)");
        e.cells = parse_cells(obj, pop);
        const json& times = obj.array("times");
        const std::string path = obj.field_path("times");
        for (std::size_t i = 0; i < times.size(); ++i) {
            const json& t = times[i];
            if (!t.is_number() || !(t.get<double>() >= 0) || !std::isfinite(t.get<double>()) || t.get<double>() > longest_time() ||
                (!e.times.empty() && t.get<double>() < e.times.back()))
                obj.fail_at(indexed(path, i), "ascending times >= 0 (ms) of at most 1e12 steps of dt", t);
            e.times.push_back(t.get<double>());
        }
        e.weight = obj.number("weight");
        Projection synapse;  // the synapse is named as a projection's
        parse_synapse(obj, pop, synapse);
        e.synapse = synapse.synapse;
        model_.events.push_back(std::move(e));
    }

    void parse_recordings(const JsonObject& obj) {
        obj.allow_only({"spikes", "traces"});
        if (!obj.has("spikes") || (obj.value().at("spikes").is_string() && obj.value().at("spikes") == "all")) {
            for (std::size_t p = 0; p < model_.populations.size(); ++p)
                model_.recordings.spike_populations.push_back(p);
        } else {
            const json& list = obj.value().at("spikes");
            if (!list.is_array()) obj.fail("spikes", "\"all\" or an array of population names");
            for (std::size_t i = 0; i < list.size(); ++i) {
                const std::string path = indexed(obj.field_path("spikes"), i);
                if (!list[i].is_string()) obj.fail_at(path, "a population name", list[i]);
                model_.recordings.spike_populations.push_back(find_population(list[i].get<std::string>(), obj, path));
            }
        }
        if (obj.has("traces")) {
            const json& traces = obj.array("traces");
            for (std::size_t i = 0; i < traces.size(); ++i) {
                JsonObject t(traces[i], indexed(obj.field_path("traces"), i), file_);
                t.allow_only({"name", "population", "cells", "variable", "interval", "section", "x", "dtype"});
                TraceRecording rec;
                rec.population = population_named(t, "population");
                const Population& pop = model_.populations[rec.population];
                rec.name = t.string("name", pop.name);
                if (!valid_name(rec.name)) t.fail("name", "a name of letters, digits, '_' or '-'");
                check_output_name(t, rec.name);
                rec.cells = parse_cells(t, pop);
                switch (pop.kind) {
                case CellKind::lif: rec.variable = t.choice("variable", {"v"}, "v"); break;
                case CellKind::cable: rec.variable = t.choice("variable", {"v", "cai"}, "v"); break;
                case CellKind::intfire: rec.variable = t.choice("variable", {"m"}, "m"); break;
                case CellKind::artificial: {
                    // a field of the mechanism (PARAMETER, ASSIGNED or STATE), as NEURON records it
                    rec.variable = t.string("variable");
                    if (!pop.artificial->field_index(rec.variable))
                        t.fail("variable", "a PARAMETER, ASSIGNED or STATE of " + std::string(pop.artificial->name()));
                    break;
                }
                case CellKind::spike_source: t.fail("population", "a lif, intfire or cable population (spike sources have no state)");
                }
                if (pop.kind == CellKind::cable) {
                    rec.section = t.string("section", "soma");
                    for (std::size_t v = 0; v < pop.variant_count(); ++v)
                        if (!pop.cable_variant(v)->section_index(rec.section))
                            t.fail("section", "the name of a section of population " + pop.name + "'s cell" +
                                                  (pop.variant_count() > 1 ? " (of every morphology)" : ""));
                    rec.x = t.fraction("x", 0.5);
                } else if (t.has("section") || t.has("x")) {
                    t.fail(t.has("section") ? "section" : "x", "no location: only cable cells have sections");
                }
                rec.interval = t.positive("interval", model_.run.dt);
                if (rec.interval > model_.run.tstop)
                    t.fail("interval", "a sampling interval no longer than tstop (" + fmt(model_.run.tstop) + " ms)");
                const double steps = rec.interval / model_.run.dt;
                if (steps < 1 - 1e-9 || std::abs(steps - std::round(steps)) > 1e-6 * steps)
                    t.fail("interval", "a sampling interval that is a whole number of steps dt (" + fmt(model_.run.dt) + " ms)");
                rec.float64 = t.choice("dtype", {"float32", "float64"}, "float32") == "float64";
                model_.recordings.traces.push_back(rec);
            }
        }
    }

    // Every file of the output folder is named once: a trace must not take the spike file's name
    // (it would overwrite the spikes) nor another trace's, compared without case because some file
    // systems ignore it.
    void check_output_name(const JsonObject& t, const std::string& name) const {
        auto lower = [](std::string s) {
            for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return s;
        };
        const std::string file = lower(name) + ".h5";
        for (const char* reserved : {"spikes.h5"})
            if (file == reserved)
                t.fail("name", std::string("a trace name other than \"spikes\" (") + reserved +
                                   " is the spike file of the output folder)");
        for (const auto& other : model_.recordings.traces)
            if (lower(other.name) + ".h5" == file)
                t.fail("name", "a trace name not used before, ignoring case (it names the file " + other.name + ".h5)");
    }

    std::size_t find_population(const std::string& name, const JsonObject& obj, const std::string& path) const {
        for (std::size_t i = 0; i < model_.populations.size(); ++i)
            if (model_.populations[i].name == name) return i;
        obj.fail_at(path, "the name of a population", json(name));
    }

    const json& doc_;
    const std::string& file_;
    const RunOverrides& overrides_;
    Model model_;
    std::map<std::string, std::shared_ptr<const CableCellDescription>> templates_;
    std::map<std::string, std::pair<const json*, std::string>> template_json_;   // value and path
    MechanismCatalogues catalogues_;
};

}  // namespace

Model parse_model(const json& document, const std::string& file, const RunOverrides& overrides) {
    try {
        return ModelParser(document, file, overrides).parse();
    } catch (const json::exception& e) {
        // A field of a type the reader did not check first: still name the file.
        throw input_error(file + ": a field does not have the expected type: " + e.what());
    }
}

json read_json_file(const std::filesystem::path& file, const std::string& what) {
    std::ifstream in(file);
    if (!in) throw input_error(file.string() + ": cannot open the " + what + " for reading");
    if (std::filesystem::is_directory(file)) throw input_error(file.string() + ": is a folder, expected the " + what);
    const json::parser_callback_t limit_depth = [&](int depth, json::parse_event_t, json&) {
        if (depth > max_json_depth)
            throw input_error(file.string() + ": not a model: nested deeper than " + std::to_string(max_json_depth) +
                              " levels of brackets");
        return true;
    };
    try {
        return json::parse(in, limit_depth);
    } catch (const json::parse_error& e) {
        throw input_error(file.string() + ": not valid JSON: " + e.what());
    } catch (const json::out_of_range& e) {
        // e.g. 1e309: larger than any double
        throw input_error(file.string() + ": not valid JSON for a model: a number does not fit a double (" +
                          std::string(e.what()) + ")");
    } catch (const json::exception& e) {
        throw input_error(file.string() + ": not valid JSON: " + e.what());
    }
}

Model read_model(const std::filesystem::path& file, const RunOverrides& overrides) {
    return parse_model(read_json_file(file, "model file"), file.string(), overrides);
}

}  // namespace parnet::io
