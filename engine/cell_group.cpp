#include "cell_group.hpp"

#include "cable/cable_group.hpp"
#include "cells/artificial_group.hpp"
#include "cells/intfire_group.hpp"
#include "cells/lif_group.hpp"
#include "cells/spike_source_group.hpp"
#include "errors.hpp"
#include "recipe.hpp"

#include <stdexcept>

namespace parnet {

std::size_t CellGroup::add_probe(std::size_t, const std::string& variable, const std::string&, double) {
    throw input_error("this cell kind has no recordable variable \"" + variable + "\"");
}

double CellGroup::probe_value(std::size_t) const { throw std::logic_error("CellGroup: no probes"); }

void CellGroup::advance_steps(const Epoch&, const StepEvents&, std::vector<Spike>&) {
    throw std::logic_error("CellGroup: this kind takes events as per-cell lanes");
}

std::unique_ptr<CellGroup> make_cell_group(const Recipe& recipe, std::span<const Gid> gids) {
    if (gids.empty()) throw std::logic_error("make_cell_group: no cells");
    switch (recipe.kind(gids.front())) {
    case CellKind::spike_source: return make_spike_source_group(recipe, gids);
    case CellKind::intfire: return make_intfire_group(recipe, gids);
    case CellKind::lif: return make_lif_group(recipe, gids);
    case CellKind::cable: return make_cable_group(recipe, gids);
    case CellKind::artificial: return make_artificial_group(recipe, gids);
    }
    throw std::logic_error("make_cell_group: unknown cell kind");
}

}  // namespace parnet
