#pragma once
// The output folder before a run (rank 0 alone; the caller agrees the outcome): created, its disk
// checked for the space the run will write, and the results of an earlier run removed, so that
// they cannot pass for this run's if this one fails (docs/saving-data.md).
#include "engine/memory_estimate.hpp"
#include "io/saving_strategy.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace parnet::run {

// `files`: the names this run writes into the folder (spikes.h5, report.json, the traces).
// Throws input_error naming the folder.
void prepare_output_folder(const std::filesystem::path& out_dir, const std::vector<std::string>& files,
                           io::SavingStrategy saving, const MemoryItem& expected_output, const std::string& program);

}  // namespace parnet::run
