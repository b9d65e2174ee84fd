// parnet's cable cells against NEURON 8.2 on the ball-and-stick cell of issue 4
// (reference made by tools/neuron_reference/ball_and_stick.py).
#include "cable_test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace parnet {
namespace {

using namespace cable_test;

// at_tip: the clamp sits on dend(1), a zero-area tip that parnet keeps because the clamp injects
// there: NEURON's voltage at dend(1) is then the tip's own (its neighbour's plus the clamp's IR
// drop across the half compartment, about 3.8 mV at 0.6 nA), compared like the others.
void compare_with_neuron(RateEvaluation rates, const char* variant, bool at_tip = false) {
    const auto ref = load_reference("ball_and_stick.json");
    const double dt = ref["dt"];
    const double tstop = ref["tstop"];
    const Step every = std::llround(ref["sample_interval"].get<double>() / dt);
    const auto& expected = ref[variant];

    auto cell = ball_and_stick();
    cell->hh_rates = rates;
    // (at_tip: the clamp's IR drop is large, so equal tip voltages are not a coincidence.)
    const CurrentClamp stim = at_tip ? clamp("dend", 1.0, 5, 50, 0.6) : clamp("soma", 0.5, 5, 50, 0.2);
    CableGroup group({{0, cell, {stim}}}, dt);
    const std::size_t soma = group.probe(0, "soma", 0.5);
    const std::size_t dend_mid = group.probe(0, "dend", 0.5);
    const std::size_t dend_end = group.probe(0, "dend", 1.0);
    std::vector<double> v_soma, v_mid, v_end;
    const auto spikes = drive(group, std::llround(tstop / dt), every, dt, {}, [&](Step) {
        v_soma.push_back(group.voltage_at(soma));
        v_mid.push_back(group.voltage_at(dend_mid));
        v_end.push_back(group.voltage_at(dend_end));
    });

    const auto& ref_spikes = expected["spike_times"];
    ASSERT_EQ(spikes.size(), ref_spikes.size());
    for (std::size_t i = 0; i < spikes.size(); ++i)
        EXPECT_EQ(step_of(spikes[i].time, dt), step_of(ref_spikes[i].get<double>(), dt))
            << "spike " << i << ": parnet " << spikes[i].time << " ms, NEURON " << ref_spikes[i];

    const auto& samples = expected["samples"];
    ASSERT_EQ(samples["soma"].size(), v_soma.size());
    double worst_soma = 0, worst_dend = 0;
    for (std::size_t i = 0; i < v_soma.size(); ++i) {
        worst_soma = std::max(worst_soma, std::fabs(v_soma[i] - samples["soma"][i].get<double>()));
        worst_dend = std::max(worst_dend, std::fabs(v_mid[i] - samples["dend_mid"][i].get<double>()));
        worst_dend = std::max(worst_dend, std::fabs(v_end[i] - samples["dend_end"][i].get<double>()));
    }
    // The reference is stored rounded to 1e-9 mV (tools/neuron_reference/common.py): the 5e-10 mV
    // achieved is that rounding; anything above 1e-9 mV is a real departure from NEURON.
    EXPECT_LT(worst_soma, 1e-9) << "largest soma difference (mV)";
    EXPECT_LT(worst_dend, 1e-9) << "largest dendrite difference (mV)";
    std::printf("[ %s ] largest |V - V_NEURON|: soma %.3g mV, dendrite %.3g mV\n", variant,
                worst_soma, worst_dend);
}

TEST(NeuronBallAndStick, SpikesInNeuronsStepsWithRateTables) {
    compare_with_neuron(RateEvaluation::table, "table");
}

TEST(NeuronBallAndStick, SpikesInNeuronsStepsWithExactRates) {
    compare_with_neuron(RateEvaluation::exact, "exact");
}

TEST(NeuronBallAndStick, ClampOnTheDendritesTipIsReportedAsNeuronReportsTheTip) {
    compare_with_neuron(RateEvaluation::table, "tip_clamp", true);
}

}  // namespace
}  // namespace parnet

namespace parnet {
namespace {

// The interpolation option moves each spike back inside the step where NEURON's rule reports it.
TEST(CableSpikeTiming, InterpolatedCrossingsLieWithinTheDetectionStep) {
    const auto ref = load_reference("ball_and_stick.json");
    const double dt = ref["dt"];
    auto cell = ball_and_stick();
    cell->detector.interpolate = true;
    CableGroup group({{0, cell, {clamp("soma", 0.5, 5, 50, 0.2)}}}, dt);
    const auto spikes = drive(group, std::llround(ref["tstop"].get<double>() / dt), 40, dt, {});
    const auto& neuron = ref["table"]["spike_times"];
    ASSERT_EQ(spikes.size(), neuron.size());
    for (std::size_t i = 0; i < spikes.size(); ++i) {
        const double step_end = static_cast<double>(step_of(neuron[i].get<double>(), dt)) * dt;
        EXPECT_GT(spikes[i].time, step_end - dt) << "spike " << i;
        EXPECT_LT(spikes[i].time, step_end) << "spike " << i;   // v crosses strictly inside
    }
}

}  // namespace
}  // namespace parnet
