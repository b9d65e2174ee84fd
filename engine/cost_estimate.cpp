#include "cost_estimate.hpp"

#include "cable/cable_cell.hpp"

namespace parnet {

double estimated_cost(const Recipe& recipe, Gid g) {
    switch (recipe.kind(g)) {
    case CellKind::spike_source: return 0.02;
    case CellKind::intfire: return 0.05;
    case CellKind::lif: return 1.0;
    case CellKind::cable: {
        // Per compartment: ~4 ns for the cable, ~4 ns more per species (measured, bench/cable_bench);
        // a catalogue mechanism instance ~3 ns (a guess between pas and hh, bench/mechanism_bench;
        // the planner's measurements replace it).
        const auto cell = recipe.cable_cell(g);
        double instances = 0;
        for (const auto& s : cell->sections) instances += static_cast<double>(s.mechanisms.size() * s.ncomp);
        return (2.0 + 2.0 * static_cast<double>(cell->species_count())) * static_cast<double>(cell->compartment_count()) +
               1.5 * instances;
    }
    }
    return 1.0;
}

}  // namespace parnet
