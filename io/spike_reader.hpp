#pragma once
// Reads a SONATA spike file written by an earlier run back into (gid, detector, time) spikes, mapping each
// population's node ids onto the network's gids (a recipe's populations). Used to replay single cells with the exact input
// they received (like NEURON's PatternStim).
#include "engine/recipe.hpp"
#include "io/sonata_layout.hpp"

#include <filesystem>
#include <span>
#include <vector>

namespace parnet::io {

// All spikes of the file whose population is one of `populations`. Throws input_error naming the
// file and the dataset when the file is unreadable, malformed, or has node ids outside a
// population; a population missing from the file is an error when `required` lists its index.
std::vector<Spike> read_spikes(const std::filesystem::path& file, std::span<const SpikePopulation> populations,
                               const std::vector<std::size_t>& required);
// The same for the populations' own spikes (detector 0 of every cell).
std::vector<Spike> read_spikes(const std::filesystem::path& file, std::span<const PopulationRange> populations,
                               const std::vector<std::size_t>& required);

}  // namespace parnet::io
