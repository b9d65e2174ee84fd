// Building blocks of the cable solver: the inline exp, Exp2Syn's conductance,
// NEURON's node structure, and bit-identical results whatever a cell's place in its group.
#include "cable_test_support.hpp"
#include "engine/cable/cable_layout.hpp"
#include "engine/cable/fast_exp.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>

namespace parnet {
namespace {

using namespace cable_test;

double ulps(double a, double b) {
    return std::fabs(a - b) / std::fabs(std::nextafter(b, INFINITY) - b);
}

TEST(CableNumerics, InlineExpIsWithinOneUlpOfLibm) {
    double worst = 0;
    for (double x = -700; x < 700; x += 0.0137) worst = std::max(worst, ulps(cable::exp_inline(x), std::exp(x)));
    for (double x = -1; x < 1; x += 1e-5) worst = std::max(worst, ulps(cable::exp_inline(x), std::exp(x)));
    EXPECT_LE(worst, 1.0);   // 1.0 reached (it is 1.0 ulp from expl too)
    EXPECT_EQ(cable::exp_inline(0.0), 1.0);
}

TEST(CableNumerics, NodeStructureIsNeuronsWithoutRedundantEndNodes) {
    const auto cell = ball_and_stick();
    const cable::CableLayout layout(*cell);
    // soma centre, soma(1) joining the dendrite, 20 dendrite compartments; the root and the
    // dendrite's tip go.
    EXPECT_EQ(layout.node_count(), 22u);
    EXPECT_EQ(layout.compartments, 21u);
    EXPECT_EQ(layout.node_at(0, 0.5), 0u);
    EXPECT_EQ(layout.node_at(0, 0.0), 0u);
    EXPECT_EQ(layout.node_at(0, 1.0), 1u);
    EXPECT_EQ(layout.node_at(1, 0.0), 1u);
    EXPECT_EQ(layout.node_at(1, 0.52), 12u);   // compartment floor(0.52 * 20) = 10
    EXPECT_EQ(layout.node_at(1, 1.0), 21u);
    EXPECT_EQ(layout.area[1], 100.0);
    EXPECT_NEAR(layout.area[0], std::numbers::pi * 400, 1e-9);
    for (std::uint32_t j = 1; j < layout.node_count(); ++j) EXPECT_LT(layout.parent[j], static_cast<int>(j));
}

TEST(CableNumerics, Exp2SynConductanceFollowsTheAnalyticDifferenceOfExponentials) {
    auto cell = ball_and_stick();
    CableSynapse syn;
    syn.name = "s";
    syn.kind = SynapseKind::exp2syn;
    syn.tau1 = 0.7;
    syn.tau2 = 4.0;
    syn.section = 1;
    syn.x = 0.3;
    cell->synapses = {syn};
    const double dt = 0.025, t0 = 2.0, w = 0.003;
    CableGroup group({{0, cell, {}}}, dt);
    const double tp = syn.tau1 * syn.tau2 / (syn.tau2 - syn.tau1) * std::log(syn.tau2 / syn.tau1);
    const double factor = 1 / (std::exp(-tp / syn.tau2) - std::exp(-tp / syn.tau1));
    double worst = 0, peak = 0, t_peak = 0;
    drive(group, 800, 1, dt, {{Event{t0, w, 0}}}, [&](Step n) {
        const double t = static_cast<double>(n) * dt;
        const double g = group.synapse_conductance(0, 0);
        const double expected =
            t <= t0 ? 0.0 : w * factor * (std::exp(-(t - t0) / syn.tau2) - std::exp(-(t - t0) / syn.tau1));
        worst = std::max(worst, std::fabs(g - expected));
        if (g > peak) { peak = g; t_peak = t; }
    });
    EXPECT_LT(worst, 1e-12 * w);
    EXPECT_NEAR(peak, w, 1e-4 * w);          // normalised to the weight at its peak
    EXPECT_NEAR(t_peak - t0, tp, dt);
}

// Everything a cell does, as bits: its voltage at a few places every 0.5 ms and its spikes.
struct Record {
    std::vector<std::uint64_t> bits;
    std::vector<Spike> spikes;
};

Record record_cell(std::vector<CableGroup::Cell> cells, std::size_t watched,
                   std::vector<std::vector<Event>> events) {
    const double dt = 0.025;
    const bool calcium = cells[watched].description->calcium.has_value();
    CableGroup group(std::move(cells), dt);
    Record r;
    const std::size_t probes[] = {group.probe(watched, "soma", 0.5), group.probe(watched, "dend", 0.9)};
    const auto spikes = drive(group, 2400, 20, dt, std::move(events), [&](Step) {
        for (auto p : probes) r.bits.push_back(std::bit_cast<std::uint64_t>(group.voltage_at(p)));
        if (!calcium) return;
        // reaction-diffusion cells: free and bound calcium too
        for (std::uint32_t compartment : {0u, 15u})   // soma, dend(0.7)
            for (std::size_t species : {0u, 1u})
                r.bits.push_back(std::bit_cast<std::uint64_t>(group.concentration(watched, species, compartment)));
    });
    for (const Spike& s : spikes)
        if (s.source == 100) r.spikes.push_back(s);
    return r;
}

// Also for reaction-diffusion cells (calcium, buffer, pump, cahva and sk): free and bound
// calcium bit-identical too.
TEST(CableDeterminism, PositionInTheGroupDoesNotChangeOneBit) {
    for (int variant = 0; variant < 3; ++variant) {
        const RateEvaluation rates = variant == 1 ? RateEvaluation::exact : RateEvaluation::table;
        auto cell = variant == 2 ? ball_and_stick_with_calcium() : ball_and_stick();
        cell->hh_rates = rates;
        CableSynapse syn;
        syn.name = "syn";
        syn.tau = 2;
        syn.section = 1;
        syn.x = 0.5;
        cell->synapses = {syn};
        auto other = ball_and_stick();   // another kind sharing the group
        other->sections[1].ncomp = 7;
        const std::vector<Event> input = {{3.0, 0.01, 0}, {17.5, 0.02, 0}, {31.0, 0.015, 0}};
        const CableGroup::Cell watched{100, cell, {clamp("soma", 0.5, 10, 40, 0.15)}};

        const Record alone = record_cell({watched}, 0, {input});
        ASSERT_FALSE(alone.spikes.empty());

        // Third of five, between cells of the same kind with other inputs and another kind.
        std::vector<CableGroup::Cell> five = {{1, cell, {clamp("soma", 0.5, 2, 50, 0.3)}},
                                              {2, other, {clamp("dend", 1.0, 0, 60, 0.1)}},
                                              watched,
                                              {4, cell, {}},
                                              {5, other, {}}};
        const Record third = record_cell(five, 2, {{{5.0, 0.05, 0}}, {}, input, {{1.0, 0.1, 0}}, {}});
        EXPECT_EQ(alone.bits, third.bits);
        EXPECT_EQ(alone.spikes, third.spikes);

        // Eleventh of twelve: the second block, lane 2.
        std::vector<CableGroup::Cell> twelve;
        std::vector<std::vector<Event>> events;
        for (Gid g = 0; g < 11; ++g) {
            twelve.push_back({g + 200, cell, {clamp("soma", 0.5, g, 30, 0.02 * g)}});
            events.push_back({{g * 1.5 + 1, 0.004 * g, 0}});
        }
        twelve.insert(twelve.begin() + 10, watched);
        events.insert(events.begin() + 10, input);
        const Record eleventh = record_cell(twelve, 10, events);
        EXPECT_EQ(alone.bits, eleventh.bits);
        EXPECT_EQ(alone.spikes, eleventh.spikes);

        // Every lane of a block: the watched cell at positions 5 and 7 of eight.
        for (std::size_t position : {5u, 7u}) {
            std::vector<CableGroup::Cell> eight(twelve.begin(), twelve.begin() + 7);
            std::vector<std::vector<Event>> lanes(events.begin(), events.begin() + 7);
            eight.insert(eight.begin() + static_cast<std::ptrdiff_t>(position), watched);
            lanes.insert(lanes.begin() + static_cast<std::ptrdiff_t>(position), input);
            const Record r = record_cell(eight, position, lanes);
            EXPECT_EQ(alone.bits, r.bits) << "position " << position;
            EXPECT_EQ(alone.spikes, r.spikes) << "position " << position;
        }
    }
}

}  // namespace
}  // namespace parnet
