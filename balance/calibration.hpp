#pragma once
// What simulating one cell costs on one machine, per configuration (cell_configuration.hpp):
// seconds of compute per cell per simulated ms, and seconds per delivered event. Saved as JSON so a
// user calibrates once on the cluster's node type and reuses it for every plan
// (docs/planning.md, "Calibration files").
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace parnet::balance {

struct ConfigurationCost {
    double seconds_per_cell_ms = 0.0;  // integrating one cell through 1 ms of simulated time
    double seconds_per_event = 0.0;    // delivering one event to such a cell (queue included)
    std::uint32_t sample_cells = 0;    // how many cells were timed (0: not measured, e.g. static)
    std::string source;                // "measured" or "static"
};

struct Calibration {
    std::string host;                  // where it was measured
    std::string created;               // UTC time, ISO 8601
    double seconds_per_queued_event = 0.0;  // the event queue's share, included in seconds_per_event
    std::map<std::string, ConfigurationCost> costs;  // by configuration key

    const ConfigurationCost* find(const std::string& key) const {
        auto it = costs.find(key);
        return it == costs.end() ? nullptr : &it->second;
    }
};

// Throws input_error naming the file and field on any problem.
Calibration read_calibration(const std::filesystem::path& file);
void write_calibration(const std::filesystem::path& file, const Calibration& calibration);

}  // namespace parnet::balance
