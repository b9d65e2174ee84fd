#pragma once
// Helpers for the point-cell tests: hand-built models and a driver that feeds a group its
// events epoch by epoch, as the simulation does.
#include "engine/cell_group.hpp"
#include "engine/event.hpp"
#include "engine/model.hpp"
#include "engine/network.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace parnet::test {

// A population of `count` cells of one kind with the kind's defaults, some of them overridden.
inline Population population(const std::string& name, CellKind kind, Gid count,
                             const std::map<std::string, Distribution>& overrides = {},
                             SourceModel source = SourceModel::poisson) {
    Population p;
    p.name = name;
    p.kind = kind;
    p.count = count;
    p.source_model = source;
    for (const auto& [key, value] : default_parameters(kind, source))
        p.params[key] = Distribution::constant(value);
    for (const auto& [key, value] : overrides) p.params[key] = value;
    return p;
}

inline std::map<std::string, Distribution> constants(const std::map<std::string, double>& values) {
    std::map<std::string, Distribution> out;
    for (const auto& [key, value] : values) out[key] = Distribution::constant(value);
    return out;
}

// A model and the network built on it (Network keeps a reference to the model, so they live
// together and never move).
struct World {
    Model model;
    Network network;
    World(double dt, std::vector<Population> populations, std::vector<CurrentClamp> clamps = {},
          std::uint32_t runid = 1)
        : model(make_model(dt, std::move(populations), std::move(clamps), runid)), network(model) {}
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    static Model make_model(double dt, std::vector<Population> populations,
                            std::vector<CurrentClamp> clamps, std::uint32_t runid) {
        Model m;
        m.file = "test.json";
        m.run.dt = dt;
        m.run.tstop = 1e9;
        m.run.runid = runid;
        Gid first = 0;
        for (auto& p : populations) {
            p.first = first;
            first += p.count;
        }
        m.populations = std::move(populations);
        m.clamps = std::move(clamps);
        return m;
    }
};

// Runs `group` through steps [0, steps) in epochs of `epoch_steps`, handing cell i the events
// of events_by_cell[i] (sorted in canonical order) due in each epoch. after_epoch, if given,
// sees the group after each epoch. Returns every spike emitted.
inline std::vector<Spike> run_epochs(CellGroup& group,
                                     const std::vector<std::vector<Event>>& events_by_cell,
                                     double dt, Step steps, Step epoch_steps,
                                     const std::function<void(const Epoch&)>& after_epoch = {}) {
    std::vector<Spike> spikes;
    const std::size_t cells = group.gids().size();
    std::vector<std::size_t> cursor(cells, 0);
    std::vector<Event> events;
    std::vector<std::uint32_t> offsets;
    for (Step begin = 0; begin < steps; begin += epoch_steps) {
        Epoch epoch{begin, std::min(begin + epoch_steps, steps), dt};
        events.clear();
        offsets.assign(1, 0);
        for (std::size_t i = 0; i < cells; ++i) {
            if (i < events_by_cell.size()) {
                const auto& lane = events_by_cell[i];
                while (cursor[i] < lane.size() && delivery_step(lane[cursor[i]].time, dt) < epoch.end)
                    events.push_back(lane[cursor[i]++]);
            }
            offsets.push_back(static_cast<std::uint32_t>(events.size()));
        }
        EventLanes lanes{events, offsets};
        group.advance(epoch, lanes, spikes);
        if (after_epoch) after_epoch(epoch);
    }
    return spikes;
}

inline std::vector<Spike> spikes_of(const std::vector<Spike>& spikes, Gid gid) {
    std::vector<Spike> out;
    for (const auto& s : spikes)
        if (s.source == gid) out.push_back(s);
    return out;
}

}  // namespace parnet::test
