#include "cost_model.hpp"

#include "cable/builtin_mechanisms.hpp"
#include "cable/cable_cell.hpp"

#include <map>
#include <sstream>
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
// A catalogue mechanism instance per step: a current, plus its STATEs' rates and integration. Fitted
// to the built-ins (pas: no state, 0.2 ns; hh: three, 9.5 ns); other mechanisms (ExpSyn's one
// state is nearer 1 ns) are a guess that the planner's measurements replace.
constexpr double mechanism_per_instance_step = 0.2e-9;
constexpr double mechanism_per_state_step = 3.1e-9;
constexpr double species_per_compartment_step = 4.0e-9;  // calcium or a buffer: diffusion and reaction
constexpr double point_event = 7.0e-8;             // queue and delivery of one event
constexpr double cable_event = 8.0e-8;
// Artificial cells (NMODL ARTIFICIAL_CELL): event-driven like intfire; an event is a NET_RECEIVE
// kernel call through the mechanism ABI. `plan` measured 6.2-6.7 ns per cell-ms (IntervalFire pacing
// itself every ~10 ms by self events) and 37-40 ns per event on 2,500 IntervalFire and BurstFire
// cells (docs/mechanisms.md, "Artificial cells"); an event is given point cells' fitted cost.
constexpr double artificial_per_ms = 7.0e-9;
constexpr double artificial_event = point_event;
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
    case CellKind::artificial:
        cost.seconds_per_cell_ms = artificial_per_ms;
        cost.seconds_per_event = artificial_event;
        break;
    case CellKind::cable: {
        if (!cable) throw std::logic_error("static_cell_cost: a cable cell needs its description");
        const auto lowered = cable::with_builtin_mechanisms(std::shared_ptr<const CableCellDescription>(
            std::shared_ptr<const CableCellDescription>{}, cable));   // not owned: no copy when nothing to lower
        const CableCellDescription& cell = *lowered;
        auto per_instance = [](const MechanismPlacement& p) {
            return mechanism_per_instance_step + mechanism_per_state_step * p.mechanism->abi().state_count;
        };
        const auto compartments = static_cast<double>(cell.compartment_count());
        double per_step = cable_per_step + cable_per_compartment_step * compartments;
        per_step += species_per_compartment_step * static_cast<double>(cell.species_count()) * compartments;
        for (const auto& s : cell.sections) {
            for (const auto& p : s.mechanisms) per_step += per_instance(p) * s.ncomp;
        }
        for (const auto& s : cell.synapses) per_step += per_instance(*s.point_process);
        cost.seconds_per_cell_ms = per_step * steps_per_ms;
        cost.seconds_per_event = cable_event;
        break;
    }
    }
    return cost;
}

namespace {
const char* source_model_name(SourceModel m) {
    switch (m) {
    case SourceModel::poisson: return "poisson";
    case SourceModel::regular: return "regular";
    case SourceModel::replay: return "replay";
    }
    return "?";
}
}  // namespace

std::string cost_configuration_key(CellKind kind, SourceModel source, const CableCellDescription* cable, double dt) {
    std::ostringstream key;
    key << to_string(kind);
    if (kind == CellKind::spike_source) key << ' ' << source_model_name(source);
    if (kind == CellKind::cable) {
        if (!cable) throw std::logic_error("cost_configuration_key: a cable cell needs its description");
        const auto cell = cable::with_builtin_mechanisms(
            std::shared_ptr<const CableCellDescription>(std::shared_ptr<const CableCellDescription>{}, cable));
        key << " c=" << cell->compartment_count();
        // Reaction-diffusion cells: species (calcium and buffers); their cahva and sk are
        // catalogue mechanisms, counted below.
        if (cell->species_count() > 0) key << " species=" << cell->species_count();
        // Catalogue mechanisms (docs/mechanisms.md): instances per mechanism, in name order,
        // then the GLOBALs set to other values than the defaults (hh's usetable).
        std::map<std::string, std::uint64_t> instances;
        std::map<std::string, double> globals;
        auto count = [&](const MechanismPlacement& p, std::uint64_t n) {
            const std::string name(p.mechanism->name());
            instances[name] += n;
            for (const auto& [global, value] : p.globals) globals.emplace(name + "." + global, value);
        };
        for (const auto& s : cell->sections)
            for (const auto& p : s.mechanisms) count(p, s.ncomp);
        for (const auto& s : cell->synapses) count(*s.point_process, 1);
        for (const auto& [name, n] : instances) key << ' ' << name << '=' << n;
        for (const auto& [name, value] : globals) key << ' ' << name << '=' << value;
    }
    key << " dt=" << dt;
    return key.str();
}

std::uint32_t synapse_count(CellKind kind, const CableCellDescription* cable) {
    switch (kind) {
    case CellKind::spike_source: return 0;
    case CellKind::intfire: return 1;
    case CellKind::artificial: return 1;
    case CellKind::lif: return 2;  // exc, inh
    case CellKind::cable: return cable ? static_cast<std::uint32_t>(cable->synapses.size()) : 0;
    }
    return 0;
}

}  // namespace parnet
