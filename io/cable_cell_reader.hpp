#pragma once
// Reads a cable cell object of the model file (the shape is in docs/cable-cells.md). Every error
// names the file, the JSON path and what was expected.
#include "engine/cable/cable_cell.hpp"
#include "io/json_fields.hpp"

#include <memory>

namespace parnet::io {

std::shared_ptr<const CableCellDescription> read_cable_cell(const JsonObject& cell);

}  // namespace parnet::io
