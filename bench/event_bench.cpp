// Event core throughput: queue push + take_due (canonical lanes), and the whole delivery path of
// an exchange (spikes -> connection lookup -> queued events -> lanes), in events per second.
#include "engine/event_queue.hpp"
#include "engine/network.hpp"
#include "engine/thread_domain.hpp"
#include "io/model_reader.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <random>

using namespace parnet;

// Push n events spread over `cells` cells and one epoch, then take them as lanes.
static void BM_EventQueuePushTake(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto cells = static_cast<std::uint32_t>(state.range(1));
    std::mt19937 rng(1);
    std::vector<PendingEvent> input(n);
    for (auto& e : input)
        e = PendingEvent{std::uniform_real_distribution<double>(0.0, 1.0)(rng), 0.1,
                         static_cast<std::uint32_t>(rng() % 10000000), static_cast<std::uint32_t>(rng() % cells), 0};
    EventQueue q(cells, 10, 0.1);
    std::vector<Event> events;
    std::vector<std::uint32_t> offsets;
    std::int64_t epoch = 0;
    for (auto _ : state) {
        state.PauseTiming();
        for (auto& e : input) e.time += 1.0;  // the next epoch's events
        state.ResumeTiming();
        for (const auto& e : input) q.push(e);
        ++epoch;
        q.take_epoch(epoch, (epoch + 1) * 10, events, offsets);
        benchmark::DoNotOptimize(events.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
// One event per cell and epoch (a 10 Hz network with 100 synapses per cell and 1 ms epochs), at
// growing sizes: the cost per event should stay flat.
BENCHMARK(BM_EventQueuePushTake)->Args({10000, 10000})->Args({100000, 100000})->Args({1000000, 1000000})
    ->Args({1000000, 10000})->Unit(benchmark::kMillisecond);

// The same, handed out step by step (what lif cells take): each step's bin is radix-sorted by cell.
static void BM_EventQueuePushTakeSteps(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto cells = static_cast<std::uint32_t>(state.range(1));
    std::mt19937 rng(1);
    std::vector<PendingEvent> input(n);
    for (auto& e : input)
        e = PendingEvent{std::uniform_real_distribution<double>(0.0, 1.0)(rng), 0.1,
                         static_cast<std::uint32_t>(rng() % 10000000), static_cast<std::uint32_t>(rng() % cells), 0};
    EventQueue q(cells, 10, 0.1);
    std::vector<StepInput> inputs;
    std::vector<std::uint32_t> offsets;
    q.take_epoch_steps(0, 10, inputs, offsets);
    std::int64_t epoch = 0;
    for (auto _ : state) {
        state.PauseTiming();
        for (auto& e : input) e.time += 1.0;  // the next epoch's events
        state.ResumeTiming();
        for (const auto& e : input) q.push(e);
        ++epoch;
        q.take_epoch_steps(epoch, (epoch + 1) * 10, inputs, offsets);
        benchmark::DoNotOptimize(inputs.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_EventQueuePushTakeSteps)->Args({10000, 10000})->Args({100000, 100000})->Args({1000000, 1000000})
    ->Args({1000000, 10000})->Unit(benchmark::kMillisecond);

// A thread domain of 10k lif cells with 100 inputs each from 100k source gids; one exchange brings
// `spikes` spikes, each fanning out to ~10 local targets.
static void BM_ExchangeDeliver(benchmark::State& state) {
    const auto spikes = static_cast<std::size_t>(state.range(0));
    static const Model model = io::parse_model(nlohmann::json::parse(R"({
      "run": {"tstop": 10, "dt": 0.1},
      "populations": [
        {"name": "src", "count": 100000, "kind": "spike_source", "model": "poisson", "params": {"rate": 1}},
        {"name": "tgt", "count": 10000, "kind": "lif"}],
      "projections": [{"source": "src", "target": "tgt", "rule": {"type": "fixed_indegree", "indegree": 100},
                       "weight": 0.1, "delay": {"dist": "uniform", "low": 1, "high": 2}}]
    })"), "bench.json");
    static const Network network(model);
    std::vector<Gid> gids;
    for (Gid g = 100000; g < 110000; ++g) gids.push_back(g);
    ThreadDomain domain(network, gids);
    domain.set_epoch_steps(30, 0.1);
    std::mt19937 rng(2);
    std::vector<Spike> incoming(spikes);
    for (auto& s : incoming) s = Spike{static_cast<Gid>(rng() % 100000), std::uniform_real_distribution<double>(0, 1)(rng)};
    std::uint64_t events = 0;
    Step begin = 0;
    std::int64_t epoch = 0;
    std::vector<TraceBuffer> no_traces;
    for (auto _ : state) {
        domain.enqueue(incoming);
        const std::uint64_t before = domain.events_delivered();
        domain.advance(epoch++, Epoch{begin, begin + 30, 0.1}, no_traces, begin + 30);  // due within 3 ms: all of them
        events += domain.events_delivered() - before;
        state.PauseTiming();
        begin += 30;
        for (auto& s : incoming) s.time += 3.0;
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(events));
    state.counters["events_per_spike"] = static_cast<double>(events) / static_cast<double>(state.iterations() * spikes);
}
BENCHMARK(BM_ExchangeDeliver)->RangeMultiplier(10)->Range(10000, 1000000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
