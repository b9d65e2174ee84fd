#pragma once
// The built-in shorthands of a cable cell description — hh and pas on sections (HodgkinHuxley,
// PassiveLeak, per section or per segment), the reaction-diffusion cells' cahva and sk
// (CalciumChannel, CalciumActivatedPotassium), the expsyn/exp2syn synapse kinds, hh_rates —
// turned into what they stand for: placements of the built-in catalogue's hh, pas, cahva, sk,
// ExpSyn and Exp2Syn (mechanisms/*.mod, docs/mechanisms.md). The cable groups, the planner's configurations and the
// cost model see only catalogue mechanisms.
#include "cable_cell.hpp"

#include <memory>

namespace parnet::cable {

// The description with every shorthand replaced by its catalogue placement (the same object
// when it has none): a section's hh and pas come first among its mechanisms, cahva and sk last; hh's ena and ek,
// where they differ from the na and k ions' defaults, become the section's reversal potentials;
// hh_rates exact sets hh's GLOBAL usetable to 0.
std::shared_ptr<const CableCellDescription> with_builtin_mechanisms(std::shared_ptr<const CableCellDescription> cell);

}  // namespace parnet::cable
