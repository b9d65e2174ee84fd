#include "io/sonata_biophysical.hpp"

#include "engine/errors.hpp"
#include "io/cable_cell_reader.hpp"
#include "io/json_fields.hpp"
#include "io/model_reader.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace parnet::io {

namespace fs = std::filesystem;

namespace {

// A file a type names: relative paths are in the component folder, else next to the type table.
fs::path component_file(const std::string& given, const SonataConfig& config, const std::string& component,
                        const SonataTypeTable& table) {
    const fs::path file = given;
    if (file.is_absolute()) return file;
    return config.component(component).value_or(fs::path(table.file()).parent_path()) / file;
}

// The first object of a BMTK list ("passive": [{...}]) or the object itself.
const json& single(const json& doc, const std::string& key, const std::string& file) {
    const json& v = doc.at(key);
    if (v.is_array() && v.size() == 1 && v[0].is_object()) return v[0];
    if (v.is_object()) return v;
    throw input_error(file + ": " + key + ": expected an object or a list of one object, got " + v.dump());
}

double number_at(const json& obj, const std::string& key, const std::string& file, const std::string& path) {
    if (!obj.contains(key) || !obj.at(key).is_number() || !std::isfinite(obj.at(key).get<double>()))
        throw input_error(file + ": " + (path.empty() ? "" : path + ".") + key + ": expected a number" +
                          (obj.contains(key) ? ", got " + obj.at(key).dump() : " (missing)"));
    return obj.at(key).get<double>();
}

std::string string_at(const json& obj, const std::string& key, const std::string& file, const std::string& path) {
    if (!obj.contains(key) || !obj.at(key).is_string())
        throw input_error(file + ": " + (path.empty() ? "" : path + ".") + key + ": expected a string" +
                          (obj.contains(key) ? ", got " + obj.at(key).dump() : " (missing)"));
    return obj.at(key).get<std::string>();
}

// BMTK's (Allen Cell Types') passive, conditions and genome, as parnet cell fields: pas with
// e_pas everywhere, cm per section type, then each genome entry as a biophysics entry of its
// section type, in order (the order of BMTK's setters).
void translate_bmtk(const json& doc, const std::string& file, json& cell) {
    json& biophysics = cell["biophysics"];
    if (doc.contains("passive")) {
        const json& passive = single(doc, "passive", file);
        for (const auto& [key, value] : passive.items())
            if (key != "ra" && key != "cm" && key != "e_pas")
                throw input_error(file + ": passive." + key + ": not read; expected ra, cm, e_pas");
        if (passive.contains("ra")) cell["Ra"] = number_at(passive, "ra", file, "passive");
        if (passive.contains("e_pas"))
            biophysics.push_back({{"region", "all"}, {"mechanisms", {{"pas", {{"e", number_at(passive, "e_pas", file, "passive")}}}}}});
        if (passive.contains("cm")) {
            const json& cm = passive.at("cm");
            if (cm.is_number()) {
                cell["cm"] = cm;
            } else if (cm.is_array()) {
                for (std::size_t i = 0; i < cm.size(); ++i) {
                    const std::string at = "passive.cm[" + std::to_string(i) + "]";
                    biophysics.push_back({{"region", string_at(cm[i], "section", file, at)}, {"cm", number_at(cm[i], "cm", file, at)}});
                }
            } else {
                throw input_error(file + ": passive.cm: expected a number or a list of {section, cm}, got " + cm.dump());
            }
        }
    }
    if (doc.contains("conditions")) {
        const json& conditions = single(doc, "conditions", file);
        for (const auto& [key, value] : conditions.items()) {
            if (key == "celsius" || key == "v_init") cell[key] = number_at(conditions, key, file, "conditions");
            else if (key == "erev")
                throw input_error(file + ": conditions.erev: ion reversal potentials per section are not read; give them "
                                         "as mechanism parameters in genome (e.g. name \"ena\", mechanism \"hh\")");
            else throw input_error(file + ": conditions." + key + ": not read; expected celsius, v_init");
        }
    }
    if (doc.contains("genome")) {
        const json& genome = doc.at("genome");
        if (!genome.is_array()) throw input_error(file + ": genome: expected a list of {section, name, value, mechanism}");
        for (std::size_t i = 0; i < genome.size(); ++i) {
            const std::string at = "genome[" + std::to_string(i) + "]";
            const json& entry = genome[i];
            const std::string section = string_at(entry, "section", file, at);
            std::string name = string_at(entry, "name", file, at);
            const double value = number_at(entry, "value", file, at);
            std::string mechanism = entry.contains("mechanism") ? string_at(entry, "mechanism", file, at) : "";
            if (mechanism.empty() && (name == "cm" || name == "Ra")) {
                biophysics.push_back({{"region", section}, {name, value}});
                continue;
            }
            // NEURON's range names: <parameter>_<mechanism> (gnabar_hh, g_pas).
            if (mechanism.empty()) {
                const auto cut = name.rfind('_');
                if (cut == std::string::npos || cut == 0 || cut + 1 == name.size())
                    throw input_error(file + ": " + at + ".name: expected a NEURON range name <parameter>_<mechanism> "
                                                         "(e.g. g_pas) when mechanism is empty, got \"" + name + "\"");
                mechanism = name.substr(cut + 1);
                name = name.substr(0, cut);
            } else if (name.size() > mechanism.size() + 1 && name.ends_with("_" + mechanism)) {
                name = name.substr(0, name.size() - mechanism.size() - 1);
            }
            biophysics.push_back({{"region", section}, {"mechanisms", {{mechanism, {{name, value}}}}}});
        }
    }
}

}  // namespace

std::shared_ptr<const CableCellDescription> read_biophysical_type(const SonataType& type, const SonataTypeTable& table,
                                                                 const SonataConfig& config,
                                                                 const MechanismCatalogues& catalogues,
                                                                 const std::string& where) {
    const auto morphology = type.get("morphology");
    if (!morphology)
        throw input_error(where + ": morphology: missing; expected an SWC (.swc) or Neurolucida (.asc) file of the cell");
    fs::path morphology_file = component_file(*morphology, config, "morphologies_dir", table);
    // BMTK allows the morphology without its extension when the folder holds the .swc.
    if (morphology_file.extension().empty() && fs::exists(fs::path(morphology_file.string() + ".swc")))
        morphology_file += ".swc";
    if (!fs::exists(morphology_file))
        throw input_error(where + ": morphology: expected a file, got \"" + *morphology + "\" (" + morphology_file.string() +
                          " does not exist; relative names are in components.morphologies_dir)");
    json cell = json::object();
    cell["morphology"] = fs::absolute(morphology_file).string();
    if (config.spike_threshold) cell["detector"] = {{"threshold", *config.spike_threshold}};
    if (config.dL) cell["nseg"] = {{"per_length", *config.dL}};

    std::string file = table.file();
    if (const auto dynamics = type.get("dynamics_params")) {
        const fs::path path = component_file(*dynamics, config, "biophysical_neuron_models_dir", table);
        file = path.string();
        const json doc = read_json_file(path, "dynamics_params file of " + where);
        if (!doc.is_object()) throw input_error(file + ": expected an object (BMTK's passive, conditions, genome, or parnet's cell fields)");
        static const std::set<std::string> bmtk = {"passive", "conditions", "genome", "fitting"};
        static const std::set<std::string> parnet = {"cm",   "Ra",   "v_init", "celsius", "hh_rates", "nseg", "regions",
                                                     "biophysics", "axon", "distance_origin", "detector", "detectors"};
        for (const auto& [key, value] : doc.items()) {
            if (bmtk.count(key) || parnet.count(key)) continue;
            throw input_error(file + ": " + key + ": not read; expected BMTK's passive, conditions, genome (fitting is "
                                                  "ignored) or parnet's cable-cell fields (docs/sonata-input.md)");
        }
        translate_bmtk(doc, file, cell);
        for (const auto& [key, value] : doc.items()) {
            if (!parnet.count(key)) continue;
            if (key == "biophysics") {
                if (!value.is_array()) throw input_error(file + ": biophysics: expected a list of entries (docs/morphology.md)");
                for (const auto& entry : value) cell["biophysics"].push_back(entry);
            } else if (key == "detectors") {
                // Several detectors (docs/cable-cells.md, "Several detectors"): they replace the one
                // spike_threshold makes, which stays the threshold of those that give none.
                json list = value;
                if (config.spike_threshold && list.is_array())
                    for (auto& d : list)
                        if (d.is_object() && !d.contains("threshold")) d["threshold"] = *config.spike_threshold;
                cell.erase("detector");
                cell[key] = std::move(list);
            } else {
                cell[key] = value;
            }
        }
    }
    if (cell.contains("biophysics") && cell["biophysics"].is_null()) cell.erase("biophysics");
    const JsonObject object(cell, "", file);
    return read_cable_cell(object, catalogues);
}

CableSynapse read_synapse_model(const SonataType& type, const SonataTypeTable& table, const SonataConfig& config,
                                const std::string& where) {
    const std::string tmpl = type.get("model_template").value_or("");
    CableSynapse syn;
    if (tmpl == "exp2syn" || tmpl == "Exp2Syn") syn.kind = SynapseKind::exp2syn;
    else if (tmpl == "expsyn" || tmpl == "ExpSyn") syn.kind = SynapseKind::expsyn;
    else
        throw input_error(where + ": model_template: expected exp2syn or expsyn for edges onto biophysical cells, got \"" +
                          tmpl + "\"");
    const auto dynamics = type.get("dynamics_params");
    if (!dynamics) return syn;   // NEURON's defaults (tau1 .1, tau2 10 / tau .1, e 0)
    const fs::path path = component_file(*dynamics, config, "synaptic_models_dir", table);
    const std::string file = path.string();
    const json doc = read_json_file(path, "dynamics_params file of " + where);
    if (!doc.is_object()) throw input_error(file + ": expected an object of synapse parameters (tau1, tau2, erev; tau for expsyn)");
    for (const auto& [key, value] : doc.items()) {
        if (key == "level_of_detail") {
            if (!value.is_string() || (value.get<std::string>() != "exp2syn" && value.get<std::string>() != "expsyn") ||
                (value.get<std::string>() == "exp2syn") != (syn.kind == SynapseKind::exp2syn))
                throw input_error(file + ": level_of_detail: expected the model_template of " + where + " (" + tmpl + "), got " +
                                  value.dump());
            continue;
        }
        const bool known = syn.kind == SynapseKind::exp2syn ? (key == "tau1" || key == "tau2" || key == "erev")
                                                            : (key == "tau" || key == "erev");
        if (!known)
            throw input_error(file + ": " + key + ": not a parameter of " + tmpl + "; expected " +
                              (syn.kind == SynapseKind::exp2syn ? "tau1, tau2, erev" : "tau, erev"));
        const double v = number_at(doc, key, file, "");
        if (key != "erev" && !(v > 0)) throw input_error(file + ": " + key + ": expected a positive time constant (ms), got " + value.dump());
        if (key == "tau1") syn.tau1 = v;
        else if (key == "tau2") syn.tau2 = v;
        else if (key == "tau") syn.tau = v;
        else syn.e = v;
    }
    return syn;
}

}  // namespace parnet::io
