#include "cost_estimate.hpp"

#include "cable/cable_cell.hpp"

namespace parnet {

double estimated_cost(const Network& network, Gid g) {
    const Population& pop = network.population_of(g);
    switch (pop.kind) {
    case CellKind::spike_source: return 0.02;
    case CellKind::intfire: return 0.05;
    case CellKind::lif: return 1.0;
    case CellKind::cable: {
        // Per compartment: ~4 ns for the cable, ~4 ns more per species (measured, bench/cable_bench);
        // a catalogue mechanism instance ~3 ns (a guess between pas and hh, bench/mechanism_bench;
        // the planner's measurements replace it).
        double instances = 0;
        for (const auto& s : pop.cable_of(g)->sections) instances += static_cast<double>(s.mechanisms.size() * s.ncomp);
        return (2.0 + 2.0 * static_cast<double>(pop.cable_of(g)->species_count())) *
                   static_cast<double>(pop.cable_of(g)->compartment_count()) +
               1.5 * instances;
    }
    }
    return 1.0;
}

}  // namespace parnet
