#include "cell_group.hpp"

#include "cable/cable_group.hpp"
#include "cells/intfire_group.hpp"
#include "cells/lif_group.hpp"
#include "cells/spike_source_group.hpp"
#include "network.hpp"

#include <stdexcept>

namespace parnet {

std::unique_ptr<CellGroup> make_cell_group(const Network& network, std::span<const Gid> gids) {
    if (gids.empty()) throw std::logic_error("make_cell_group: no cells");
    switch (network.kind(gids.front())) {
    case CellKind::spike_source: return make_spike_source_group(network, gids);
    case CellKind::intfire: return make_intfire_group(network, gids);
    case CellKind::lif: return make_lif_group(network, gids);
    case CellKind::cable: return make_cable_group(network, gids);
    }
    throw std::logic_error("make_cell_group: unknown cell kind");
}

}  // namespace parnet
