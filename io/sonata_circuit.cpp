#include "io/sonata_circuit.hpp"

#include "engine/errors.hpp"
#include "io/json_fields.hpp"
#include "io/model_reader.hpp"
#include "io/sonata_biophysical.hpp"
#include "io/sonata_spike_input.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace parnet::io {

namespace fs = std::filesystem;

namespace {

std::string fmt(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
}

std::string names_of(const std::map<std::string, double>& params) {
    std::string list;
    for (const auto& [name, value] : params) list += (list.empty() ? "" : ", ") + name;
    return list;
}

// The parameter names a kind accepts, as in the JSON model (docs/model-format.md).
std::map<std::string, double> kind_defaults(CellKind kind) {
    auto params = default_parameters(kind, SourceModel::replay);
    return params;
}

// parnet's cell kind for a point node type's model_template.
std::optional<CellKind> point_kind(const std::string& model_template) {
    if (model_template == "nrn:IntFire1" || model_template == "parnet:intfire") return CellKind::intfire;
    if (model_template == "parnet:lif") return CellKind::lif;
    return std::nullopt;
}

}  // namespace

SonataCircuit::SonataCircuit(const SonataConfig& config) : config_(config) {
    for (const auto& path : config_.catalogues) catalogues_.add(MechanismCatalogue::load(path));
    model_.file = config_.file;
    model_.run.tstop = config_.tstop;
    model_.run.dt = config_.dt;
    model_.run.runid = config_.runid;
    model_.run.output = config_.output;

    // Node populations, in gid order.
    Gid next = 0;
    for (std::size_t f = 0; f < config_.nodes.size(); ++f) {
        const SonataNodesFile& entry = config_.nodes[f];
        node_types_.push_back(std::make_unique<SonataTypeTable>(entry.node_types_file, "node_type_id"));
        auto pops = read_sonata_nodes(entry.nodes_file);
        for (const std::string& named : entry.populations)
            if (std::none_of(pops.begin(), pops.end(), [&](const auto& p) { return p.name == named; }))
                throw input_error(entry.where + ".populations." + named + ": expected a population of " +
                                  entry.nodes_file.string() + ", which has no /nodes/" + named);
        for (auto& pop : pops) {
            for (const auto& other : model_.populations)
                if (other.name == pop.name)
                    throw input_error(pop.where() + ": expected population names that are unique in the circuit, got " +
                                      pop.name + " a second time");
            if (pop.count == 0) throw input_error(pop.where() + "/node_type_id: expected at least one node, got none");
            Population p;
            p.name = pop.name;
            p.first = next;
            p.count = static_cast<Gid>(pop.count);
            if (pop.count > std::numeric_limits<Gid>::max() - next)
                throw input_error(pop.where() + ": the circuit has more nodes than parnet's gids hold (2^32)");
            next += p.count;
            model_.populations.push_back(std::move(p));
            node_types_of_.push_back(f);
            nodes_.push_back(std::move(pop));
        }
    }

    // Node types -> kinds and parameters.
    node_models_.resize(nodes_.size());
    for (std::size_t p = 0; p < nodes_.size(); ++p) {
        const SonataNodePopulation& pop = nodes_[p];
        const SonataTypeTable& table = *node_types_[node_types_of_[p]];
        Population& population = model_.populations[p];
        std::optional<std::pair<CellKind, std::int64_t>> kind_seen;
        for (std::uint64_t i = 0; i < pop.count; ++i) {
            const std::int64_t id = pop.node_type_id[i];
            if (node_models_[p].count(id)) continue;
            const SonataType* type = table.find(id);
            if (!type)
                throw input_error(pop.where() + "/node_type_id: node " + std::to_string(i) + ": expected a node type of " +
                                  table.file() + ", got " + std::to_string(id) + " (no such node_type_id)");
            const std::string where = table.where(*type) + ": node type " + std::to_string(id);
            const auto model_type = type->get("model_type");
            if (!model_type)
                throw input_error(where + ": model_type: missing; expected virtual, point_neuron, point_process or biophysical");
            SonataNodeModel model;
            if (*model_type == "virtual") {
                model.kind = CellKind::spike_source;
            } else if (*model_type == "point_neuron" || *model_type == "point_process") {
                const std::string tmpl = type->get("model_template").value_or("");
                const auto kind = point_kind(tmpl);
                if (!kind)
                    throw input_error(where + ": model_template: expected nrn:IntFire1 (parnet's intfire) or parnet:lif for a " +
                                      *model_type + ", got \"" + tmpl + "\"");
                model.kind = *kind;
                model.params = kind_defaults(model.kind);
                if (const auto dynamics = type->get("dynamics_params")) {
                    fs::path file = *dynamics;
                    if (file.is_relative())
                        file = config_.component("point_neuron_models_dir").value_or(fs::path(table.file()).parent_path()) / file;
                    const json doc = read_json_file(file, "dynamics_params file of node type " + std::to_string(id));
                    if (!doc.is_object())
                        throw input_error(file.string() + ": expected an object of parameters (" + names_of(model.params) + ")");
                    bool has_c = false, has_r = false;
                    for (const auto& [name, value] : doc.items()) {
                        if (!value.is_number() || !std::isfinite(value.get<double>()))
                            throw input_error(file.string() + ": " + name + ": expected a number, got " + value.dump());
                        if (model.kind == CellKind::lif && name == "R_m") {
                            has_r = true;
                            model.params["R_m"] = value.get<double>();
                            continue;
                        }
                        if (!model.params.count(name))
                            throw input_error(file.string() + ": " + name + ": unknown parameter of " + to_string(model.kind) +
                                              " cells; expected one of: " + names_of(kind_defaults(model.kind)));
                        has_c = has_c || name == "C_m";
                        model.params[name] = value.get<double>();
                    }
                    if (model.kind == CellKind::lif) {
                        if (has_r && has_c) throw input_error(file.string() + ": R_m: expected either C_m or R_m, not both");
                        if (has_r) {
                            if (!(model.params["R_m"] > 0)) throw input_error(file.string() + ": R_m: expected a positive resistance (MOhm)");
                            model.params["C_m"] = model.params["tau_m"] / model.params["R_m"];
                            model.params.erase("R_m");
                        }
                        if (!doc.contains("v_init")) model.params["v_init"] = model.params["v_rest"];
                    }
                } else if (model.kind == CellKind::lif) {
                    model.params["v_init"] = model.params["v_rest"];
                }
            } else if (*model_type == "biophysical") {
                // The template (BMTK's ctdb:Biophys1.hoc, a hoc template) is not run: the morphology
                // and dynamics_params say everything parnet builds (docs/sonata-input.md).
                model.kind = CellKind::cable;
                model.cell = read_biophysical_type(*type, table, config_, catalogues_, where);
            } else if (*model_type == "single_compartment") {
                throw input_error(where + ": model_type single_compartment (template " +
                                  type->get("model_template").value_or("none") +
                                  ") is not supported; give the cell as biophysical with a one-section morphology");
            } else {
                throw input_error(where + ": model_type: expected virtual, point_neuron, point_process or biophysical, got \"" +
                                  *model_type + "\"");
            }
            if (kind_seen && kind_seen->first != model.kind)
                throw input_error(pop.where() + ": expected node types of one cell kind in a population, got " +
                                  to_string(kind_seen->first) + " (node type " + std::to_string(kind_seen->second) + ") and " +
                                  to_string(model.kind) + " (node type " + std::to_string(id) +
                                  "); put them in separate populations");
            if (!kind_seen) {
                kind_seen = {model.kind, id};
                population.kind = model.kind;
                population.source_model = SourceModel::replay;
                for (const auto& [name, value] : model.params) population.params[name] = Distribution::constant(value);
                population.cable = model.cell;   // (estimates of the population's size)
            }
            node_models_[p].emplace(id, std::move(model));
        }
        // Per-node dynamics_params must be parameters of the kind.
        for (const auto& [group_id, group] : pop.groups)
            for (const auto& [name, values] : group.dynamics_params) {
                if (population.kind == CellKind::cable)
                    throw input_error(pop.where() + "/" + std::to_string(group_id) + "/dynamics_params/" + name +
                                      ": per-node parameters of biophysical cells are not read; give them in the node "
                                      "type's dynamics_params file");
                if (!population.params.count(name) || population.kind == CellKind::spike_source)
                    throw input_error(pop.where() + "/" + std::to_string(group_id) + "/dynamics_params/" + name +
                                      ": unknown parameter of " + to_string(population.kind) + " cells; expected one of: " +
                                      names_of(kind_defaults(population.kind)));
                for (std::size_t k = 0; k < values.size(); ++k)
                    if (!std::isfinite(values[k]))
                        throw input_error(pop.where() + "/" + std::to_string(group_id) + "/dynamics_params/" + name + ": row " +
                                          std::to_string(k) + ": expected a finite number");
            }
        if (population.kind == CellKind::spike_source) population.replay_times = {{}};
    }

    auto population_named = [&](const std::string& name, const std::string& where, const std::string& what) {
        for (std::size_t p = 0; p < model_.populations.size(); ++p)
            if (model_.populations[p].name == name) return p;
        std::string list;
        for (const auto& p : model_.populations) list += (list.empty() ? "" : ", ") + p.name;
        throw input_error(where + ": expected " + what + " (" + list + "), got \"" + name + "\"");
    };
    // A node set's population and nodes (a population's name stands for all its nodes).
    auto node_set = [&](const std::string& name, const std::string& where) {
        auto it = config_.node_sets.find(name);
        if (it == config_.node_sets.end()) {
            const std::size_t p = population_named(name, where, "a node set or the name of a node population");
            return std::pair<std::size_t, std::vector<std::uint64_t>>{p, {}};
        }
        const std::size_t p = population_named(it->second.population, it->second.where + ".population", "a node population");
        for (std::uint64_t id : it->second.node_ids)
            if (id >= model_.populations[p].count)
                throw input_error(it->second.where + ".node_id: expected node ids of population " + model_.populations[p].name + " (< " +
                                  std::to_string(model_.populations[p].count) + "), got " + std::to_string(id));
        return std::pair<std::size_t, std::vector<std::uint64_t>>{p, it->second.node_ids};
    };

    // Spike inputs of virtual nodes.
    for (const SonataSpikeInput& input : config_.inputs) {
        const auto [p, ids] = node_set(input.node_set, input.where + ".node_set");
        Population& population = model_.populations[p];
        if (population.kind != CellKind::spike_source)
            throw input_error(input.where + ".node_set: expected virtual nodes (spike inputs drive virtual nodes), got population " +
                              population.name + " of " + to_string(population.kind) + " cells");
        auto times = read_sonata_spike_input(input.file, population.name, population.count);
        if (!ids.empty()) {
            std::set<std::uint64_t> keep(ids.begin(), ids.end());
            for (std::uint64_t n = 0; n < times.size(); ++n)
                if (!keep.count(n)) times[n].clear();
        }
        if (population.replay_times.size() == 1 && population.count > 1) population.replay_times.assign(population.count, {});
        for (std::size_t n = 0; n < times.size(); ++n) {
            auto& mine = population.replay_times[population.count == 1 ? 0 : n];
            mine.insert(mine.end(), times[n].begin(), times[n].end());
            std::sort(mine.begin(), mine.end());
        }
    }

    // Current clamps (lif cells: added to the bias current).
    for (const SonataCurrentClamp& input : config_.clamps) {
        const auto [p, ids] = node_set(input.node_set, input.where + ".node_set");
        const Population& population = model_.populations[p];
        if (population.kind != CellKind::lif && population.kind != CellKind::cable)
            throw input_error(input.where + ".node_set: expected lif or biophysical cells (a current clamp acts on a membrane, "
                              "of a biophysical cell at soma(0.5)), got population " + population.name + " of " +
                              to_string(population.kind) + " cells");
        CurrentClamp c;
        c.population = p;
        c.cells.assign(ids.begin(), ids.end());
        std::sort(c.cells.begin(), c.cells.end());
        c.cells.erase(std::unique(c.cells.begin(), c.cells.end()), c.cells.end());
        c.delay = input.delay;
        c.duration = input.duration;
        c.amplitude = input.amplitude;
        model_.clamps.push_back(std::move(c));
    }

    // Recordings: every population's spikes; reports as traces.
    for (std::size_t p = 0; p < model_.populations.size(); ++p) model_.recordings.spike_populations.push_back(p);
    for (const SonataReport& report : config_.reports) {
        const auto [p, ids] = node_set(report.cells, report.where + ".cells");
        const Population& population = model_.populations[p];
        TraceRecording rec;
        rec.name = report.name;
        rec.population = p;
        rec.cells.assign(ids.begin(), ids.end());
        std::sort(rec.cells.begin(), rec.cells.end());
        rec.cells.erase(std::unique(rec.cells.begin(), rec.cells.end()), rec.cells.end());
        const char* variable = population.kind == CellKind::lif || population.kind == CellKind::cable ? "v"
                               : population.kind == CellKind::intfire                                  ? "m"
                                                                                                       : nullptr;
        if (!variable || report.variable != variable)
            throw input_error(report.where + ".variable_name: expected " +
                              std::string(variable ? variable : "a report of lif or biophysical (v) or intfire (m) cells, not of virtual nodes") +
                              (variable ? " for the " + std::string(to_string(population.kind)) + " cells of population " + population.name : "") +
                              ", got \"" + report.variable + "\"");
        rec.variable = variable;
        rec.interval = report.dt;
        const double steps = rec.interval / model_.run.dt;
        if (steps < 1 - 1e-9 || std::abs(steps - std::round(steps)) > 1e-6 * steps || rec.interval > model_.run.tstop)
            throw input_error(report.where + ".dt: expected a sampling interval that is a whole number of steps dt (" +
                              fmt(model_.run.dt) + " ms) and no longer than tstop, got " + fmt(rec.interval));
        if (report.name == "spikes" || !std::all_of(report.name.begin(), report.name.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
            }))
            throw input_error(report.where + ": expected a report name of letters, digits, '_' or '-' other than \"spikes\"");
        model_.recordings.traces.push_back(std::move(rec));
    }

    // Edge files: populations between node populations of the circuit.
    for (std::size_t f = 0; f < config_.edges.size(); ++f) {
        const SonataEdgesFile& entry = config_.edges[f];
        edge_types_.push_back(std::make_unique<SonataTypeTable>(entry.edge_types_file, "edge_type_id"));
        edge_files_.push_back(std::make_unique<SonataEdgeFile>(entry.edges_file));
        const SonataEdgeFile& file = *edge_files_.back();
        for (const std::string& named : entry.populations)
            if (std::none_of(file.populations().begin(), file.populations().end(), [&](const auto& p) { return p.name == named; }))
                throw input_error(entry.where + ".populations." + named + ": expected a population of " + file.file() +
                                  ", which has no /edges/" + named);
        for (std::size_t i = 0; i < file.populations().size(); ++i) {
            const auto& info = file.populations()[i];
            const std::string at = file.file() + ": /edges/" + info.name;
            EdgePopulation ep;
            ep.file = f;
            ep.index = i;
            ep.types = f;
            ep.source = population_named(info.source_population, at + "/source_node_id: attribute node_population",
                                         "the name of a node population of the circuit");
            ep.target = population_named(info.target_population, at + "/target_node_id: attribute node_population",
                                         "the name of a node population of the circuit");
            if (model_.populations[ep.target].kind == CellKind::spike_source)
                throw input_error(at + "/target_node_id: attribute node_population: expected a population that takes input, got " +
                                  info.target_population + " (virtual nodes take none)");
            edge_populations_.push_back(ep);
        }
    }
}

const SonataNodeModel& SonataCircuit::node_model(Gid g) const {
    const std::size_t p = model_.population_index(g);
    return node_models_[p].at(nodes_[p].node_type_id[g - model_.populations[p].first]);
}

double SonataCircuit::parameter(Gid g, const std::string& name) const {
    const std::size_t p = model_.population_index(g);
    const SonataNodePopulation& pop = nodes_[p];
    const std::uint64_t node = g - model_.populations[p].first;
    const SonataNodeGroup& group = pop.groups.at(pop.node_group_id[node]);
    if (auto it = group.dynamics_params.find(name); it != group.dynamics_params.end())
        return it->second[static_cast<std::size_t>(pop.node_group_index[node])];
    const auto& params = node_model(g).params;
    auto it = params.find(name);
    if (it == params.end()) throw std::logic_error("SonataCircuit: population " + pop.name + " has no parameter " + name);
    return it->second;
}

std::uint64_t SonataCircuit::edge_count() const {
    std::uint64_t n = 0;
    for (const auto& f : edge_files_)
        for (const auto& p : f->populations()) n += p.edges;
    return n;
}

SonataCircuit::Incoming SonataCircuit::read_incoming(std::span<const Gid> gids) const {
    std::vector<Gid> sorted(gids.begin(), gids.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    Incoming in;
    in.connections.resize(sorted.size());
    in.synapses.resize(sorted.size());
    auto& out = in.connections;
    const double dt = model_.run.dt;
    for (const EdgePopulation& ep : edge_populations_) {
        const Population& target = model_.populations[ep.target];
        const Population& source = model_.populations[ep.source];
        std::vector<std::uint64_t> targets;
        std::vector<std::size_t> slot;
        for (std::size_t i = 0; i < sorted.size(); ++i)
            if (target.contains(sorted[i])) {
                targets.push_back(sorted[i] - target.first);
                slot.push_back(i);
            }
        if (targets.empty()) continue;
        const SonataEdgeFile& file = *edge_files_[ep.file];
        const SonataTypeTable& types = *edge_types_[ep.types];
        const std::string population_path = "/edges/" + file.populations()[ep.index].name;
        const std::string at = file.file() + ": " + population_path;
        const SonataEdgeRows rows = file.incoming(ep.index, targets, target.count, source.count);
        // Per edge type: its defaults, checked once.
        struct TypeDefaults {
            std::optional<double> weight, delay, nsyns, section_id, section_pos;
            std::optional<CableSynapse> synapse;   // onto biophysical cells
        };
        const bool biophysical = target.kind == CellKind::cable;
        std::map<std::int64_t, TypeDefaults> defaults;
        auto type_of = [&](std::int64_t id, std::uint64_t edge) -> const TypeDefaults& {
            auto it = defaults.find(id);
            if (it != defaults.end()) return it->second;
            const SonataType* type = types.find(id);
            if (!type)
                throw input_error(at + "/edge_type_id: edge " + std::to_string(edge) + ": expected an edge type of " + types.file() +
                                  ", got " + std::to_string(id) + " (no such edge_type_id)");
            const std::string where = types.where(*type) + ": edge type " + std::to_string(id);
            if (const auto tmpl = type->get("model_template"); !biophysical && tmpl && *tmpl != "static_synapse")
                throw input_error(where + ": model_template: expected static_synapse (point cells take an instantaneous "
                                  "jump per spike), got \"" + *tmpl + "\"");
            if (const auto wf = type->get("weight_function"))
                throw input_error(where + ": weight_function: not supported (got \"" + *wf + "\"); give syn_weight per edge");
            TypeDefaults d{types.number(*type, "syn_weight"), types.number(*type, "delay"), types.number(*type, "nsyns"),
                           types.number(*type, "afferent_section_id"), types.number(*type, "afferent_section_pos"),
                           std::nullopt};
            if (biophysical) d.synapse = read_synapse_model(*type, types, config_, where);
            return defaults.emplace(id, d).first->second;
        };
        for (std::size_t t = 0; t < targets.size(); ++t) {
            const Gid g = target.first + static_cast<Gid>(targets[t]);
            auto& list = out[slot[t]];
            const CellKind kind = target.kind;
            for (std::uint64_t r = rows.offsets[t]; r < rows.offsets[t + 1]; ++r) {
                const std::uint64_t edge = rows.edge_id[r];
                const TypeDefaults& d = type_of(rows.type[r], edge);
                auto value = [&](double own, const std::optional<double>& fallback, const char* name) {
                    if (!std::isnan(own)) return own;
                    if (fallback) return *fallback;
                    throw input_error(at + ": edge " + std::to_string(edge) + ": " + name + ": missing; expected it in the edge's group (" +
                                      population_path + "/<group>/" + name + ") or in the column " + name + " of edge type " +
                                      std::to_string(rows.type[r]) + " in " + types.file());
                };
                double weight = value(rows.weight[r], d.weight, "syn_weight");
                const double delay = value(rows.delay[r], d.delay, "delay");
                const double nsyns = std::isnan(rows.nsyns[r]) ? d.nsyns.value_or(1.0) : rows.nsyns[r];
                weight *= nsyns;  // BMTK's point-neuron rule: nsyns synapses of syn_weight each
                if (!std::isfinite(weight))
                    throw input_error(at + ": edge " + std::to_string(edge) + ": syn_weight: expected a finite number, got " + fmt(weight));
                if (!(delay >= dt * (1 - 1e-9)) || !std::isfinite(delay))
                    throw input_error(at + ": edge " + std::to_string(edge) + ": delay: expected a delay >= dt (" + fmt(dt) +
                                      " ms), got " + fmt(delay));
                Connection c;
                c.source = source.first + static_cast<Gid>(rows.source[r]);
                c.target = g;
                c.weight = weight;
                c.delay = delay;
                // lif: negative weights go to the inhibitory synapse, as NEST's iaf_psc_* route them.
                c.synapse = kind == CellKind::lif && weight < 0 ? 1u : 0u;
                if (biophysical) {
                    // One synapse per edge, where the edge (or its type) puts it, as BMTK and NEURON make them.
                    const CableCellDescription& cell = *node_model(g).cell;
                    const double id = value(rows.section_id[r], d.section_id, "afferent_section_id");
                    const double pos = value(rows.section_pos[r], d.section_pos, "afferent_section_pos");
                    if (!(id >= 0) || id != std::floor(id) || id >= static_cast<double>(cell.sections.size()))
                        throw input_error(at + ": edge " + std::to_string(edge) + ": afferent_section_id: expected a section index of " +
                                          "the target cell (0.." + std::to_string(cell.sections.size() - 1) + "), got " + fmt(id));
                    if (!(pos >= 0 && pos <= 1))
                        throw input_error(at + ": edge " + std::to_string(edge) + ": afferent_section_pos: expected x in [0, 1], got " +
                                          fmt(pos));
                    CableSynapse syn = *d.synapse;
                    // Named by its place among the cell's synapses, not by the edge id, so that
                    // cells with the same synapses can share one description (cell_with).
                    syn.name = "afferent" + std::to_string(in.synapses[slot[t]].size());
                    syn.section = static_cast<std::uint32_t>(id);
                    syn.x = pos;
                    c.synapse = static_cast<std::uint32_t>(in.synapses[slot[t]].size());
                    in.synapses[slot[t]].push_back(std::move(syn));
                }
                c.index = static_cast<std::uint32_t>(list.size());
                list.push_back(c);
            }
        }
    }
    return in;
}

namespace {

// The bytes of everything a synapse list says, so that equal lists give equal keys.
std::string synapses_key(const std::vector<CableSynapse>& synapses) {
    std::string key;
    auto put = [&](const auto& value) { key.append(reinterpret_cast<const char*>(&value), sizeof value); };
    auto put_text = [&](const std::string& text) {
        put(text.size());
        key += text;
    };
    for (const CableSynapse& s : synapses) {
        put_text(s.name);
        put(s.kind);
        put(s.tau);
        put(s.tau1);
        put(s.tau2);
        put(s.e);
        put(s.section);
        put(s.x);
        put(s.point_process.has_value());
        if (!s.point_process) continue;
        const MechanismPlacement& p = *s.point_process;
        put(p.mechanism.get());
        for (const auto* list : {&p.parameters, &p.globals}) {
            put(list->size());
            for (const auto& [name, value] : *list) {
                put_text(name);
                put(value);
            }
        }
        put(p.segment_parameters.size());
        for (const auto& [name, values] : p.segment_parameters) {
            put_text(name);
            put(values.size());
            for (double v : values) put(v);
        }
    }
    return key;
}

}  // namespace

std::shared_ptr<const CableCellDescription> SonataCircuit::cell_with(Gid g, std::vector<CableSynapse> synapses) {
    // Cells of one node type with the same synapses share one description, so that the cable
    // group integrates them together in SIMD blocks, as it does a JSON population's cells.
    const SonataNodeModel& model = node_model(g);
    auto& shared = shared_cells_[{&model, synapses_key(synapses)}];
    if (!shared) {
        auto cell = std::make_shared<CableCellDescription>(*model.cell);
        cell->synapses = std::move(synapses);
        cell->validate();
        shared = std::move(cell);
    }
    return shared;
}

std::shared_ptr<const CableCellDescription> SonataCircuit::cable_cell(Gid g) const {
    if (auto it = cells_.find(g); it != cells_.end()) return it->second;
    if (!node_model(g).cell) throw std::logic_error("SonataCircuit: gid " + std::to_string(g) + " is not a biophysical cell");
    // Not loaded: the node type's cell without synapses (see the header).
    return node_model(g).cell;
}

void SonataCircuit::load_incoming(std::span<const Gid> gids) {
    std::vector<Gid> sorted(gids.begin(), gids.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    loaded_.reserve(loaded_.size() + sorted.size());
    // In slices of targets, so that the reader's temporaries stay small next to the connections kept.
    constexpr std::size_t slice = 4096;
    for (std::size_t begin = 0; begin < sorted.size(); begin += slice) {
        const std::span<const Gid> part(sorted.data() + begin, std::min(slice, sorted.size() - begin));
        Incoming in = read_incoming(part);
        const auto& lists = in.connections;
        for (std::size_t i = 0; i < part.size(); ++i) {
            if (node_model(part[i]).cell) cells_[part[i]] = cell_with(part[i], std::move(in.synapses[i]));
            auto& kept = loaded_[part[i]];
            kept.reserve(lists[i].size());
            for (const Connection& c : lists[i]) kept.push_back({c.source, c.synapse, c.weight, c.delay});
        }
    }
}

void SonataCircuit::forget_loaded() { std::unordered_map<Gid, std::vector<LoadedEdge>>().swap(loaded_); }

std::vector<Connection> SonataCircuit::incoming(Gid g) const {
    if (auto it = loaded_.find(g); it != loaded_.end()) {
        std::vector<Connection> out;
        out.reserve(it->second.size());
        for (const LoadedEdge& e : it->second)
            out.push_back({e.source, g, e.weight, e.delay, e.synapse, static_cast<std::uint32_t>(out.size())});
        return out;
    }
    const std::lock_guard<std::mutex> lock(file_access_);
    const Gid one[] = {g};
    return std::move(read_incoming(one).connections.front());
}

}  // namespace parnet::io
