#pragma once
// Cells that cost the same to simulate share a configuration: the kind and everything of it that
// changes the work per step or per event (cable: compartments, instances per catalogue mechanism
// by name, GLOBALs set; every kind: dt). The key is made of those features only, not of
// population names, so a calibration made on one model serves every model built from the same
// kinds of cells.
#include "engine/model.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace parnet::balance {

struct CellConfiguration {
    std::string key;                      // e.g. "lif dt=0.025", "cable c=200 ExpSyn=1 hh=200 dt=0.025"
    CellKind kind = CellKind::lif;
    std::vector<std::size_t> populations; // populations of the model with this configuration
    // Per entry of `populations`: which of its cells (a cable population with a list of
    // morphologies has one configuration per morphology: cells i with i % variant_count == variant).
    std::vector<std::uint32_t> variants;
    std::uint64_t cells = 0;              // cells of the model with it
    std::uint32_t synapses = 0;           // synapse indices an event may target (0: takes no input)
    std::uint64_t compartments = 0;       // cable only
    std::uint32_t block_lanes = 1;        // cells integrated together in one SIMD block (cable)
};

struct ConfigurationIndex {
    std::vector<CellConfiguration> configurations;  // in order of first appearance
    std::vector<std::uint32_t> of_population;       // configuration index of each population (its first variant)
    std::vector<std::vector<std::uint32_t>> of_variant;  // per population, per variant
    std::uint32_t of_cell(const Population& population, std::size_t p, Gid g) const {
        return of_variant[p][population.variant_of(g)];
    }
};

std::string configuration_key(const Population& population, double dt, std::size_t variant = 0);
ConfigurationIndex classify_cells(const Model& model);

}  // namespace parnet::balance
