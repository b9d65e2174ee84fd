// Google Benchmark of the cable cell step (NEURON's fixed step on many cells), reported as
// compartment-steps per second (items_per_second); 1e9 / items_per_second is ns per
// compartment-step, the figure tools/neuron_reference/time_neuron.py prints for NEURON.
//
//   ./cable_bench --benchmark_filter=Cable --benchmark_min_time=1
#include "engine/cable/cable_cell.hpp"
#include "engine/cable/cable_group.hpp"
#include "engine/event.hpp"
#include "io/cable_cell_reader.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace {

using namespace parnet;

CableSection section(const char* name, std::optional<std::uint32_t> parent, double L, double diam,
                     std::uint32_t ncomp) {
    CableSection s;
    s.name = name;
    s.parent = parent;
    s.length = L;
    s.diam = diam;
    s.ncomp = ncomp;
    s.Ra = 100;
    return s;
}

// Issue 4's ball-and-stick: soma hh + 20-compartment passive dendrite (21 compartments).
std::shared_ptr<CableCellDescription> ball_and_stick(RateEvaluation rates) {
    auto cell = std::make_shared<CableCellDescription>();
    auto soma = section("soma", std::nullopt, 20, 20, 1);
    soma.hh = HodgkinHuxley{};
    auto dend = section("dend", 0, 200, 1, 20);
    dend.pas = PassiveLeak{0.001, -65};
    cell->sections = {soma, dend};
    cell->hh_rates = rates;
    return cell;
}

// The ball-and-stick with cytosolic calcium (docs/reaction-diffusion.md): calcium diffusing
// (D 0.6 um2/ms) with a mobile buffer (calbindin-like, D 0.2) in all 21 compartments.
std::shared_ptr<CableCellDescription> ball_and_stick_calcium_buffer(RateEvaluation rates) {
    auto cell = ball_and_stick(rates);
    CalciumSpecies ca;
    ca.initial = 5e-5;
    ca.D = 0.6;
    ca.buffers = {{"calbindin", 0.05, 100.0, 0.1, 0.2}};
    cell->calcium = ca;
    return cell;
}

// The same with the membrane coupled: a decay pump, cahva + sk on the soma, cahva on the
// dendrite (tests/cable's ball_and_stick_with_calcium).
std::shared_ptr<CableCellDescription> ball_and_stick_calcium_channels(RateEvaluation rates) {
    auto cell = ball_and_stick_calcium_buffer(rates);
    cell->calcium->pump = {PumpKind::decay, 20.0, 0.0, 1e-3, 5e-5};
    cell->sections[0].cahva = CalciumChannel{2e-3, -20.0, 5.0, 1.0};
    cell->sections[0].sk = CalciumActivatedPotassium{5e-3, 5e-4, 5.0, -77.0};
    cell->sections[1].cahva = CalciumChannel{5e-4, -20.0, 5.0, 1.0};
    return cell;
}

// A 200-compartment branched cell like busyring's: soma hh (1) + a binary tree of 7 passive
// dendrites (199 compartments).
std::shared_ptr<CableCellDescription> branched_200(RateEvaluation rates) {
    auto cell = std::make_shared<CableCellDescription>();
    auto soma = section("soma", std::nullopt, 20, 20, 1);
    soma.hh = HodgkinHuxley{};
    cell->sections.push_back(soma);
    const std::uint32_t ncomp[7] = {29, 28, 28, 29, 28, 28, 29};
    const char* names[7] = {"d0", "d1", "d2", "d3", "d4", "d5", "d6"};
    for (std::uint32_t i = 0; i < 7; ++i) {
        const std::uint32_t parent = i == 0 ? 0 : 1 + (i - 1) / 2;
        auto d = section(names[i], parent, 200, 2.0 / (1 + i / 3), ncomp[i]);
        d.pas = PassiveLeak{0.0001, -65};
        cell->sections.push_back(d);
    }
    cell->hh_rates = rates;
    return cell;
}

// A 200-compartment hh axon (every compartment active).
std::shared_ptr<CableCellDescription> hh_axon_200(RateEvaluation rates) {
    auto cell = std::make_shared<CableCellDescription>();
    auto axon = section("axon", std::nullopt, 2000, 1, 200);
    axon.hh = HodgkinHuxley{};
    cell->sections = {axon};
    cell->hh_rates = rates;
    return cell;
}

// Single-compartment hh cell.
std::shared_ptr<CableCellDescription> hh_point(RateEvaluation rates) {
    auto cell = std::make_shared<CableCellDescription>();
    auto soma = section("soma", std::nullopt, 20, 20, 1);
    soma.hh = HodgkinHuxley{};
    cell->sections = {soma};
    cell->hh_rates = rates;
    return cell;
}

// A reconstructed cell of about 1,000 compartments: examples/morphologies/small_pyramid.swc
// (54 sections), nseg 1 + 2*int(L/9), hh on soma and axon, pas elsewhere
// (tools/neuron_reference/time_neuron.py's pyramid_1000).
std::shared_ptr<CableCellDescription> pyramid_1000(RateEvaluation rates) {
    const std::string text = R"({"morphology": ")" + std::string(PARNET_SOURCE_DIR) +
                             R"(/examples/morphologies/small_pyramid.swc", "Ra": 100, "nseg": {"per_length": 9},
        "biophysics": [{"region": "soma", "mechanisms": {"hh": {}}}, {"region": "axon", "mechanisms": {"hh": {}}},
                       {"region": "dend", "mechanisms": {"pas": {"g": 5e-5, "e": -65}}},
                       {"region": "apic", "mechanisms": {"pas": {"g": 5e-5, "e": -65}}}]})";
    const auto value = io::json::parse(text);
    auto cell = std::make_shared<CableCellDescription>(*io::read_cable_cell(io::JsonObject(value, "cell", "bench")));
    cell->hh_rates = rates;
    return cell;
}

// range(0): cells in the group; range(1): 0 table rates, 1 exact rates. Each cell has a clamp
// at its root section's middle that makes it fire (spike detection included in the cost).
template <auto make>
void cable_step(benchmark::State& state) {
    const auto cells = static_cast<std::size_t>(state.range(0));
    const auto rates = state.range(1) == 0 ? RateEvaluation::table : RateEvaluation::exact;
    const auto description = make(rates);
    std::vector<CableGroup::Cell> members;
    for (std::size_t i = 0; i < cells; ++i) {
        CurrentClamp c;
        c.section = description->sections[0].name;   // the root's middle
        c.delay = 1.0 + 0.1 * static_cast<double>(i % 10);
        c.duration = 1e9;
        c.amplitude = description->sections.size() == 1 && description->sections[0].ncomp > 1 ? 0.05 : 0.2;
        members.push_back({static_cast<Gid>(i), description, {c}});
    }
    const double dt = 0.025;
    const Step epoch_steps = 40;
    CableGroup group(std::move(members), dt);
    std::vector<Spike> spikes;
    Step step = 0;
    for (auto _ : state) {
        spikes.clear();
        group.advance(Epoch{step, step + epoch_steps, dt}, EventLanes{}, spikes);
        step += epoch_steps;
        benchmark::DoNotOptimize(spikes.data());
    }
    const double compartment_steps = static_cast<double>(state.iterations() * epoch_steps) *
                                     static_cast<double>(group.compartment_count());
    state.SetItemsProcessed(static_cast<std::int64_t>(compartment_steps));
    state.counters["compartments"] = static_cast<double>(group.compartment_count());
}

// The 1000-cell ring of tools/neuron_reference/ring.py (ball-and-stick cells, ExpSyn on dend(0.5),
// weight 0.02 uS, 1 ms delay, cell 0 kicked at 1 ms): one iteration is one 1-ms epoch, spikes
// turned into the next cell's events as the engine does.
void cable_ring(benchmark::State& state) {
    const auto n = static_cast<Gid>(state.range(0));
    auto cell = ball_and_stick(RateEvaluation::table);
    CableSynapse syn;
    syn.name = "syn";
    syn.tau = 2;
    syn.e = 0;
    syn.section = 1;
    syn.x = 0.5;
    cell->synapses = {syn};
    std::vector<CableGroup::Cell> members;
    for (Gid g = 0; g < n; ++g) members.push_back({g, cell, {}});
    const double dt = 0.025, delay = 1.0, weight = 0.02;
    const Step epoch_steps = 40;
    CableGroup group(std::move(members), dt);
    std::vector<std::vector<Event>> pending(n);
    pending[0].push_back({1.0, weight, 0});
    std::vector<Event> flat;
    std::vector<std::uint32_t> offsets;
    std::vector<Spike> spikes;
    Step step = 0;
    for (auto _ : state) {
        const Epoch epoch{step, step + epoch_steps, dt};
        flat.clear();
        offsets.assign(1, 0);
        for (Gid g = 0; g < n; ++g) {
            auto& p = pending[g];
            auto due = std::partition(p.begin(), p.end(),
                                      [&](const Event& e) { return delivery_step(e.time, dt) < epoch.end; });
            flat.insert(flat.end(), p.begin(), due);
            p.erase(p.begin(), due);
            offsets.push_back(static_cast<std::uint32_t>(flat.size()));
        }
        spikes.clear();
        group.advance(epoch, EventLanes{flat, offsets, {}}, spikes);
        for (const Spike& s : spikes) pending[(s.source + 1) % n].push_back({s.time + delay, weight, 0});
        step += epoch_steps;
    }
    state.SetItemsProcessed(state.iterations() * epoch_steps *
                            static_cast<std::int64_t>(group.compartment_count()));
}
BENCHMARK(cable_ring)->Name("CableRing")->Arg(1000)->ArgName("cells")->Unit(benchmark::kMillisecond);

void sizes(benchmark::internal::Benchmark* b, std::initializer_list<int> counts) {
    for (int rates : {0, 1})
        for (int n : counts) b->Args({n, rates});
    b->ArgNames({"cells", "exact"})->Unit(benchmark::kMillisecond);
}

BENCHMARK(cable_step<ball_and_stick>)->Name("CableBallAndStick")->Apply([](auto* b) { sizes(b, {1, 8, 64, 1000}); });
BENCHMARK(cable_step<ball_and_stick_calcium_buffer>)->Name("CableRxdBallAndStick")->Apply([](auto* b) { sizes(b, {8, 1000}); });
BENCHMARK(cable_step<ball_and_stick_calcium_channels>)->Name("CableRxdBallAndStickChannels")->Apply([](auto* b) { sizes(b, {8, 1000}); });
BENCHMARK(cable_step<branched_200>)->Name("CableBranched200")->Apply([](auto* b) { sizes(b, {8, 64}); });
BENCHMARK(cable_step<hh_axon_200>)->Name("CableHHAxon200")->Apply([](auto* b) { sizes(b, {8, 64}); });
BENCHMARK(cable_step<pyramid_1000>)->Name("CablePyramid1000")->Apply([](auto* b) { sizes(b, {8, 64}); });
BENCHMARK(cable_step<hh_point>)->Name("CableHHPoint")->Apply([](auto* b) { sizes(b, {8, 1000, 10000}); });

}  // namespace

BENCHMARK_MAIN();
