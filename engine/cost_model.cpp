#include "cost_model.hpp"

#include "cable/cable_cell.hpp"

#include <stdexcept>

namespace parnet {

namespace {
// Seconds per unit of work, fitted to `plan` measurements of lif, intfire, spike source and seven
// cable configurations (20-200 compartments, 1-200 of them with hh) on the development machine:
// Xeon with AVX-512, GCC 12 -O3 -march=native (docs/planning.md, "Static costs").
constexpr double lif_per_step = 2.5e-9;
constexpr double intfire_per_ms = 5.0e-9;          // event-driven: bookkeeping only
constexpr double source_per_ms = 7.0e-9;           // event-driven: drawing and emitting spikes
constexpr double cable_per_step = 5.0e-9;          // per cell: detector and block bookkeeping
constexpr double cable_per_compartment_step = 5.2e-9;  // matrix assembly and Hines solve
constexpr double hh_per_compartment_step = 9.5e-9;     // rates and gates
constexpr double pas_per_compartment_step = 0.2e-9;
constexpr double synapse_per_step = 1.0e-9;        // ExpSyn; Exp2Syn twice that
constexpr double species_per_compartment_step = 4.0e-9;  // calcium or a buffer: diffusion and reaction
constexpr double calcium_channel_per_compartment_step = 3.0e-9;  // cahva or sk
// A catalogue mechanism instance: a guess between pas and hh (bench/mechanism_bench); the
// planner's measurements replace it.
constexpr double catalogue_mechanism_per_compartment_step = 3.0e-9;
constexpr double point_event = 7.0e-8;             // queue and delivery of one event
constexpr double cable_event = 8.0e-8;
}  // namespace

StaticCost static_cell_cost(CellKind kind, const CableCellDescription* cable, double dt) {
    const double steps_per_ms = 1.0 / dt;
    StaticCost cost;
    switch (kind) {
    case CellKind::spike_source:
        cost.seconds_per_cell_ms = source_per_ms;
        break;
    case CellKind::intfire:
        cost.seconds_per_cell_ms = intfire_per_ms;
        cost.seconds_per_event = point_event;
        break;
    case CellKind::lif:
        cost.seconds_per_cell_ms = lif_per_step * steps_per_ms;
        cost.seconds_per_event = point_event;
        break;
    case CellKind::cable: {
        if (!cable) throw std::logic_error("static_cell_cost: a cable cell needs its description");
        const CableCellDescription& cell = *cable;
        const auto compartments = static_cast<double>(cell.compartment_count());
        double per_step = cable_per_step + cable_per_compartment_step * compartments;
        per_step += species_per_compartment_step * static_cast<double>(cell.species_count()) * compartments;
        for (const auto& s : cell.sections) {
            if (s.hh) per_step += hh_per_compartment_step * s.ncomp;
            if (s.pas) per_step += pas_per_compartment_step * s.ncomp;
            if (s.cahva) per_step += calcium_channel_per_compartment_step * s.ncomp;
            if (s.sk) per_step += calcium_channel_per_compartment_step * s.ncomp;
            per_step += catalogue_mechanism_per_compartment_step * static_cast<double>(s.mechanisms.size() * s.ncomp);
        }
        for (const auto& s : cell.synapses)
            per_step += synapse_per_step * (s.kind == SynapseKind::exp2syn ? 2.0 : 1.0);
        cost.seconds_per_cell_ms = per_step * steps_per_ms;
        cost.seconds_per_event = cable_event;
        break;
    }
    }
    return cost;
}

}  // namespace parnet
