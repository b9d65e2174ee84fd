// Point-cell throughput: LIF cell-steps per second (1e3..1e5 cells), events delivered per second
// to LIF and IntFire1 cells, Poisson spikes generated per second. Each benchmark builds its own
// model, so the file needs nothing but parnet_engine and Google Benchmark.
#include "engine/cells/intfire_group.hpp"
#include "engine/cells/lif_group.hpp"
#include "engine/cells/spike_source_group.hpp"
#include "engine/model.hpp"
#include "engine/network.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <vector>

namespace {

using namespace parnet;

constexpr double dt = 0.1;         // ms
constexpr Step epoch_steps = 10;   // 1 ms epochs, a typical minimum delay

// A one-population model; Network keeps a reference to the model, so both live here.
struct Setup {
    Model model;
    std::unique_ptr<Network> network;
    std::vector<Gid> gids;

    Setup(CellKind kind, Gid count, const std::map<std::string, Distribution>& overrides,
          SourceModel source = SourceModel::poisson) {
        model.file = "bench";
        model.run.dt = dt;
        model.run.tstop = 1e9;
        model.run.runid = 1;
        Population p;
        p.name = "cells";
        p.kind = kind;
        p.count = count;
        p.source_model = source;
        for (const auto& [name, value] : default_parameters(kind, source))
            p.params[name] = Distribution::constant(value);
        for (const auto& [name, value] : overrides) p.params[name] = value;
        model.populations.push_back(p);
        network = std::make_unique<Network>(model);
        gids.resize(count);
        std::iota(gids.begin(), gids.end(), Gid{0});
    }
};

Distribution uniform(double low, double high) {
    Distribution d;
    d.kind = Distribution::Kind::uniform;
    d.a = low;
    d.b = high;
    return d;
}

// LIF cells firing at a few Hz to tens of Hz from bias current alone (R*I from 12 to 18 mV
// against a 15 mV threshold), so the exact (threshold, refractory) path runs at realistic rates.
std::map<std::string, Distribution> lif_parameters() {
    return {{"i_bias", uniform(0.3, 0.45)}, {"v_init", uniform(-65.0, -51.0)}};
}

void lif_cell_steps(benchmark::State& state) {
    const auto cells = static_cast<Gid>(state.range(0));
    Setup setup(CellKind::lif, cells, lif_parameters());
    LifGroup group(*setup.network, setup.gids);
    std::vector<Spike> spikes;
    spikes.reserve(cells);
    const std::vector<std::uint32_t> offsets(cells + 1, 0);
    const EventLanes no_events{{}, offsets};
    Step begin = 0;
    for (auto _ : state) {
        spikes.clear();
        group.advance(Epoch{begin, begin + epoch_steps, dt}, no_events, spikes);
        begin += epoch_steps;
        benchmark::DoNotOptimize(spikes.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(cells) * epoch_steps);
    state.counters["cell_steps_per_s"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * cells * epoch_steps, benchmark::Counter::kIsRate);
}
BENCHMARK(lif_cell_steps)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

// Each cell's lane for one epoch: `per_cell` events spread over the epoch's steps, sorted,
// half on each synapse, small weights. Times are relative to the epoch start.
struct Lanes {
    std::vector<Event> relative, shifted;
    std::vector<std::uint32_t> offsets;
    Lanes(Gid cells, std::uint32_t per_cell, double exc_weight, double inh_weight) {
        RandomStream rng(99, 0, 0, 1);
        offsets.push_back(0);
        for (Gid c = 0; c < cells; ++c) {
            const auto first = relative.size();
            for (std::uint32_t k = 0; k < per_cell; ++k) {
                // inside a step (never near a delivery boundary, so shifting keeps the step)
                const double step = static_cast<double>(rng.below(epoch_steps));
                const double time = (step + 0.1 + 0.3 * rng.uniform01()) * dt;
                const bool exc = (k % 2) == 0;
                relative.push_back(Event{time, exc ? exc_weight : inh_weight, exc ? 0u : 1u});
            }
            std::sort(relative.begin() + static_cast<std::ptrdiff_t>(first), relative.end(),
                      [](const Event& a, const Event& b) { return a.time < b.time; });
            offsets.push_back(static_cast<std::uint32_t>(relative.size()));
        }
        shifted = relative;
    }
    EventLanes for_epoch(const Epoch& epoch) {
        const double t0 = epoch.t_begin();
        for (std::size_t k = 0; k < relative.size(); ++k) shifted[k].time = relative[k].time + t0;
        return EventLanes{shifted, offsets};
    }
};

void lif_event_delivery(benchmark::State& state) {
    const auto cells = static_cast<Gid>(state.range(0));
    const auto per_cell = static_cast<std::uint32_t>(state.range(1));
    Setup setup(CellKind::lif, cells, lif_parameters());
    LifGroup group(*setup.network, setup.gids);
    Lanes lanes(cells, per_cell, 0.05, -0.05);
    std::vector<Spike> spikes;
    Step begin = 0;
    for (auto _ : state) {
        const Epoch epoch{begin, begin + epoch_steps, dt};
        state.PauseTiming();
        const EventLanes events = lanes.for_epoch(epoch);
        spikes.clear();
        state.ResumeTiming();
        group.advance(epoch, events, spikes);
        begin += epoch_steps;
    }
    const double events = static_cast<double>(state.iterations()) * lanes.relative.size();
    state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
}
// 1e4 cells receiving 2 or 20 events per cell per 1 ms epoch (the time includes the cell steps).
BENCHMARK(lif_event_delivery)->Args({10000, 2})->Args({10000, 20})->Unit(benchmark::kMicrosecond);

void intfire_event_delivery(benchmark::State& state) {
    const auto cells = static_cast<Gid>(state.range(0));
    const auto per_cell = static_cast<std::uint32_t>(state.range(1));
    Setup setup(CellKind::intfire, cells, {});
    IntFireGroup group(*setup.network, setup.gids);
    Lanes lanes(cells, per_cell, 0.2, -0.1);
    std::vector<Spike> spikes;
    Step begin = 0;
    for (auto _ : state) {
        const Epoch epoch{begin, begin + epoch_steps, dt};
        state.PauseTiming();
        const EventLanes events = lanes.for_epoch(epoch);
        spikes.clear();
        state.ResumeTiming();
        group.advance(epoch, events, spikes);
        begin += epoch_steps;
    }
    const double events = static_cast<double>(state.iterations()) * lanes.relative.size();
    state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
}
BENCHMARK(intfire_event_delivery)->Args({10000, 20})->Unit(benchmark::kMicrosecond);

void poisson_spikes(benchmark::State& state) {
    const auto cells = static_cast<Gid>(state.range(0));
    Distribution rate = Distribution::constant(20.0);
    Setup setup(CellKind::spike_source, cells, {{"rate", rate}});
    SpikeSourceGroup group(*setup.network, setup.gids);
    std::vector<Spike> spikes;
    spikes.reserve(cells);
    std::int64_t emitted = 0;
    Step begin = 0;
    for (auto _ : state) {
        spikes.clear();
        group.advance(Epoch{begin, begin + epoch_steps, dt}, EventLanes{}, spikes);
        emitted += static_cast<std::int64_t>(spikes.size());
        begin += epoch_steps;
    }
    state.counters["spikes_per_s"] =
        benchmark::Counter(static_cast<double>(emitted), benchmark::Counter::kIsRate);
}
BENCHMARK(poisson_spikes)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
