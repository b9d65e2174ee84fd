#include "balance/cell_configuration.hpp"

#include "engine/cable/builtin_mechanisms.hpp"
#include "engine/cable/cable_cell.hpp"
#include "engine/cable/cable_group.hpp"

#include <map>
#include <sstream>

namespace parnet::balance {

namespace {

const char* source_model_name(SourceModel m) {
    switch (m) {
    case SourceModel::poisson: return "poisson";
    case SourceModel::regular: return "regular";
    case SourceModel::replay: return "replay";
    }
    return "?";
}

std::uint32_t synapse_count(const Population& population) {
    switch (population.kind) {
    case CellKind::spike_source: return 0;
    case CellKind::intfire: return 1;
    case CellKind::lif: return 2;  // exc, inh
    case CellKind::cable: return static_cast<std::uint32_t>(population.cable->synapses.size());
    }
    return 0;
}

}  // namespace

std::string configuration_key(const Population& population, double dt, std::size_t variant) {
    std::ostringstream key;
    key << to_string(population.kind);
    if (population.kind == CellKind::spike_source) key << ' ' << source_model_name(population.source_model);
    if (population.kind == CellKind::cable) {
        const auto cell = cable::with_builtin_mechanisms(population.cable_variant(variant));
        key << " c=" << cell->compartment_count();
        // Reaction-diffusion cells: species (calcium and buffers); their cahva and sk are
        // catalogue mechanisms, counted below.
        if (cell->species_count() > 0) key << " species=" << cell->species_count();
        // Catalogue mechanisms (docs/mechanisms.md): instances per mechanism, in name order,
        // then the GLOBALs set to other values than the defaults (hh's usetable).
        std::map<std::string, std::uint64_t> instances;
        std::map<std::string, double> globals;
        auto count = [&](const MechanismPlacement& p, std::uint64_t n) {
            const std::string name(p.mechanism->name());
            instances[name] += n;
            for (const auto& [global, value] : p.globals) globals.emplace(name + "." + global, value);
        };
        for (const auto& s : cell->sections)
            for (const auto& p : s.mechanisms) count(p, s.ncomp);
        for (const auto& s : cell->synapses) count(*s.point_process, 1);
        for (const auto& [name, n] : instances) key << ' ' << name << '=' << n;
        for (const auto& [name, value] : globals) key << ' ' << name << '=' << value;
    }
    key << " dt=" << dt;
    return key.str();
}

ConfigurationIndex classify_cells(const Model& model) {
    ConfigurationIndex index;
    std::map<std::string, std::uint32_t> by_key;
    for (std::size_t p = 0; p < model.populations.size(); ++p) {
        const Population& pop = model.populations[p];
        index.of_variant.emplace_back();
        for (std::size_t v = 0; v < pop.variant_count(); ++v) {
            if (pop.variant_cells(v) == 0) {   // fewer cells than morphologies
                index.of_variant.back().push_back(index.of_variant.back().front());
                continue;
            }
            const std::string key = configuration_key(pop, model.run.dt, v);
            auto [it, fresh] = by_key.emplace(key, static_cast<std::uint32_t>(index.configurations.size()));
            if (fresh) {
                CellConfiguration c;
                c.key = key;
                c.kind = pop.kind;
                c.synapses = synapse_count(pop);
                if (pop.kind == CellKind::cable) {
                    c.compartments = pop.cable_variant(v)->compartment_count();
                    c.block_lanes = static_cast<std::uint32_t>(CableGroup::lanes);
                }
                index.configurations.push_back(c);
            }
            CellConfiguration& c = index.configurations[it->second];
            c.populations.push_back(p);
            c.variants.push_back(static_cast<std::uint32_t>(v));
            c.cells += pop.variant_cells(v);
            index.of_variant.back().push_back(it->second);
        }
        index.of_population.push_back(index.of_variant.back().front());
    }
    return index;
}

}  // namespace parnet::balance
