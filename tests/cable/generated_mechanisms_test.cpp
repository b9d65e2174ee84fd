// The built-in catalogue (mechanisms/*.mod translated by parnet-modcc at build time). Its hh, pas,
// ExpSyn and Exp2Syn replaced parnet's former hand-written kernels after giving their very bits
// (the same arithmetic in the same order, the same exp_inline and rate table, no FMA contraction).
// The description's shorthands (CableSection::hh, ::pas, the synapse kinds, hh_rates) are those
// catalogue mechanisms: a cell written with them gives the bits of the same cell written with
// explicit placements (builtin_mechanisms.hpp); and the ball-and-stick matches NEURON through them.
#include "cable_test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace parnet {
namespace {

using namespace cable_test;

// The same cell with every hh, pas and synapse placed explicitly from the built-in catalogue.
std::shared_ptr<CableCellDescription> with_catalogue(const CableCellDescription& cell) {
    auto out = std::make_shared<CableCellDescription>(cell);
    const auto builtin = MechanismCatalogue::builtin();
    for (auto& s : out->sections) {
        if (s.pas) {
            s.mechanisms.push_back({builtin->find("pas"), {{"g", s.pas->g}, {"e", s.pas->e}}, {}});
            s.pas.reset();
        }
        if (s.hh) {
            EXPECT_EQ(s.hh->ena, 50.0);   // the na and k ions' defaults
            EXPECT_EQ(s.hh->ek, -77.0);
            MechanismPlacement hh{builtin->find("hh"),
                                  {{"gnabar", s.hh->gnabar}, {"gkbar", s.hh->gkbar}, {"gl", s.hh->gl},
                                   {"el", s.hh->el}},
                                  {}};
            if (cell.hh_rates == RateEvaluation::exact) hh.globals = {{"usetable", 0.0}};
            s.mechanisms.push_back(hh);
            s.hh.reset();
        }
    }
    for (auto& syn : out->synapses) {
        if (syn.kind == SynapseKind::expsyn)
            syn.point_process = MechanismPlacement{builtin->find("ExpSyn"), {{"tau", syn.tau}, {"e", syn.e}}, {}};
        else
            syn.point_process = MechanismPlacement{
                builtin->find("Exp2Syn"), {{"tau1", syn.tau1}, {"tau2", syn.tau2}, {"e", syn.e}}, {}};
    }
    return out;
}

struct Simulated {
    std::vector<Spike> spikes;
    std::vector<std::vector<double>> traces;   // per probe
};

Simulated simulate(std::shared_ptr<const CableCellDescription> cell, const std::vector<CurrentClamp>& clamps,
        std::vector<Event> events, double tstop, double dt,
        const std::vector<std::pair<const char*, double>>& where) {
    CableGroup group({{0, cell, clamps}}, dt);
    Simulated out;
    out.traces.resize(where.size());
    out.spikes = drive(group, std::llround(tstop / dt), 1, dt, {events}, [&](Step) {
        for (std::size_t p = 0; p < where.size(); ++p)
            out.traces[p].push_back(group.voltage(0, where[p].first, where[p].second));
    });
    return out;
}

const std::vector<std::pair<const char*, double>> ball_and_stick_probes = {
    {"soma", 0.5}, {"dend", 0.1}, {"dend", 0.5}, {"dend", 1.0}};

void expect_bit_identical(RateEvaluation rates, double celsius) {
    auto cell = ball_and_stick();
    cell->hh_rates = rates;
    cell->celsius = celsius;
    cell->sections[1].hh = HodgkinHuxley{};   // hh and pas on one section: the order of the sum
    cell->sections[1].hh->gnabar = 0.02;
    const std::vector<CurrentClamp> clamps = {clamp("soma", 0.5, 5, 50, 0.2), clamp("dend", 0.9, 20, 5, 0.1)};
    const Simulated hand = simulate(cell, clamps, {}, 80, 0.025, ball_and_stick_probes);   // shorthands
    const Simulated generated = simulate(with_catalogue(*cell), clamps, {}, 80, 0.025, ball_and_stick_probes);
    ASSERT_GE(hand.spikes.size(), 1u);
    ASSERT_EQ(hand.spikes.size(), generated.spikes.size());
    for (std::size_t i = 0; i < hand.spikes.size(); ++i) EXPECT_EQ(hand.spikes[i].time, generated.spikes[i].time);
    for (std::size_t p = 0; p < hand.traces.size(); ++p) {
        std::size_t differing = 0;
        double worst = 0;
        for (std::size_t i = 0; i < hand.traces[p].size(); ++i) {
            differing += hand.traces[p][i] != generated.traces[p][i];
            worst = std::max(worst, std::fabs(hand.traces[p][i] - generated.traces[p][i]));
        }
        EXPECT_EQ(differing, 0u) << "probe " << p << ": samples that are not bit-identical (worst " << worst << " mV)";
    }
}

TEST(GeneratedMechanisms, HHAndPasShorthandsAreTheCatalogueMechanismsWithRateTables) {
    expect_bit_identical(RateEvaluation::table, 6.3);
    expect_bit_identical(RateEvaluation::table, 16.3);
}

TEST(GeneratedMechanisms, HHAndPasShorthandsAreTheCatalogueMechanismsWithExactRates) {
    expect_bit_identical(RateEvaluation::exact, 6.3);
    expect_bit_identical(RateEvaluation::exact, 20.0);
}

TEST(GeneratedMechanisms, ExpSynAndExp2SynShorthandsAreTheCatalogueSynapses) {
    auto cell = ball_and_stick();
    CableSynapse ampa;
    ampa.name = "ampa";
    ampa.kind = SynapseKind::expsyn;
    ampa.tau = 2;
    ampa.section = 1;
    ampa.x = 0.7;
    CableSynapse nmda;
    nmda.name = "slow";
    nmda.kind = SynapseKind::exp2syn;
    nmda.tau1 = 0.5;
    nmda.tau2 = 5;
    nmda.section = 0;
    nmda.x = 0.5;
    cell->synapses = {ampa, nmda};
    const std::vector<Event> events = {{2.0, 0.01, 0}, {3.3, 0.004, 1}, {20.0, 0.02, 0}, {20.01, 0.003, 1},
                                       {40.0, 0.002, 1}};
    const Simulated hand = simulate(cell, {}, events, 60, 0.025, ball_and_stick_probes);
    const Simulated generated = simulate(with_catalogue(*cell), {}, events, 60, 0.025, ball_and_stick_probes);
    ASSERT_GT(hand.spikes.size(), 0u);
    ASSERT_EQ(hand.spikes.size(), generated.spikes.size());
    for (std::size_t i = 0; i < hand.spikes.size(); ++i)
        EXPECT_EQ(step_of(hand.spikes[i].time, 0.025), step_of(generated.spikes[i].time, 0.025));
    double worst = 0;
    for (std::size_t p = 0; p < hand.traces.size(); ++p)
        for (std::size_t i = 0; i < hand.traces[p].size(); ++i)
            worst = std::max(worst, std::fabs(hand.traces[p][i] - generated.traces[p][i]));
    EXPECT_EQ(worst, 0.0) << "mV";
}

// The ball-and-stick comparison with NEURON (neuron_ball_and_stick_test.cpp) through the
// generated kernels; the bound is what they achieve (5e-10 mV) with a margin of 20.
TEST(GeneratedMechanisms, BallAndStickThroughTheCatalogueMatchesNeuron) {
    const auto ref = load_reference("ball_and_stick.json");
    const double dt = ref["dt"];
    for (const char* variant : {"table", "exact"}) {
        auto cell = ball_and_stick();
        cell->hh_rates = std::string(variant) == "table" ? RateEvaluation::table : RateEvaluation::exact;
        const auto& expected = ref[variant];
        CableGroup group({{0, with_catalogue(*cell), {clamp("soma", 0.5, 5, 50, 0.2)}}}, dt);
        std::vector<double> v_soma, v_mid;
        const Step every = std::llround(ref["sample_interval"].get<double>() / dt);
        const auto spikes = drive(group, std::llround(ref["tstop"].get<double>() / dt), every, dt, {}, [&](Step) {
            v_soma.push_back(group.voltage(0, "soma", 0.5));
            v_mid.push_back(group.voltage(0, "dend", 0.5));
        });
        const auto& ref_spikes = expected["spike_times"];
        ASSERT_EQ(spikes.size(), ref_spikes.size());
        for (std::size_t i = 0; i < spikes.size(); ++i)
            EXPECT_EQ(step_of(spikes[i].time, dt), step_of(ref_spikes[i].get<double>(), dt));
        double worst = 0;
        for (std::size_t i = 0; i < v_soma.size(); ++i) {
            worst = std::max(worst, std::fabs(v_soma[i] - expected["samples"]["soma"][i].get<double>()));
            worst = std::max(worst, std::fabs(v_mid[i] - expected["samples"]["dend_mid"][i].get<double>()));
        }
        EXPECT_LT(worst, 1e-8) << variant;
        std::printf("[ %s ] generated kernels, largest |V - V_NEURON|: %.3g mV\n", variant, worst);
    }
}

TEST(GeneratedMechanisms, ProbesReadStatesAndIonVariables) {
    auto cell = with_catalogue(*ball_and_stick());
    CableGroup group({{0, cell, {}}}, 0.025);
    const std::size_t m = group.add_probe(0, "m_hh", "soma", 0.5);
    const std::size_t ena = group.add_probe(0, "ena", "soma", 0.5);
    const std::size_t g = group.add_probe(0, "g_pas", "dend", 0.5);
    drive(group, 10, 1, 0.025, {});
    // hh's m at rest (-65 mV) from the rate table: 0.0529...
    EXPECT_NEAR(group.probe_value(m), 0.0529, 1e-3);
    EXPECT_EQ(group.probe_value(ena), 50.0);
    EXPECT_EQ(group.probe_value(g), 0.001);
    EXPECT_THROW(group.add_probe(0, "m_hh", "dend", 0.5), input_error);   // hh is not on dend
}

// hh's ena and ek (a shorthand's parameters) are the section's reversal potentials of the na and
// k ions: read there as ena and ek, and they change the currents.
TEST(GeneratedMechanisms, HHReversalPotentialsAreTheSectionsIonValues) {
    auto cell = ball_and_stick();
    cell->sections[0].hh->ena = 55.0;
    cell->sections[0].hh->ek = -80.0;
    CableGroup group({{0, cell, {clamp("soma", 0.5, 1, 20, 0.2)}}, {1, ball_and_stick(), {clamp("soma", 0.5, 1, 20, 0.2)}}},
                     0.025);
    const std::size_t ena = group.add_probe(0, "ena", "soma", 0.5);
    const std::size_t ek = group.add_probe(0, "ek", "soma", 0.5);
    const std::size_t ena_default = group.add_probe(1, "ena", "soma", 0.5);
    drive(group, 400, 40, 0.025, {});
    EXPECT_EQ(group.probe_value(ena), 55.0);
    EXPECT_EQ(group.probe_value(ek), -80.0);
    EXPECT_EQ(group.probe_value(ena_default), 50.0);
    EXPECT_NE(group.voltage(0, "soma", 0.5), group.voltage(1, "soma", 0.5));
}

}  // namespace
}  // namespace parnet
