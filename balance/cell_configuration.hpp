#pragma once
// Cells that cost the same to simulate share a configuration: what the recipe answers for a gid
// that changes the work per step or per event (its kind, a spike source's model, a cable cell's
// compartments and mechanisms; every kind: dt), keyed by engine/cost_model's
// cost_configuration_key. The key is made of those features only, not of population names, so a
// calibration made on one network serves every network built from the same kinds of cells, be it
// a JSON model, a SONATA circuit or a Python recipe.
#include "engine/recipe.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace parnet::balance {

struct CellConfiguration {
    std::string key;                      // e.g. "lif dt=0.025", "cable c=200 ExpSyn=1 hh=200 dt=0.025"
    CellKind kind = CellKind::lif;
    Gid example = 0;                      // its first gid
    std::uint64_t cells = 0;              // cells of the network with it
    std::uint32_t synapses = 0;           // synapse indices an event may target (0: takes no input)
    std::uint64_t compartments = 0;       // cable only
    std::uint32_t block_lanes = 1;        // cells integrated together in one SIMD block (cable)
};

struct ConfigurationIndex {
    std::vector<CellConfiguration> configurations;  // in order of first appearance (by gid)
    std::vector<std::uint32_t> of_gid;              // configuration of every gid
    std::uint32_t of_cell(Gid g) const { return of_gid[g]; }
    // Up to `wanted` gids of configuration c, spread evenly over its cells in gid order.
    std::vector<Gid> sample(std::uint32_t c, std::uint32_t wanted) const;
};

// Asks the recipe every gid's kind (and source model or cable description); cells sharing one
// description are keyed once.
ConfigurationIndex classify_cells(const Recipe& recipe);

}  // namespace parnet::balance
