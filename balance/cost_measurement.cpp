#include "balance/cost_measurement.hpp"

#include "engine/cell_group.hpp"
#include "engine/event_queue.hpp"
#include "engine/random_stream.hpp"

#include <algorithm>
#include <map>
#include <utility>
#include <span>
#include <ctime>
#include <cmath>
#include <vector>

namespace parnet::balance {

namespace {

// CPU time of the calling thread: what the cells cost, without the time other processes on a
// shared machine take from us (wall time there would be whatever the scheduler left).
double thread_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// A weight small enough not to change what the cells do much, in the target's units: for
// configurations the model gives no input.
double gentle_weight(CellKind kind) {
    switch (kind) {
    case CellKind::lif: return 0.005;      // nA
    case CellKind::cable: return 1e-5;     // uS
    case CellKind::intfire: return 0.01;   // dimensionless
    case CellKind::artificial: return 0.01;   // the mechanism's units: small for IntFire-like cells
    case CellKind::spike_source: return 0.0;
    }
    return 0.0;
}

// Input of one kind reaching every cell of the sample: Poisson at `per_ms` events per ms.
struct InputChannel {
    std::uint32_t synapse = 0;
    double weight = 0.0;
    double per_ms = 0.0;
};

// The input the network gives the sample: its cells' incoming connections, at their sources'
// expected rates, one channel per synapse and sign of weight with the rate-weighted mean weight
// and the sample's mean events per ms (so that excitation and inhibition do not cancel).
std::vector<InputChannel> network_input(const Recipe& recipe, std::span<const Gid> sample,
                                        std::span<const float> rates) {
    struct Sum {
        double per_ms = 0.0;
        double weighted = 0.0;  // sum of weight x rate
    };
    std::map<std::pair<std::uint32_t, bool>, Sum> sums;  // (synapse, inhibitory)
    for (Gid g : sample) {
        for (const Connection& c : recipe.incoming(g)) {
            const double per_ms = rates[c.source] / 1000.0;
            Sum& sum = sums[{c.synapse, c.weight < 0}];
            sum.per_ms += per_ms;
            sum.weighted += c.weight * per_ms;
        }
    }
    std::vector<InputChannel> channels;
    for (const auto& [which, sum] : sums) {
        if (!(sum.per_ms > 0)) continue;
        channels.push_back({which.first, sum.weighted / sum.per_ms, sum.per_ms / static_cast<double>(sample.size())});
    }
    return channels;
}

// Poisson input for the sample, channel by channel, as per-cell lanes in time order. Events fall
// on step times (delivered at that step).
class SyntheticInput {
public:
    SyntheticInput(std::size_t cells, std::vector<InputChannel> channels)
        : cells_(cells), channels_(std::move(channels)), next_(cells * channels_.size(), 0.0),
          rng_state_(0x5eed5eed5eed5eedull) {
        for (std::size_t i = 0; i < next_.size(); ++i) next_[i] = draw_interval(i % channels_.size());
    }

    void fill(const Epoch& epoch) {
        events_.clear();
        offsets_.assign(1, 0);
        for (std::size_t c = 0; c < cells_; ++c) {
            for (std::size_t k = 0; k < channels_.size(); ++k) {
                double& next = next_[c * channels_.size() + k];
                while (next < epoch.t_end()) {
                    const Step n = std::clamp(static_cast<Step>(std::floor(next / epoch.dt)), epoch.begin, epoch.end - 1);
                    events_.push_back(Event{epoch.time_of(n), channels_[k].weight, channels_[k].synapse});
                    next += draw_interval(k);
                }
            }
            std::sort(events_.begin() + offsets_.back(), events_.end(),
                      [](const Event& a, const Event& b) { return a.time < b.time; });
            offsets_.push_back(static_cast<std::uint32_t>(events_.size()));
        }
    }
    EventLanes lanes() const { return EventLanes{events_, offsets_, {}}; }
    std::size_t size() const { return events_.size(); }

private:
    // A cheap generator (splitmix64): drawing is not timed, but it must not dominate calibration.
    double draw_interval(std::size_t channel) {
        std::uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        const double u = (static_cast<double>(z >> 11) + 0.5) * 0x1.0p-53;  // (0, 1)
        return -std::log(u) / channels_[channel].per_ms;
    }

    std::size_t cells_;
    std::vector<InputChannel> channels_;
    std::vector<double> next_;  // next arrival (ms) per cell and channel
    std::uint64_t rng_state_;
    std::vector<Event> events_;
    std::vector<std::uint32_t> offsets_;
};

struct Timing {
    double seconds = 0.0;         // CPU seconds spent in advance()
    double simulated_ms = 0.0;
    std::uint64_t events = 0;
};

// Advances `group` epoch after epoch until at least `min_seconds` were spent in advance(), or
// 10 s were simulated (event-driven cells cost so little that their time is long measurable by then).
Timing time_group(CellGroup& group, Step& next_step, Step epoch_steps, double dt, double min_seconds,
                  SyntheticInput* input) {
    Timing timing;
    std::vector<Spike> spikes;
    const std::vector<std::uint32_t> no_events(group.gids().size() + 1, 0);
    do {
        const Epoch epoch{next_step, next_step + epoch_steps, dt};
        if (input) input->fill(epoch);
        const EventLanes lanes = input ? input->lanes() : EventLanes{{}, no_events, {}};
        spikes.clear();
        const double start = thread_seconds();
        group.advance(epoch, lanes, spikes);
        timing.seconds += thread_seconds() - start;
        timing.simulated_ms += epoch.t_end() - epoch.t_begin();
        timing.events += input ? input->size() : 0;
        next_step = epoch.end;
    } while (timing.seconds < min_seconds && timing.simulated_ms < 10'000.0);
    return timing;
}

}  // namespace

ConfigurationCost measure_configuration(const Recipe& recipe, const ConfigurationIndex& index, std::uint32_t c,
                                        const MeasurementSettings& settings, std::span<const float> rates) {
    const CellConfiguration& configuration = index.configurations[c];
    const double dt = recipe.dt();
    const std::vector<Gid> gids = index.sample(c, settings.sample_cells);
    const double cells = static_cast<double>(gids.size());
    // The engine's epoch (min delay) when the model has one, else 1 ms; at most 10 ms.
    const double bound = recipe.min_delay_bound();
    const double epoch_ms = std::isfinite(bound) && bound > 0 ? std::min(bound, 10.0) : 1.0;
    const Step epoch_steps = std::max<Step>(1, static_cast<Step>(std::floor(epoch_ms / dt + 1e-9)));
    const int repeats = std::max(1, settings.repeats);

    // Without input.
    std::vector<double> idle_rates;  // seconds per cell per ms
    {
        auto group = make_cell_group(recipe, gids);
        Step step = 0;
        time_group(*group, step, epoch_steps, dt, 0.0, nullptr);  // warm-up: one epoch
        for (int r = 0; r < repeats; ++r) {
            const Timing t = time_group(*group, step, epoch_steps, dt, settings.min_wall_seconds, nullptr);
            idle_rates.push_back(t.seconds / (cells * t.simulated_ms));
        }
    }
    ConfigurationCost cost;
    cost.seconds_per_cell_ms = median(idle_rates);
    cost.sample_cells = static_cast<std::uint32_t>(gids.size());
    cost.source = "measured";
    if (configuration.synapses == 0) return cost;

    // With the network's input (so that the cells do what they do in the network: fire, go
    // refractory), the extra time per event. When that input is too sparse for its time to stand
    // out of the timing noise (heavy cells), it is multiplied and its weights divided alike, which
    // keeps the drive the same: about half the idle cost at 100 ns per event.
    std::vector<InputChannel> channels = network_input(recipe, gids, rates);
    if (channels.empty()) {
        for (std::uint32_t s = 0; s < configuration.synapses; ++s)
            channels.push_back({s, gentle_weight(configuration.kind), settings.events_per_cell_ms / configuration.synapses});
    }
    double per_ms = 0.0;
    for (const auto& c : channels) per_ms += c.per_ms;
    const double wanted = std::min(1000.0, 0.5 * cost.seconds_per_cell_ms / 1e-7);
    const double boost = per_ms < wanted ? wanted / per_ms : 1.0;
    for (auto& c : channels) {
        c.per_ms *= boost;
        c.weight /= boost;
    }
    std::vector<double> event_costs;
    {
        auto group = make_cell_group(recipe, gids);
        SyntheticInput input(gids.size(), channels);
        Step step = 0;
        time_group(*group, step, epoch_steps, dt, 0.0, &input);
        for (int r = 0; r < repeats; ++r) {
            const Timing t = time_group(*group, step, epoch_steps, dt, settings.min_wall_seconds, &input);
            const double extra = t.seconds - cost.seconds_per_cell_ms * cells * t.simulated_ms;
            event_costs.push_back(std::max(0.0, extra) / static_cast<double>(std::max<std::uint64_t>(1, t.events)));
        }
    }
    cost.seconds_per_event = median(event_costs);
    return cost;
}

double measure_queue_cost(const MeasurementSettings& settings) {
    // A thread's queue as the engine uses it: events pushed as spikes arrive, handed out per
    // epoch in canonical order. 1000 cells, 1 ms epochs of dt 0.025, events_per_cell_ms each.
    constexpr std::uint32_t cells = 1000;
    constexpr double dt = 0.025;
    constexpr Step epoch_steps = 40;
    const auto per_epoch = static_cast<std::uint32_t>(std::max(1.0, settings.events_per_cell_ms)) * cells;
    EventQueue queue(cells, epoch_steps, dt);
    // The arrivals of one epoch, drawn once so that drawing is not timed: spread over the next
    // two epochs, as delays of one to two epochs make them.
    RandomStream rng(id32("plan-queue-calibration"), 0, 0, 0);
    std::vector<PendingEvent> arrivals(per_epoch);
    for (std::uint32_t k = 0; k < per_epoch; ++k)
        arrivals[k] = PendingEvent{(1.0 + rng.uniform01()) * static_cast<double>(epoch_steps) * dt, 0.1,
                                   rng.below(100000), rng.below(cells), 0};
    std::vector<Event> events;
    std::vector<std::uint32_t> offsets;
    std::vector<double> costs;
    std::int64_t epoch = 0;
    for (int r = 0; r < std::max(1, settings.repeats) + 1; ++r) {
        double wall = 0.0;
        std::uint64_t count = 0;
        do {
            const double t_begin = static_cast<double>(epoch * epoch_steps) * dt;
            const double start = thread_seconds();
            for (PendingEvent e : arrivals) {
                e.time += t_begin;
                queue.push(e);
            }
            queue.take_epoch(epoch, (epoch + 1) * epoch_steps, events, offsets);
            wall += thread_seconds() - start;
            count += per_epoch;
            ++epoch;
        } while (wall < settings.min_wall_seconds);
        if (r > 0) costs.push_back(wall / static_cast<double>(count));  // the first round fills the queue
    }
    return median(costs);
}

}  // namespace parnet::balance
