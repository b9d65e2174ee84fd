#pragma once
// Reads a SONATA spike file written by an earlier run back into (gid, time) spikes, mapping each
// population's node ids onto the model's gids. Used to replay single cells with the exact input
// they received (like NEURON's PatternStim).
#include "engine/model.hpp"

#include <filesystem>
#include <vector>

namespace parnet::io {

// All spikes of the file whose population is in the model. Throws input_error naming the file
// and the dataset when the file is unreadable, malformed, or has node ids outside a population;
// a population of the model missing from the file is an error when `required` lists it.
std::vector<Spike> read_spikes(const std::filesystem::path& file, const Model& model,
                               const std::vector<std::size_t>& required);

}  // namespace parnet::io
