#include "balance/cell_configuration.hpp"

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
        const CableCellDescription& cell = *population.cable_variant(variant);
        std::uint64_t hh = 0, pas = 0, cahva = 0, sk = 0;
        for (const auto& s : cell.sections) {
            if (s.hh) hh += s.ncomp;
            if (s.pas) pas += s.ncomp;
            if (s.cahva) cahva += s.ncomp;
            if (s.sk) sk += s.ncomp;
        }
        std::uint32_t expsyn = 0, exp2syn = 0;
        for (const auto& s : cell.synapses) (s.kind == SynapseKind::expsyn ? expsyn : exp2syn) += 1;
        key << " c=" << cell.compartment_count() << " hh=" << hh << " pas=" << pas << " expsyn=" << expsyn
            << " exp2syn=" << exp2syn << (cell.hh_rates == RateEvaluation::table ? " table" : " exact");
        // Reaction-diffusion cells: species (calcium and buffers) and the calcium mechanisms.
        if (cell.species_count() > 0) key << " species=" << cell.species_count() << " cahva=" << cahva << " sk=" << sk;
        // Catalogue mechanisms (docs/mechanisms.md): instances per mechanism, whatever they are.
        std::map<std::string, std::uint64_t> catalogue;
        for (const auto& s : cell.sections)
            for (const auto& p : s.mechanisms) catalogue[std::string(p.mechanism->name())] += s.ncomp;
        for (const auto& s : cell.synapses)
            if (s.point_process) catalogue[std::string(s.point_process->mechanism->name())] += 1;
        for (const auto& [name, count] : catalogue) key << ' ' << name << '=' << count;
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
