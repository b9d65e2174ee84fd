#pragma once
// Biophysical SONATA cells as parnet cable cells (docs/sonata-input.md, "Biophysical cells"). A
// node type's morphology file and dynamics_params become a cable cell description without
// synapses (read by the JSON model's own cable-cell reader); each cell then gets one synapse per
// incoming edge, where its afferent_section_id / afferent_section_pos (or its edge type's) put
// it, of its edge type's synapse model.
#include "engine/cable/cable_cell.hpp"
#include "engine/cable/mechanism_catalogue.hpp"
#include "io/sonata_config.hpp"
#include "io/sonata_type_table.hpp"

#include <memory>
#include <string>

namespace parnet::io {

// The cell of a biophysical node type. `where` names the type ("node_types.csv:3: node type 100").
// Refusals name the type, the file and the field.
std::shared_ptr<const CableCellDescription> read_biophysical_type(const SonataType& type, const SonataTypeTable& table,
                                                                 const SonataConfig& config,
                                                                 const MechanismCatalogues& catalogues,
                                                                 const std::string& where);

// An edge type's synapse onto a biophysical cell: model_template expsyn/ExpSyn or
// exp2syn/Exp2Syn with BMTK's dynamics_params (tau1, tau2, erev; tau for expsyn). Its section
// and x are set per edge.
CableSynapse read_synapse_model(const SonataType& type, const SonataTypeTable& table, const SonataConfig& config,
                                const std::string& where);

}  // namespace parnet::io
