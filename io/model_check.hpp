#pragma once
// What `engine --check` checks of a model before anything is built: the file reads and validates
// (io/model_reader.hpp) and the job's estimated memory fits its ranks (engine/memory_estimate.hpp).
// The engine runs it before every run; the model fuzzer (tests/fuzz) runs it in-process.
#include "engine/memory_estimate.hpp"
#include "io/model_reader.hpp"

#include <filesystem>
#include <string>

namespace parnet::io {

struct CheckedModel {
    Model model;
    MemoryEstimate estimate;
};

// Throws input_error naming the file and field (or the option) of the first problem.
// `bytes_per_rank` <= 0: this node's memory shared by `ranks_on_node` ranks.
CheckedModel check_model(const std::filesystem::path& file, const RunOverrides& overrides, double flush_ms, int ranks,
                         int ranks_on_node, double bytes_per_rank, const std::string& advice = engine_memory_advice);

// What `engine --check` prints of a valid model: its cells, populations, connections and memory.
std::string check_summary(const Model& model, const MemoryEstimate& estimate, double connections,
                          const std::string& file, int ranks);

}  // namespace parnet::io
