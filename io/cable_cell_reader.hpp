#pragma once
// Reads a cable cell object of the model file (the shape is in docs/cable-cells.md). Every error
// names the file, the JSON path and what was expected.
#include "engine/cable/cable_cell.hpp"
#include "io/json_fields.hpp"

#include <memory>

namespace parnet::io {

// Mechanisms other than the hand-written hh, pas, cahva and sk are looked up in `catalogues`
// (the built-in catalogue when none are given; docs/mechanisms.md).
std::shared_ptr<const CableCellDescription> read_cable_cell(const JsonObject& cell);
std::shared_ptr<const CableCellDescription> read_cable_cell(const JsonObject& cell,
                                                            const MechanismCatalogues& catalogues);

}  // namespace parnet::io
