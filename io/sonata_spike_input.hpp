#pragma once
// A SONATA spike file as the input of virtual nodes (inputs.<name>.input_file): the spikes of one
// node population, /spikes/<population>/timestamps (ms) and node_ids, or BMTK's older layout
// /spikes/timestamps with /spikes/gids or /spikes/node_ids. Returns each node's times, ascending.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace parnet::io {

// node_count: the population's size (node ids are checked against it).
std::vector<std::vector<double>> read_sonata_spike_input(const std::filesystem::path& file, const std::string& population,
                                                         std::uint64_t node_count);

}  // namespace parnet::io
