#pragma once
// Reads and validates a model file (docs/model-format.md). Every error names the file, the path of
// the field and what was expected; nothing runs on a model that did not pass.
#include "engine/model.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace parnet::io {

// `catalogues`: mechanism catalogue libraries named on the command line, searched before the
// model's own "catalogues" (docs/mechanisms.md).
Model read_model(const std::filesystem::path& file, const std::vector<std::string>& catalogues = {});
// For tests and tools that build a model in memory; `file` is only used in messages.
Model parse_model(const nlohmann::json& document, const std::string& file,
                  const std::vector<std::string>& catalogues = {});

}  // namespace parnet::io
