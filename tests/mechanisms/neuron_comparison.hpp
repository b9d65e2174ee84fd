#pragma once
// A NEURON comparison of catalogue mechanisms (tests/mechanisms/): the cells of a reference made by
// a script in tools/neuron_reference/ (a compartment, or a ball-and-stick cell, carrying the
// reference's mechanisms, a clamp in the soma), run by a cable group with a test catalogue:
// spikes in NEURON's steps, probes within a bound (voltages in mV, other variables within the
// same relative error).
#include "engine/cable/cable_group.hpp"
#include "engine/cable/mechanism_catalogue.hpp"
#include "engine/errors.hpp"
#include "engine/event.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace parnet::mechanism_test {

struct NeuronProbe {
    std::string name, variable, section;
    double x = 0.5;
    std::size_t id = 0;
    std::vector<double> values = {};
};

inline nlohmann::json neuron_reference(const std::string& name) {
    std::ifstream in(std::string(PARNET_SOURCE_DIR) + "/tests/data/neuron/" + name);
    return nlohmann::json::parse(in);
}

inline std::vector<MechanismPlacement> placements(const nlohmann::json& mechanisms, const MechanismCatalogues& catalogues) {
    std::vector<MechanismPlacement> out;
    for (const auto& [name, params] : mechanisms.items()) {
        MechanismPlacement p;
        p.mechanism = catalogues.find(name);
        EXPECT_TRUE(p.mechanism) << name;
        for (const auto& [param, value] : params.items()) p.parameters.emplace_back(param, value.get<double>());
        out.push_back(p);
    }
    return out;
}

// The reference's probes: its "probes" ({name: [variable, section, x]}), else the given ones.
inline void compare_with_neuron(const std::string& reference, const std::string& catalogue, const char* variant,
                                double v_bound, std::vector<NeuronProbe> probes = {}) {
    const auto ref = neuron_reference(reference);
    MechanismCatalogues catalogues;
    catalogues.add(MechanismCatalogue::load(catalogue));
    auto cell = std::make_shared<CableCellDescription>();
    CableSection soma;
    soma.name = "soma";
    soma.length = soma.diam = 20;
    soma.Ra = 100;
    soma.mechanisms = placements(ref["soma_mechanisms"], catalogues);
    cell->sections = {soma};
    const bool with_dendrite = std::string(variant) == "ball_and_stick";
    if (with_dendrite) {
        CableSection dend;
        dend.name = "dend";
        dend.parent = 0;
        dend.length = 200;
        dend.diam = 1;
        dend.ncomp = 10;
        dend.Ra = 100;
        dend.mechanisms = placements(ref["dend_mechanisms"], catalogues);
        cell->sections.push_back(dend);
    }
    if (ref.contains("synapses"))
        for (const auto& s : ref["synapses"]) {
            CableSynapse synapse;
            synapse.name = s["name"];
            synapse.x = s["x"];
            MechanismPlacement p;
            p.mechanism = catalogues.find(s["type"].get<std::string>());
            EXPECT_TRUE(p.mechanism) << s["type"];
            for (const auto& [param, value] : s["params"].items()) p.parameters.emplace_back(param, value.get<double>());
            synapse.point_process = p;
            cell->synapses.push_back(synapse);
        }
    cell->celsius = ref["celsius"];
    cell->v_init = ref["v_init"];
    cell->detector = {0, 0.5, 10.0, false, ""};
    const double dt = ref["dt"];
    const auto& c = ref["clamp"];
    CurrentClamp stim;
    stim.section = "soma";
    stim.x = 0.5;
    stim.delay = c["delay"];
    stim.duration = c["duration"];
    stim.amplitude = c["amplitude"];
    CableGroup group({{0, cell, {stim}}}, dt);

    const auto& expected = ref[variant];
    if (expected.contains("probes"))
        for (const auto& [name, where] : expected["probes"].items())
            probes.push_back({name, where[0], where[1], where[2].get<double>()});
    for (auto& p : probes) p.id = group.add_probe(0, p.variable, p.section, p.x);
    const Step every = std::llround(ref["sample_interval"].get<double>() / dt);
    const Step steps = std::llround(ref["tstop"].get<double>() / dt);
    std::vector<Spike> spikes;
    // The events NEURON's connections delivered ([time, weight, synapse]), per epoch.
    std::vector<Event> events;
    if (expected.contains("events"))
        for (const auto& e : expected["events"])
            events.push_back({e[0].get<double>(), e[1].get<double>(), e[2].get<std::uint32_t>(), 0});
    for (Step begin = 0; begin <= steps; begin += every) {
        for (auto& p : probes) p.values.push_back(group.probe_value(p.id));
        if (begin == steps) break;
        std::vector<Event> due;
        for (const Event& e : events)
            if (delivery_step(e.time, dt) >= begin && delivery_step(e.time, dt) < begin + every) due.push_back(e);
        const std::vector<std::uint32_t> offsets = {0, static_cast<std::uint32_t>(due.size())};
        group.advance({begin, begin + every, dt}, EventLanes{due, offsets}, spikes);
    }
    const auto& ref_spikes = expected["spike_times"];
    ASSERT_EQ(spikes.size(), ref_spikes.size());
    for (std::size_t i = 0; i < spikes.size(); ++i)
        EXPECT_EQ(std::llround(spikes[i].time / dt), std::llround(ref_spikes[i].get<double>() / dt)) << "spike " << i;
    for (const auto& p : probes) {
        const auto& values = expected["samples"][p.name];
        ASSERT_EQ(values.size(), p.values.size()) << p.name;
        double worst = 0, scale = 0;
        for (std::size_t i = 0; i < values.size(); ++i) {
            worst = std::max(worst, std::fabs(p.values[i] - values[i].get<double>()));
            scale = std::max(scale, std::fabs(values[i].get<double>()));
        }
        // Voltages within v_bound mV; other variables within the same relative error.
        const double bound = p.variable == "v" ? v_bound : v_bound * scale / 100.0;
        EXPECT_LT(worst, bound) << p.name;
        std::printf("[ %s ] largest |%s - NEURON|: %.3g (largest |value| %.3g)\n", variant, p.name.c_str(), worst, scale);
    }
}

}  // namespace parnet::mechanism_test
