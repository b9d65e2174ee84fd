#pragma once
// The model's recordings as the SONATA files name them: the spike file's populations, and what a
// trace recording samples on this rank — the cells (ascending gids), their node ids within the
// population, the element id of each value (the compartment a cable cell's value is read at; 0
// for point cells) and the units. The run library (run/) opens its output from this one description.
#include "engine/recipe.hpp"
#include "io/sonata_spike_writer.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace parnet::io {

struct TraceMapping {
    std::vector<Gid> gids;                  // this rank's sampled cells, ascending
    std::vector<std::uint64_t> node_ids;    // gid - population's first gid
    std::vector<std::uint32_t> element_counts;  // one value per cell
    std::vector<std::uint32_t> element_ids;
    std::string units;
};

// local: this rank's gids, ascending.
TraceMapping trace_mapping(const Recipe& recipe, const TraceRecording& recording, std::span<const Gid> local);

// The spike file's populations of the recipe's population p: its own (detector 0), then, for a
// cable population whose cells have further detectors, one per detector d named
// "<population>.<detector name>" (the detectors of its first cell: every cell of a population
// has the same ones).
std::vector<SpikePopulation> spike_populations_of(const Recipe& recipe, std::size_t p);
// The spike populations of the populations the recipe records, in its order.
std::vector<SpikePopulation> recorded_populations(const Recipe& recipe);

}  // namespace parnet::io
