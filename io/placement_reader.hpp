#pragma once
// Reads the placement fields of a cable cell (docs/morphology.md): "regions", "biophysics",
// "nseg", "distance_origin", and parameter values given as functions of distance. Every error
// names the file, the JSON path and what was expected.
#include "engine/cable/placement.hpp"
#include "io/json_fields.hpp"

namespace parnet::io {

// A nseg value: a positive integer, {"per_length": um} or {"d_lambda": f, "frequency": Hz}.
cable::NsegRule read_nseg_rule(const JsonObject& parent, std::string_view key);

// A section type: "soma", "axon", "dend" (or "basal"), "apic", or an SWC code >= 0.
int read_section_type(const JsonObject& parent, std::string_view key);

// The placement of `cell` (its sections read already, types given per section); mechanisms other
// than hh and pas are looked up in `catalogues`.
cable::Placement read_placement(const JsonObject& cell, const CableCellDescription& sections,
                                std::vector<int> section_types, const MechanismCatalogues& catalogues);

}  // namespace parnet::io
