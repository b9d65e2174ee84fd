#include "io/sonata_config.hpp"

#include "engine/step_count.hpp"
#include "io/json_fields.hpp"

#include <cmath>
#include <sstream>

namespace parnet::io {

namespace fs = std::filesystem;

namespace {

std::string indexed(const std::string& array, std::size_t i) { return array + "[" + std::to_string(i) + "]"; }

std::string fmt(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
}

// A manifest: "$NAME" -> value, values may use other variables; "${configdir}" is the file's folder.
class Manifest {
public:
    Manifest(const JsonObject* manifest, const fs::path& file) : file_(file.string()) {
        // Absolute: paths made of it are not relative, so they are not put under the folder again
        // (a config named as "circuit/circuit_config.json" read its files from circuit/circuit/).
        vars_["${configdir}"] = fs::absolute(file).parent_path().lexically_normal().string();
        if (!manifest) return;
        for (const auto& [key, value] : manifest->value().items()) {
            if (key.empty() || key[0] != '$' || !value.is_string())
                manifest->fail_at(manifest->field_path(key), "a variable \"$NAME\": \"text\"", value);
            vars_[key] = value.get<std::string>();
        }
        // Resolve variables used inside other variables; a cycle never settles.
        for (auto& [key, value] : vars_) value = expand(value, manifest->field_path(key));
    }

    std::string expand(std::string text, const std::string& path) const {
        for (int round = 0; round < 32; ++round) {
            bool changed = false;
            // Longest names first, so that $BASE does not cut into $BASE_DIR.
            for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
                std::size_t at = 0;
                while ((at = text.find(it->first, at)) != std::string::npos) {
                    const std::size_t end = at + it->first.size();
                    const bool word_ends = end >= text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_');
                    if (!word_ends) {
                        at = end;
                        continue;
                    }
                    text.replace(at, it->first.size(), it->second);
                    at += it->second.size();
                    changed = true;
                }
            }
            if (!changed) {
                if (const auto d = text.find('$'); d != std::string::npos)
                    throw input_error(file_ + ": " + path + ": expected manifest variables that are defined, got \"" + text +
                                      "\" (no manifest entry for " + text.substr(d, text.find('/', d) - d) + ")");
                return text;
            }
        }
        throw input_error(file_ + ": " + path + ": the manifest's variables refer to each other in a cycle");
    }

private:
    std::string file_;
    std::map<std::string, std::string> vars_;
};

class ConfigParser {
public:
    explicit ConfigParser(const RunOverrides& overrides) : overrides_(overrides) {}

    SonataConfig parse(const fs::path& file) {
        config_.file = file.string();
        const json doc = read_json_file(file, "SONATA config");
        const std::string name = file.string();
        JsonObject top(doc, "", name);
        top.allow_only({"manifest", "components", "networks", "network", "run", "inputs", "output", "reports", "node_sets",
                        "node_sets_file", "target_simulator", "conditions", "version"});
        const Manifest manifest = make_manifest(top, file);
        if (top.has("network")) {
            if (top.has("networks")) top.fail("network", "either \"network\" (a circuit config) or \"networks\", not both");
            const fs::path circuit = path_of(top, "network", manifest, file);
            const json circuit_doc = read_json_file(circuit, "SONATA circuit config");
            const std::string circuit_name = circuit.string();
            JsonObject c(circuit_doc, "", circuit_name);
            c.allow_only({"manifest", "components", "networks", "node_sets_file", "version", "target_simulator"});
            const Manifest circuit_manifest = make_manifest(c, circuit);
            parse_circuit(c, circuit_manifest, circuit);
            if (c.has("node_sets_file") && !top.has("node_sets_file") && !top.has("node_sets"))
                parse_node_sets_file(c, circuit_manifest, circuit);
        } else {
            if (!top.has("networks")) top.fail("networks", "the circuit's \"networks\" (or \"network\": a circuit config)");
            parse_circuit(top, manifest, file);
        }
        parse_run(top);
        parse_output(top, manifest, file);
        if (top.has("node_sets") && top.has("node_sets_file")) top.fail("node_sets", "either node_sets or node_sets_file");
        if (top.has("node_sets")) parse_node_sets(top.object("node_sets"));
        if (top.has("node_sets_file")) parse_node_sets_file(top, manifest, file);
        if (top.has("inputs")) parse_inputs(top.object("inputs"), manifest, file);
        if (top.has("reports")) parse_reports(top.object("reports"));
        return std::move(config_);
    }

private:
    static Manifest make_manifest(const JsonObject& top, const fs::path& file) {
        if (!top.has("manifest")) return Manifest(nullptr, file);
        const JsonObject m = top.object("manifest");
        return Manifest(&m, file);
    }

    // A path field with the manifest applied, relative to the folder of `file`.
    static fs::path path_of(const JsonObject& obj, std::string_view key, const Manifest& manifest, const fs::path& file) {
        const std::string text = manifest.expand(obj.string(key), obj.field_path(key));
        if (text.empty()) obj.fail(key, "a file name");
        fs::path p = text;
        if (p.is_relative()) p = file.parent_path() / p;
        return p.lexically_normal();
    }

    void parse_circuit(const JsonObject& top, const Manifest& manifest, const fs::path& file) {
        if (top.has("components")) {
            const JsonObject components = top.object("components");
            for (const auto& [key, value] : components.value().items()) {
                if (!value.is_string()) components.fail(key, "a folder name");
                config_.components[key] = path_of(components, key, manifest, file);
            }
        }
        const JsonObject networks = top.object("networks");
        networks.allow_only({"nodes", "edges"});
        const json& nodes = networks.array("nodes");
        if (nodes.empty()) networks.fail("nodes", "a non-empty array of {nodes_file, node_types_file}");
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            const JsonObject n(nodes[i], indexed(networks.field_path("nodes"), i), networks.file());
            n.allow_only({"nodes_file", "node_types_file", "populations"});
            config_.nodes.push_back({path_of(n, "nodes_file", manifest, file), path_of(n, "node_types_file", manifest, file),
                                     file.string() + ": " + n.path(), named_populations(n)});
        }
        if (networks.has("edges")) {
            const json& edges = networks.array("edges");
            for (std::size_t i = 0; i < edges.size(); ++i) {
                const JsonObject e(edges[i], indexed(networks.field_path("edges"), i), networks.file());
                e.allow_only({"edges_file", "edge_types_file", "populations"});
                config_.edges.push_back({path_of(e, "edges_file", manifest, file), path_of(e, "edge_types_file", manifest, file),
                                         file.string() + ": " + e.path(), named_populations(e)});
            }
        }
    }

    static std::vector<std::string> named_populations(const JsonObject& entry) {
        std::vector<std::string> names;
        if (!entry.has("populations")) return names;
        const JsonObject pops = entry.object("populations");
        for (const auto& [name, value] : pops.value().items()) names.push_back(name);
        return names;
    }

    void parse_run(const JsonObject& top) {
        const JsonObject run = top.object("run");
        // dL and spike_threshold are BMTK's settings for biophysical cells, nsteps_block its output
        // blocking; they change nothing for point cells.
        run.allow_only({"tstop", "dt", "runid", "dL", "spike_threshold", "nsteps_block", "tstart"});
        if (run.has("tstart") && run.number("tstart") != 0) run.fail("tstart", "0 (runs start at t = 0)");
        config_.dt = run.positive("dt", 0.025);
        if (config_.dt < 1e-6) run.fail("dt", "a step dt >= 1e-6 ms");
        const double tstop = overrides_.tstop ? *overrides_.tstop : run.positive("tstop");
        if (overrides_.tstop && !(tstop > 0 && std::isfinite(tstop)))
            throw input_error("--tstop: expected a positive number of ms, got " + fmt(tstop));
        if (tstop / config_.dt > max_steps) {
            if (overrides_.tstop) throw input_error("--tstop: expected at most 1e12 steps of dt, got " + fmt(tstop));
            run.fail("tstop", "at most 1e12 steps of dt (" + fmt(config_.dt) + " ms)");
        }
        if (config_.dt > tstop) run.fail("dt", "a step no longer than tstop");
        config_.tstop = tstop;
        config_.runid = static_cast<std::uint32_t>(run.non_negative_integer("runid", 0));
        if (run.has("spike_threshold")) config_.spike_threshold = run.number("spike_threshold");
        if (run.has("dL")) config_.dL = run.positive("dL");
        config_.catalogues = overrides_.catalogues;
    }

    void parse_output(const JsonObject& top, const Manifest& manifest, const fs::path& file) {
        const fs::path stem = fs::path(config_.file).stem();
        config_.output = "out/" + (stem.empty() ? std::string("run") : stem.string());
        if (top.has("output")) {
            const JsonObject out = top.object("output");
            // Parnet always writes spikes.h5 sorted by time (docs/saving-data.md).
            out.allow_only({"output_dir", "spikes_file", "log_file", "spikes_sort_order", "overwrite_output_dir"});
            if (out.has("output_dir")) config_.output = path_of(out, "output_dir", manifest, file).string();
            if (out.has("spikes_file") && fs::path(out.string("spikes_file")).filename() != "spikes.h5")
                out.fail("spikes_file", "spikes.h5 (parnet's spike file name in the output folder)");
        }
        if (overrides_.output) {
            if (overrides_.output->empty()) throw input_error("--output: expected the name of a folder, got an empty string");
            config_.output = *overrides_.output;
        }
    }

    void parse_node_sets(const JsonObject& sets) {
        for (const auto& [name, value] : sets.value().items()) {
            const JsonObject s(value, sets.field_path(name), sets.file());
            s.allow_only({"population", "node_id"});
            SonataNodeSet set;
            set.population = s.string("population");
            set.where = s.file() + ": " + s.path();
            if (s.has("node_id")) {
                const json& ids = s.array("node_id");
                for (std::size_t i = 0; i < ids.size(); ++i) {
                    if (!ids[i].is_number_integer() || ids[i].get<std::int64_t>() < 0)
                        s.fail_at(indexed(s.field_path("node_id"), i), "a node id >= 0", ids[i]);
                    set.node_ids.push_back(ids[i].get<std::uint64_t>());
                }
                if (set.node_ids.empty()) s.fail("node_id", "a non-empty list of node ids");
            }
            config_.node_sets[name] = std::move(set);
        }
    }

    void parse_node_sets_file(const JsonObject& top, const Manifest& manifest, const fs::path& file) {
        const fs::path sets_file = path_of(top, "node_sets_file", manifest, file);
        const json doc = read_json_file(sets_file, "node sets file");
        const std::string name = sets_file.string();
        parse_node_sets(JsonObject(doc, "", name));
    }

    void parse_inputs(const JsonObject& inputs, const Manifest& manifest, const fs::path& file) {
        for (const auto& [name, value] : inputs.value().items()) {
            const JsonObject in(value, inputs.field_path(name), inputs.file());
            if (in.choice("input_type", {"spikes", "current_clamp"}) == "current_clamp") {
                in.allow_only({"input_type", "module", "node_set", "amp", "delay", "duration"});
                in.choice("module", {"IClamp"}, "IClamp");
                const double delay = in.non_negative("delay", -1), duration = in.non_negative("duration", -1);
                if (delay < 0) in.fail("delay", "a delay >= 0 (ms)");
                if (duration < 0) in.fail("duration", "a duration >= 0 (ms)");
                if (delay / config_.dt > max_steps || duration / config_.dt > max_steps)
                    in.fail(delay / config_.dt > max_steps ? "delay" : "duration", "at most 1e12 steps of dt");
                config_.clamps.push_back({name, in.string("node_set"), in.number("amp"), delay, duration, in.file() + ": " + in.path()});
                continue;
            }
            in.allow_only({"input_type", "module", "input_file", "node_set", "trial"});
            in.choice("module", {"sonata", "h5", "hdf5"}, "sonata");
            const fs::path input_file = path_of(in, "input_file", manifest, file);
            if (input_file.extension() != ".h5" && input_file.extension() != ".hdf5")
                in.fail("input_file", "a SONATA spike file (.h5)");
            config_.inputs.push_back({name, input_file, in.string("node_set"), in.file() + ": " + in.path()});
        }
    }

    void parse_reports(const JsonObject& reports) {
        for (const auto& [name, value] : reports.value().items()) {
            const JsonObject r(value, reports.field_path(name), reports.file());
            r.allow_only({"cells", "variable_name", "sections", "dt", "module", "file_name", "start_time", "end_time", "enabled"});
            if (!r.boolean("enabled", true)) continue;
            r.choice("module", {"membrane_report"}, "membrane_report");
            r.choice("sections", {"soma"}, "soma");
            if (r.has("start_time") && r.number("start_time") != 0) r.fail("start_time", "0 (reports cover the whole run)");
            if (r.has("end_time") && r.number("end_time") != config_.tstop)
                r.fail("end_time", "tstop (" + fmt(config_.tstop) + " ms: reports cover the whole run)");
            if (r.has("file_name") && fs::path(r.string("file_name")).filename() != name + ".h5")
                r.fail("file_name", name + ".h5 (parnet names a report's file after the report)");
            config_.reports.push_back({name, r.string("cells"), r.choice("variable_name", {"v", "m"}), r.positive("dt", config_.dt),
                                       r.file() + ": " + r.path()});
        }
    }

    const RunOverrides& overrides_;
    SonataConfig config_;
};

}  // namespace

std::optional<fs::path> SonataConfig::component(const std::string& name) const {
    auto it = components.find(name);
    if (it == components.end()) return std::nullopt;
    return it->second;
}

bool is_sonata_config(const json& document) {
    return document.is_object() && !document.contains("populations") &&
           (document.contains("networks") || document.contains("network"));
}

SonataConfig read_sonata_config(const fs::path& file, const RunOverrides& overrides) {
    try {
        return ConfigParser(overrides).parse(file);
    } catch (const json::exception& e) {
        throw input_error(file.string() + ": a field does not have the expected type: " + e.what());
    }
}

}  // namespace parnet::io
