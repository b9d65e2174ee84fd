// Google Benchmark of generated mechanism kernels: hh (mechanisms/hh.mod through parnet-modcc,
// the built-in catalogue) on cells where hh dominates the step — one 100-compartment hh section
// per cell, 64 cells (8 blocks) — and the test catalogue's ten-mechanism cell (time_catalogue_cell.py
// times NEURON on the same). items_per_second counts compartment-steps.
//
//   ./mechanism_bench --benchmark_min_time=2 --benchmark_repetitions=3
#include "engine/cable/cable_cell.hpp"
#include "engine/cable/cable_group.hpp"
#include "engine/event.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <vector>

namespace {

using namespace parnet;

std::shared_ptr<CableCellDescription> hh_cable(RateEvaluation rates) {
    auto cell = std::make_shared<CableCellDescription>();
    CableSection s;
    s.name = "axon";
    s.length = 1000;
    s.diam = 1;
    s.ncomp = 100;
    s.Ra = 100;
    s.hh = HodgkinHuxley{};   // the built-in catalogue's hh
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

void run(benchmark::State& state, RateEvaluation rates) {
    constexpr std::size_t cells = 64;
    const double dt = 0.025;
    const auto cell = hh_cable(rates);
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
// The ten mechanisms of tests/mechanisms (tools/neuron_reference/catalogue_mechanisms.py;
// time_catalogue_cell.py times NEURON on the same cells) on `cells` cells of one section, 20 um
// thick, of `ncomp` compartments 20 um long, clamped with `amp` nA at its middle from 5 ms.
void ten_mechanisms(benchmark::State& state, std::size_t cells, std::uint32_t ncomp, double amp) {
    MechanismCatalogues catalogues;
    // PARNET_BENCH_CATALOGUE names another build of the test catalogue (to compare code generators).
    const char* other = std::getenv("PARNET_BENCH_CATALOGUE");
    catalogues.add(MechanismCatalogue::load(other ? other : PARNET_TEST_CATALOGUE));
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> soma = {
        {"pas", {{"g", 1e-4}, {"e", -65.0}}}, {"HHna", {{"gnabar", 0.12}}}, {"HHk", {{"gkbar", 0.036}}},
        {"cachan1", {{"imax", 0.002}}}, {"capump", {{"vmax", 0.001}}}, {"cachan", {{"pcabar", 2e-7}}},
        {"cad", {{"depth", 0.1}, {"taur", 80.0}}}, {"cahva", {{"gbar", 5e-4}}}, {"kca", {{"gbar", 2e-4}}},
        {"ih", {{"gbar", 2e-4}}}};
    auto cell = std::make_shared<CableCellDescription>();
    CableSection s;
    s.name = "soma";
    s.diam = 20;
    s.length = 20.0 * ncomp;
    s.ncomp = ncomp;
    for (const auto& [name, params] : soma) s.mechanisms.push_back({catalogues.find(name), params, {}});
    cell->sections = {s};
    cell->celsius = 16;
    const double dt = 0.025;
    std::vector<CableGroup::Cell> list;
    for (std::size_t c = 0; c < cells; ++c) {
        CurrentClamp clamp;
        clamp.section = "soma";
        clamp.delay = 5;
        clamp.duration = 1e9;
        clamp.amplitude = amp;
        list.push_back({static_cast<Gid>(c), cell, {clamp}});
    }
    advance_epochs(state, CableGroup(std::move(list), dt), dt);
}
void TenMechanismCompartment(benchmark::State& state) { ten_mechanisms(state, 1000, 1, 0.3); }
void TenMechanismCable(benchmark::State& state) { ten_mechanisms(state, 100, 100, 3.0); }
BENCHMARK(TenMechanismCompartment);
BENCHMARK(TenMechanismCable);
#endif

void HHTable(benchmark::State& s) { run(s, RateEvaluation::table); }
void HHExact(benchmark::State& s) { run(s, RateEvaluation::exact); }
BENCHMARK(HHTable);
BENCHMARK(HHExact);

}  // namespace

BENCHMARK_MAIN();
