#pragma once
// Cells that cost the same to simulate share a configuration: the kind and everything of it that
// changes the work per step or per event (cable: compartments by mechanism, synapses; every kind:
// dt). The key is made of those features only, not of population names, so a calibration made on
// one model serves every model built from the same kinds of cells.
#include "engine/model.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace parnet::balance {

struct CellConfiguration {
    std::string key;                      // e.g. "lif dt=0.025", "cable c=200 hh=200 pas=0 expsyn=1 exp2syn=0 table dt=0.025"
    CellKind kind = CellKind::lif;
    std::vector<std::size_t> populations; // populations of the model with this configuration
    std::uint64_t cells = 0;              // cells of the model with it
    std::uint32_t synapses = 0;           // synapse indices an event may target (0: takes no input)
    std::uint64_t compartments = 0;       // cable only
    std::uint32_t block_lanes = 1;        // cells integrated together in one SIMD block (cable)
};

struct ConfigurationIndex {
    std::vector<CellConfiguration> configurations;  // in order of first appearance
    std::vector<std::uint32_t> of_population;       // configuration index of each population
};

std::string configuration_key(const Population& population, double dt);
ConfigurationIndex classify_cells(const Model& model);

}  // namespace parnet::balance
