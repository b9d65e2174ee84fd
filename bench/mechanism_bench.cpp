// Google Benchmark: the generated hh (mechanisms/hh.mod through parnet-modcc, the built-in
// catalogue) against the hand-written hh kernel, on cells where hh dominates the step: one
// 100-compartment hh section per cell, 64 cells (8 blocks). items_per_second counts
// compartment-steps; the ratio of the two is the generated kernel's cost.
//
//   ./mechanism_bench --benchmark_min_time=2 --benchmark_repetitions=3
#include "engine/cable/cable_cell.hpp"
#include "engine/cable/cable_group.hpp"
#include "engine/event.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

namespace {

using namespace parnet;

std::shared_ptr<CableCellDescription> hh_cable(RateEvaluation rates, bool generated) {
    auto cell = std::make_shared<CableCellDescription>();
    CableSection s;
    s.name = "axon";
    s.length = 1000;
    s.diam = 1;
    s.ncomp = 100;
    s.Ra = 100;
    if (generated) {
        MechanismPlacement hh{MechanismCatalogue::builtin()->find("hh"), {}, {}};
        if (rates == RateEvaluation::exact) hh.globals = {{"usetable", 0.0}};
        s.mechanisms.push_back(hh);
    } else {
        s.hh = HodgkinHuxley{};
    }
    cell->sections = {s};
    cell->hh_rates = rates;
    return cell;
}

// Times 40-step epochs of the group; items are compartment-steps.
void advance_epochs(benchmark::State& state, CableGroup group, double dt) {
    const Step epoch_steps = 40;
    std::vector<Spike> spikes;
    Step step = 0;
    for (auto _ : state) {
        group.advance({step, step + epoch_steps, dt}, EventLanes{}, spikes);
        step += epoch_steps;
        spikes.clear();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * epoch_steps *
                            static_cast<std::int64_t>(group.compartment_count()));
}

void run(benchmark::State& state, RateEvaluation rates, bool generated) {
    constexpr std::size_t cells = 64;
    const double dt = 0.025;
    const auto cell = hh_cable(rates, generated);
    std::vector<CableGroup::Cell> list;
    for (std::size_t c = 0; c < cells; ++c) {
        CurrentClamp clamp;
        clamp.section = "axon";
        clamp.x = 0.0;
        clamp.delay = 1;
        clamp.duration = 1e9;
        clamp.amplitude = 0.05 + 0.001 * static_cast<double>(c);   // every cell keeps firing
        list.push_back({static_cast<Gid>(c), cell, {clamp}});
    }
    advance_epochs(state, CableGroup(std::move(list), dt), dt);
}

#ifdef PARNET_TEST_CATALOGUE
// The ten-mechanism compartment of tests/mechanisms (tools/neuron_reference/catalogue_mechanisms.py;
// time_catalogue_cell.py times NEURON on it): 1000 cells clamped with 0.3 nA from 5 ms.
void TenMechanismCompartment(benchmark::State& state) {
    MechanismCatalogues catalogues;
    catalogues.add(MechanismCatalogue::load(PARNET_TEST_CATALOGUE));
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> soma = {
        {"pas", {{"g", 1e-4}, {"e", -65.0}}}, {"HHna", {{"gnabar", 0.12}}}, {"HHk", {{"gkbar", 0.036}}},
        {"cachan1", {{"imax", 0.002}}}, {"capump", {{"vmax", 0.001}}}, {"cachan", {{"pcabar", 2e-7}}},
        {"cad", {{"depth", 0.1}, {"taur", 80.0}}}, {"cahva", {{"gbar", 5e-4}}}, {"kca", {{"gbar", 2e-4}}},
        {"ih", {{"gbar", 2e-4}}}};
    auto cell = std::make_shared<CableCellDescription>();
    CableSection s;
    s.name = "soma";
    s.length = s.diam = 20;
    for (const auto& [name, params] : soma) s.mechanisms.push_back({catalogues.find(name), params, {}});
    cell->sections = {s};
    cell->celsius = 16;
    constexpr std::size_t cells = 1000;
    const double dt = 0.025;
    std::vector<CableGroup::Cell> list;
    for (std::size_t c = 0; c < cells; ++c) {
        CurrentClamp clamp;
        clamp.section = "soma";
        clamp.delay = 5;
        clamp.duration = 1e9;
        clamp.amplitude = 0.3;
        list.push_back({static_cast<Gid>(c), cell, {clamp}});
    }
    advance_epochs(state, CableGroup(std::move(list), dt), dt);
}
BENCHMARK(TenMechanismCompartment);
#endif

void HHHandWrittenTable(benchmark::State& s) { run(s, RateEvaluation::table, false); }
void HHGeneratedTable(benchmark::State& s) { run(s, RateEvaluation::table, true); }
void HHHandWrittenExact(benchmark::State& s) { run(s, RateEvaluation::exact, false); }
void HHGeneratedExact(benchmark::State& s) { run(s, RateEvaluation::exact, true); }
BENCHMARK(HHHandWrittenTable);
BENCHMARK(HHGeneratedTable);
BENCHMARK(HHHandWrittenExact);
BENCHMARK(HHGeneratedExact);

}  // namespace

BENCHMARK_MAIN();
