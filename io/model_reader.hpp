#pragma once
// Reads and validates a model file (docs/model-format.md). Every error names the file, the path of
// the field and what was expected; nothing runs on a model that did not pass.
#include "engine/model.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace parnet::io {

// What the command line overrides of the model's run settings, or adds to the model; validated
// like the file's own (an error names the option).
struct RunOverrides {
    std::optional<double> tstop;         // --tstop
    std::optional<std::string> output;   // -o/--output
    // --catalogue: mechanism catalogue libraries searched before the model's own "catalogues"
    // (docs/mechanisms.md).
    std::vector<std::string> catalogues = {};
};

Model read_model(const std::filesystem::path& file, const RunOverrides& overrides = {});
// For tests and tools that build a model in memory; `file` is only used in messages.
Model parse_model(const nlohmann::json& document, const std::string& file, const RunOverrides& overrides = {});
// A JSON file, refused with the file named if it cannot be read, is not JSON, nests deeper than a
// model does or holds a number no double holds.
nlohmann::json read_json_file(const std::filesystem::path& file, const std::string& what);

}  // namespace parnet::io
