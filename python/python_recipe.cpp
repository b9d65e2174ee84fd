#include "python_recipe.hpp"

#include "engine/cable/cable_cell.hpp"
#include "engine/errors.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

namespace parnet::python {
namespace {

constexpr std::uint32_t no_description = 0xffffffffu;

bool records(CellKind k, const std::string& variable) {
    switch (k) {
    case CellKind::lif: return variable == "v";
    case CellKind::intfire: return variable == "m";
    case CellKind::cable: return variable == "v" || variable == "cai";
    default: return false;
    }
}

std::string recordable(CellKind k) {
    switch (k) {
    case CellKind::lif: return "\"v\"";
    case CellKind::intfire: return "\"m\"";
    case CellKind::cable: return "\"v\" or \"cai\"";
    default: return "nothing";
    }
}

}  // namespace

PythonRecipe::PythonRecipe(std::string origin, std::vector<PopulationRange> populations, std::vector<CellKind> kinds,
                           RunSettings settings, Recordings recordings, double min_delay_bound,
                           std::uint64_t fingerprint)
    : origin_(std::move(origin)), populations_(std::move(populations)), kinds_(std::move(kinds)),
      settings_(std::move(settings)), recordings_(std::move(recordings)), min_delay_bound_(min_delay_bound),
      fingerprint_(fingerprint) {
    const std::string where = origin_ + ": ";
    if (populations_.empty()) throw input_error(where + "populations(): expected at least one population, got none");
    Gid next = 0;
    for (const auto& p : populations_) {
        if (p.first != next || p.count == 0)
            throw input_error(where + "populations(): population " + p.name + " must follow the one before it with at least one cell");
        next = p.first + p.count;
    }
    if (next != kinds_.size())
        throw input_error(where + "the populations hold " + std::to_string(next) + " cells but cell_count() is " +
                          std::to_string(kinds_.size()));
    if (!(settings_.dt > 0) || !std::isfinite(settings_.dt))
        throw input_error(where + "settings(): dt: expected a positive time step in ms");
    for (std::size_t p : recordings_.spike_populations)
        if (p >= populations_.size()) throw std::logic_error("recorded population index out of range");
    for (const TraceRecording& t : recordings_.traces)
        if (t.population >= populations_.size()) throw std::logic_error("traced population index out of range");
}

void PythonRecipe::set_cable_cells(std::vector<std::shared_ptr<const CableCellDescription>> descriptions,
                                   std::span<const Gid> gids, std::span<const std::uint32_t> which) {
    descriptions_ = std::move(descriptions);
    cable_of_.assign(kinds_.size(), no_description);
    for (std::size_t i = 0; i < gids.size(); ++i) {
        if (gids[i] >= kinds_.size() || which[i] >= descriptions_.size())
            throw std::logic_error("set_cable_cells: gid or description out of range");
        cable_of_[gids[i]] = which[i];
    }
}

void PythonRecipe::check() {
    const std::string where = origin_ + ": ";
    for (Gid g = 0; g < kinds_.size(); ++g)
        if (kinds_[g] == CellKind::cable && (cable_of_.empty() || cable_of_[g] == no_description))
            throw input_error(where + "gid " + std::to_string(g) + " is a cable cell without a description");
    for (TraceRecording& t : recordings_.traces) {
        const std::string at = where + "recordings(): trace " + t.name + ": ";
        const PopulationRange& pop = populations_[t.population];
        const double steps = t.interval / settings_.dt;
        if (!(t.interval > 0) || steps < 1 - 1e-9 || std::abs(steps - std::round(steps)) > 1e-6 * steps)
            throw input_error(at + "interval: expected a whole number of steps dt (" + std::to_string(settings_.dt) +
                              " ms), got " + std::to_string(t.interval));
        if (!(t.x >= 0 && t.x <= 1)) throw input_error(at + "x: expected a position in [0, 1], got " + std::to_string(t.x));
        std::vector<Gid> cells = t.cells;
        if (cells.empty())
            for (Gid i = 0; i < pop.count; ++i) cells.push_back(i);
        bool cable = false;
        for (Gid i : cells) {
            if (i >= pop.count)
                throw input_error(at + "cells: " + std::to_string(i) + " is not a cell of population " + pop.name +
                                  " (" + std::to_string(pop.count) + " cells)");
            const Gid g = pop.first + i;
            const CellKind k = kinds_[g];
            if (!records(k, t.variable))
                throw input_error(at + "variable: " + to_string(k) + " cells record " + recordable(k) + ", got \"" +
                                  t.variable + "\"");
            if (k == CellKind::cable) {
                cable = true;
                const std::string section = t.section.empty() ? "soma" : t.section;
                if (!descriptions_[cable_of_[g]]->section_index(section))
                    throw input_error(at + "section: gid " + std::to_string(g) + "'s cell has no section \"" + section + "\"");
            } else if (!t.section.empty()) {
                throw input_error(at + "section: no location: only cable cells have sections");
            }
        }
        if (cable && t.section.empty()) t.section = "soma";
    }
}

std::vector<std::uint32_t> PythonRecipe::synapse_indices(std::span<const Gid> targets,
                                                         const std::vector<std::string>& names) const {
    std::vector<std::uint32_t> out(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const Gid g = targets[i];
        const std::string& name = names[i];
        std::optional<std::uint32_t> index;
        if (g < kinds_.size()) {
            if (kinds_[g] == CellKind::lif && (name == "exc" || name == "inh")) index = name == "exc" ? 0u : 1u;
            if (kinds_[g] == CellKind::cable) index = descriptions_[cable_of_[g]]->synapse_index(name);
        }
        if (!index)
            throw input_error(origin_ + ": connections_on: connection " + std::to_string(i) + " onto gid " +
                              std::to_string(g) + ": synapse: no synapse named \"" + name + "\" on a " +
                              (g < kinds_.size() ? to_string(kinds_[g]) : "missing") + " cell" +
                              (g < kinds_.size() && kinds_[g] == CellKind::lif ? " (exc or inh)" : ""));
        out[i] = *index;
    }
    return out;
}

std::shared_ptr<const CableCellDescription> PythonRecipe::cable_cell(Gid g) const {
    if (kinds_.at(g) != CellKind::cable || cable_of_.empty() || cable_of_[g] == no_description) return nullptr;
    return descriptions_[cable_of_[g]];
}

void PythonRecipe::set_local_gids(std::vector<Gid> gids) {
    local_ = std::move(gids);
    source_models_.assign(local_.size(), SourceModel::poisson);
    parameters_.clear();
    replay_offsets_.assign(local_.size() + 1, 0);
    replay_times_.clear();
    clamps_.clear();
    offsets_.assign(local_.size() + 1, 0);
    sources_.clear();
    weights_.clear();
    delays_.clear();
    synapses_.clear();
    events_.clear();
    released_ = false;
}

std::size_t PythonRecipe::local_index(Gid g) const {
    const auto it = std::lower_bound(local_.begin(), local_.end(), g);
    if (it == local_.end() || *it != g)
        throw std::logic_error(origin_ + ": the engine asked about gid " + std::to_string(g) +
                               ", which this rank's recipe was not prepared for");
    return static_cast<std::size_t>(it - local_.begin());
}

void PythonRecipe::set_source_models(std::span<const std::uint8_t> models) {
    for (std::size_t i = 0; i < models.size() && i < local_.size(); ++i)
        source_models_[i] = static_cast<SourceModel>(models[i]);
}

void PythonRecipe::set_parameter(const std::string& name, std::span<const Gid> gids, std::span<const double> values) {
    auto& column = parameters_.try_emplace(name, local_.size(), std::nan("")).first->second;
    for (std::size_t i = 0; i < gids.size(); ++i) column[local_index(gids[i])] = values[i];
}

void PythonRecipe::set_replay_times(std::span<const std::uint64_t> offsets, std::span<const double> times) {
    replay_offsets_.assign(offsets.begin(), offsets.end());
    replay_times_.assign(times.begin(), times.end());
}

void PythonRecipe::add_clamp(Gid g, double delay, double duration, double amplitude, std::string section, double x) {
    CurrentClamp c;
    c.section = std::move(section);
    c.x = x;
    c.population = population_index(g);
    c.delay = delay;
    c.duration = duration;
    c.amplitude = amplitude;
    clamps_.emplace(g, c);
}

void PythonRecipe::set_connections(std::span<const Gid> targets, std::span<const Gid> sources,
                                   std::span<const double> weights, std::span<const double> delays,
                                   std::span<const std::uint32_t> synapses) {
    const std::size_t n = targets.size();
    // A counting sort by target: stable, so each target keeps the order it was given.
    std::vector<std::uint32_t> slot(n);
    std::vector<std::uint64_t> counts(local_.size() + 1, 0);
    const std::string where = origin_ + ": connections_on: ";
    std::uint32_t last_slot = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (i > 0 && targets[i] == targets[i - 1]) {  // a target's connections usually come together
            slot[i] = last_slot;
        } else {
            const auto it = std::lower_bound(local_.begin(), local_.end(), targets[i]);
            if (it == local_.end() || *it != targets[i])
                throw input_error(where + "connection " + std::to_string(i) + " is onto gid " +
                                  std::to_string(targets[i]) + ", which is not among the gids asked for");
            slot[i] = last_slot = static_cast<std::uint32_t>(it - local_.begin());
        }
        if (sources[i] >= kinds_.size())
            throw input_error(where + "connection " + std::to_string(i) + " comes from gid " + std::to_string(sources[i]) +
                              ", which is not a cell (the recipe has " + std::to_string(kinds_.size()) + ")");
        if (!(delays[i] >= settings_.dt) || !std::isfinite(delays[i]))
            throw input_error(where + "connection " + std::to_string(i) + ": delay: expected at least dt (" +
                              std::to_string(settings_.dt) + " ms), got " + std::to_string(delays[i]));
        if (!std::isfinite(weights[i]))
            throw input_error(where + "connection " + std::to_string(i) + ": weight: expected a finite number");
        const CellKind k = kinds_[targets[i]];
        const std::size_t synapse_count = this->synapse_count(targets[i]);
        if (synapses[i] >= synapse_count)
            throw input_error(where + "connection " + std::to_string(i) + " onto gid " + std::to_string(targets[i]) +
                              ": synapse: expected " +
                              (k == CellKind::lif       ? std::string("0 (exc) or 1 (inh) for a lif cell")
                               : k == CellKind::intfire ? std::string("0 for an intfire cell (one input)")
                               : k == CellKind::cable   ? "a synapse index of the cell (0.." + std::to_string(synapse_count) +
                                                            " excluded) or its name"
                                                        : std::string("no connection: ") + to_string(k) + " cells take no input") +
                              ", got " + std::to_string(synapses[i]));
        ++counts[slot[i] + 1];
    }
    offsets_.assign(local_.size() + 1, 0);
    for (std::size_t i = 0; i < local_.size(); ++i) offsets_[i + 1] = offsets_[i] + counts[i + 1];
    std::vector<std::uint64_t> cursor(offsets_.begin(), offsets_.end() - 1);
    sources_.resize(n);
    weights_.resize(n);
    delays_.resize(n);
    synapses_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t at = cursor[slot[i]]++;
        sources_[at] = sources[i];
        weights_[at] = weights[i];
        delays_[at] = delays[i];
        synapses_[at] = synapses[i];
    }
}

std::size_t PythonRecipe::synapse_count(Gid g) const {
    switch (kinds_[g]) {
    case CellKind::lif: return 2;
    case CellKind::intfire: return 1;
    case CellKind::cable: return descriptions_[cable_of_[g]]->synapses.size();
    default: return 0;
    }
}

void PythonRecipe::set_direct_events(std::span<const Gid> targets, std::span<const double> times,
                                     std::span<const double> weights, std::span<const std::uint32_t> synapses) {
    const std::string where = origin_ + ": direct_events: ";
    events_.clear();
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const std::string which = "event " + std::to_string(i) + " onto gid " + std::to_string(targets[i]);
        if (!std::binary_search(local_.begin(), local_.end(), targets[i]))
            throw input_error(where + which + ": the gid is not among the gids asked for");
        if (!(times[i] >= 0) || !std::isfinite(times[i]))
            throw input_error(where + which + ": time: expected a finite time >= 0 ms, got " + std::to_string(times[i]));
        if (!std::isfinite(weights[i])) throw input_error(where + which + ": weight: expected a finite number");
        const std::size_t count = synapse_count(targets[i]);
        if (synapses[i] >= count)
            throw input_error(where + which + ": synapse: expected an index below " + std::to_string(count) + " (a " +
                              to_string(kinds_[targets[i]]) + " cell" +
                              (count == 0 ? " takes no input" : std::string("'s synapses")) + "), got " +
                              std::to_string(synapses[i]));
        events_.emplace(targets[i], DirectEvent{times[i], weights[i], synapses[i]});  // equal keys keep insertion order
    }
}

std::vector<DirectEvent> PythonRecipe::direct_events(Gid g) const {
    std::vector<DirectEvent> out;
    const auto [first, last] = events_.equal_range(g);
    for (auto it = first; it != last; ++it) out.push_back(it->second);
    return out;
}

double PythonRecipe::parameter(Gid g, const std::string& name) const {
    const auto it = parameters_.find(name);
    if (it != parameters_.end()) {
        const double v = it->second[local_index(g)];
        if (!std::isnan(v)) return v;
    }
    return Recipe::parameter(g, name);
}

SourceModel PythonRecipe::source_model(Gid g) const { return source_models_[local_index(g)]; }

std::span<const double> PythonRecipe::replay_times(Gid g) const {
    const std::size_t i = local_index(g);
    if (replay_offsets_.size() != local_.size() + 1) return {};
    return std::span<const double>(replay_times_).subspan(replay_offsets_[i], replay_offsets_[i + 1] - replay_offsets_[i]);
}

std::vector<CurrentClamp> PythonRecipe::clamps_on(Gid g) const {
    std::vector<CurrentClamp> out;
    const auto [first, last] = clamps_.equal_range(g);
    for (auto it = first; it != last; ++it) out.push_back(it->second);
    return out;
}

void PythonRecipe::release_connections() {
    offsets_ = {};
    sources_ = {};
    weights_ = {};
    delays_ = {};
    synapses_ = {};
    released_ = true;
}

std::vector<Connection> PythonRecipe::incoming(Gid g) const {
    if (released_) throw std::logic_error(origin_ + ": connections asked for after the cells were built");
    const std::size_t i = local_index(g);
    std::vector<Connection> out;
    out.reserve(offsets_[i + 1] - offsets_[i]);
    for (std::uint64_t k = offsets_[i]; k < offsets_[i + 1]; ++k) {
        Connection c;
        c.source = sources_[k];
        c.target = g;
        c.weight = weights_[k];
        c.delay = delays_[k];
        c.synapse = synapses_[k];
        c.index = static_cast<std::uint32_t>(out.size());
        out.push_back(c);
    }
    return out;
}

}  // namespace parnet::python
