#pragma once
// Helpers shared by the cable tests: the reference cells, a driver that runs a CableGroup epoch
// by epoch with given events, and NEURON reference data.
#include "engine/cable/cable_cell.hpp"
#include "engine/cable/cable_group.hpp"
#include "engine/event.hpp"
#include "io/cable_cell_reader.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace parnet::cable_test {

// A cable cell parsed from JSON text as if it stood at `path` of model.json.
inline std::shared_ptr<const CableCellDescription> read_cell(const std::string& text, const std::string& path) {
    const auto value = io::json::parse(text);
    return io::read_cable_cell(io::JsonObject(value, path, "model.json"));
}

// The message read_cell throws for `text`, or "(no error)".
inline std::string cell_error(const std::string& text, const std::string& path) {
    try {
        read_cell(text, path);
    } catch (const input_error& e) {
        return e.what();
    }
    return "(no error)";
}


inline nlohmann::json load_reference(const std::string& name) {
    const std::string path = std::string(PARNET_SOURCE_DIR) + "/tests/data/neuron/" + name;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return nlohmann::json::parse(in);
}

// The ball-and-stick cell of issue 4 (tools/neuron_reference/ball_and_stick.py).
inline std::shared_ptr<CableCellDescription> ball_and_stick() {
    auto cell = std::make_shared<CableCellDescription>();
    CableSection soma;
    soma.name = "soma";
    soma.length = soma.diam = 20;
    soma.Ra = 100;
    soma.hh = HodgkinHuxley{};
    CableSection dend;
    dend.name = "dend";
    dend.parent = 0;
    dend.length = 200;
    dend.diam = 1;
    dend.ncomp = 20;
    dend.Ra = 100;
    dend.pas = PassiveLeak{0.001, -65};
    cell->sections = {soma, dend};
    cell->detector = {0, 0.5, 10.0, false, ""};
    return cell;
}

// The ball-and-stick cell with cytosolic calcium (docs/reaction-diffusion.md): a mobile buffer,
// a decay pump, an HVA-like calcium current and an SK current on the soma, the calcium current
// on the dendrite too.
inline std::shared_ptr<CableCellDescription> ball_and_stick_with_calcium() {
    auto cell = ball_and_stick();
    CalciumSpecies ca;
    ca.initial = 5e-5;
    ca.D = 0.6;
    ca.buffers = {{"calbindin", 0.05, 100.0, 0.1, 0.2}};
    ca.pump.kind = PumpKind::decay;
    ca.pump.tau = 20.0;
    ca.pump.rest = 5e-5;
    cell->calcium = ca;
    cell->sections[0].cahva = CalciumChannel{2e-3, -20.0, 5.0, 1.0};
    cell->sections[0].sk = CalciumActivatedPotassium{5e-3, 5e-4, 5.0, -77.0};
    cell->sections[1].cahva = CalciumChannel{5e-4, -20.0, 5.0, 1.0};
    return cell;
}

inline CurrentClamp clamp(std::string section, double x, double delay, double duration, double amp) {
    CurrentClamp c;
    c.section = std::move(section);
    c.x = x;
    c.delay = delay;
    c.duration = duration;
    c.amplitude = amp;
    return c;
}

// Runs `group` for `steps` steps in epochs of `epoch_steps`, delivering events[cell] (any order),
// calling after_epoch(end_step) after each epoch (and once with step 0 before the first).
inline std::vector<Spike> drive(CableGroup& group, Step steps, Step epoch_steps, double dt,
                                std::vector<std::vector<Event>> events,
                                const std::function<void(Step)>& after_epoch = {}) {
    events.resize(group.cell_count());
    for (auto& lane : events)
        std::stable_sort(lane.begin(), lane.end(),
                         [](const Event& a, const Event& b) { return a.time < b.time; });
    std::vector<std::size_t> next(events.size(), 0);
    std::vector<Spike> spikes;
    if (after_epoch) after_epoch(0);
    for (Step begin = 0; begin < steps; begin += epoch_steps) {
        const Epoch epoch{begin, std::min(steps, begin + epoch_steps), dt};
        std::vector<Event> flat;
        std::vector<std::uint32_t> offsets{0};
        for (std::size_t c = 0; c < events.size(); ++c) {
            while (next[c] < events[c].size() && delivery_step(events[c][next[c]].time, dt) < epoch.end)
                flat.push_back(events[c][next[c]++]);
            offsets.push_back(static_cast<std::uint32_t>(flat.size()));
        }
        group.advance(epoch, EventLanes{flat, offsets, {}}, spikes);
        if (after_epoch) after_epoch(epoch.end);
    }
    return spikes;
}

inline Step step_of(double t, double dt) { return static_cast<Step>(std::llround(t / dt)); }

}  // namespace parnet::cable_test
