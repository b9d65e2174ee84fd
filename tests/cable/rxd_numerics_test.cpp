// Reaction-diffusion of cable cells against invariants and analytic results: conservation of
// calcium on a branched cell, Gaussian spread of a bolus, buffer equilibrium, the slowing of
// diffusion by a fast fixed buffer, and both directions of the membrane coupling.
#include "cable_test_support.hpp"
#include "engine/cable/cable_layout.hpp"
#include "engine/cable/fast_log.hpp"
#include "engine/errors.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace parnet {
namespace {

using namespace cable_test;

constexpr double dt = 0.025;

void run_steps(CableGroup& group, Step steps, double step = dt) {
    std::vector<Spike> spikes;
    const Step begin = group.current_step();
    group.advance(Epoch{begin, begin + steps, step}, EventLanes{}, spikes);
}

CableSection section(std::string name, std::optional<std::uint32_t> parent, double parent_x,
                     double length, double diam, std::uint32_t ncomp) {
    CableSection s;
    s.name = std::move(name);
    s.parent = parent;
    s.parent_x = parent_x;
    s.length = length;
    s.diam = diam;
    s.ncomp = ncomp;
    s.pas = PassiveLeak{0.0001, -65};
    return s;
}

// Total calcium, free and bound, in amount units (um3 mM): sum of volume * concentrations.
double total_calcium(const CableGroup& group, std::size_t cell, const cable::CableLayout& layout,
                     std::size_t species) {
    double total = 0;
    for (std::uint32_t k = 0; k < layout.compartment_node.size(); ++k)
        for (std::size_t s = 0; s < species; ++s)
            total += layout.compartment_volume[k] * group.concentration(cell, s, k);
    return total;
}

// The Nernst potential's logarithm: within a few ulp of libm over the range calcium ratios take.
TEST(RxdNumerics, InlineLogIsWithinFourUlpsOfLibm) {
    double worst = 0;
    for (double x = 1e-3; x < 1e9; x *= 1.00137) {
        const double exact = std::log(x);
        if (std::fabs(exact) < 1e-3) continue;   // relative ulps meaningless near ln 1 = 0
        worst = std::max(worst, std::fabs(cable::log_inline(x) - exact) / std::fabs(std::nextafter(exact, INFINITY) - exact));
    }
    EXPECT_LE(worst, 4.0);
    for (double x = 0.999; x < 1.001; x += 1.3e-6) EXPECT_NEAR(cable::log_inline(x), std::log(x), 1e-16);
    EXPECT_EQ(cable::log_inline(1.0), 0.0);
    EXPECT_NEAR(cable::log_inline(2.0), std::log(2.0), 1e-16);
}

TEST(RxdConservation, TotalCalciumIsConstantOnABranchedCellOver10000Steps) {
    auto cell = std::make_shared<CableCellDescription>();
    cell->sections = {section("soma", std::nullopt, 1, 20, 20, 1), section("dend1", 0, 1, 200, 2, 20),
                      section("dend2", 0, 1, 150, 1, 15), section("tuft", 1, 1, 80, 0.5, 8),
                      section("oblique", 1, 0.35, 60, 0.7, 6), section("axon", 0, 0, 300, 1, 30)};
    cell->sections[0].hh = HodgkinHuxley{};
    CalciumSpecies ca;
    ca.initial = 1e-4;
    ca.D = 0.6;
    ca.buffers = {{"mobile", 0.05, 50.0, 0.05, 0.3}, {"fixed", 0.2, 500.0, 5.0, 0.0}};
    cell->calcium = ca;   // no pump, no calcium current: nothing enters or leaves
    const cable::CableLayout layout(*cell);
    CableGroup group({{0, cell, {clamp("soma", 0.5, 1, 200, 0.5)}}, {1, cell, {}}}, dt);
    // A non-uniform start away from equilibrium: a hot spot on the soma and the oblique branch.
    for (std::uint32_t k = 0; k < layout.compartment_node.size(); ++k) {
        group.set_concentration(0, 0, k, 1e-4 * (1 + 0.5 * std::sin(0.37 * k)) + (k == 0 || k == 40 ? 2e-3 : 0));
        group.set_concentration(0, 1, k, 0.01 * (k % 3));
    }
    const double before = total_calcium(group, 0, layout, 3);
    const double free_before = group.concentration(0, 0, 0);
    run_steps(group, 10000);
    const double after = total_calcium(group, 0, layout, 3);
    EXPECT_LT(std::fabs(after - before), 1e-12 * before) << "relative drift " << (after - before) / before;
    EXPECT_LT(group.concentration(0, 0, 0), 0.5 * free_before);   // it did move
    std::printf("[ conservation ] relative drift over 10000 steps: %.2e\n", (after - before) / before);
}

// A long uniform cable with an initial Gaussian of calcium in its middle (compartment centres
// x_k); returns the group and the centres.
struct Cable {
    std::shared_ptr<CableCellDescription> cell;
    std::vector<double> x;
};

Cable long_cable(double D, std::vector<CalciumBuffer> buffers) {
    Cable c;
    c.cell = std::make_shared<CableCellDescription>();
    c.cell->sections = {section("cable", std::nullopt, 1, 2000, 1, 1000)};
    CalciumSpecies ca;
    ca.initial = 1e-4;
    ca.D = D;
    ca.buffers = std::move(buffers);
    c.cell->calcium = ca;
    for (int k = 0; k < 1000; ++k) c.x.push_back(2.0 * k + 1.0);
    return c;
}

void set_bolus(CableGroup& group, const Cable& c, double amplitude, double sigma) {
    const auto& buffers = c.cell->calcium->buffers;
    for (std::uint32_t k = 0; k < c.x.size(); ++k) {
        const double ca = 1e-4 + amplitude * std::exp(-std::pow(c.x[k] - 1000, 2) / (2 * sigma * sigma));
        group.set_concentration(0, 0, k, ca);
        for (std::size_t b = 0; b < buffers.size(); ++b) group.set_concentration(0, 1 + b, k, buffers[b].bound_at(ca));
    }
}

// Variance (um2) of the excess of free calcium over the resting level.
double spread(const CableGroup& group, const Cable& c) {
    double m0 = 0, m2 = 0;
    for (std::uint32_t k = 0; k < c.x.size(); ++k) {
        const double e = group.concentration(0, 0, k) - 1e-4;
        m0 += e;
        m2 += e * std::pow(c.x[k] - 1000, 2);
    }
    return m2 / m0;
}

TEST(RxdDiffusion, BolusSpreadsAsTheAnalyticGaussian) {
    const double D = 1.0, sigma0 = 10, amplitude = 1e-3, T = 200;
    const Cable c = long_cable(D, {});
    CableGroup group({{0, c.cell, {}}}, dt);
    set_bolus(group, c, amplitude, sigma0);
    run_steps(group, std::llround(T / dt));
    // Free diffusion of a Gaussian: variance sigma0^2 + 2 D t, mass conserved.
    const double s2 = sigma0 * sigma0 + 2 * D * T;
    double err2 = 0, n = 0;
    const double peak = amplitude * sigma0 / std::sqrt(s2);
    for (std::uint32_t k = 0; k < c.x.size(); ++k) {
        const double dx = c.x[k] - 1000;
        if (std::fabs(dx) > 5 * std::sqrt(s2)) continue;   // far from the ends (1000 um away)
        const double expected = 1e-4 + peak * std::exp(-dx * dx / (2 * s2));
        err2 += std::pow(group.concentration(0, 0, k) - expected, 2);
        ++n;
    }
    const double rms = std::sqrt(err2 / n) / peak;
    EXPECT_LT(rms, 0.01) << "RMS error relative to the peak";
    std::printf("[ gaussian ] RMS error %.2e of the peak; variance %.3f um2, analytic %.3f um2\n", rms,
                spread(group, c), s2);
}

TEST(RxdBuffering, SteadyStateIsTheKfKbEquilibrium) {
    // Far from equilibrium at the start, stiff rates (kf dt = 25, kb dt = 2.5): the implicit step
    // stays positive and settles on kf Ca B = kb CaB with Ca + CaB unchanged.
    auto cell = std::make_shared<CableCellDescription>();
    cell->sections = {section("soma", std::nullopt, 1, 10, 10, 1)};
    CalciumSpecies ca;
    ca.initial = 1e-4;
    ca.D = 0;
    ca.buffers = {{"B", 0.1, 1000.0, 100.0, 0.0}};
    cell->calcium = ca;
    CableGroup group({{0, cell, {}}}, dt);
    group.set_concentration(0, 0, 0, 0.05);
    group.set_concentration(0, 1, 0, 0.0);
    double previous = 1.0;
    for (int i = 0; i < 40; ++i) {
        run_steps(group, 1);
        const double c = group.concentration(0, 0, 0);
        EXPECT_GT(c, 0.0);
        EXPECT_LE(c, previous * (1 + 1e-15));   // monotone approach, no overshoot
        previous = c;
    }
    const double c = group.concentration(0, 0, 0), cab = group.concentration(0, 1, 0);
    EXPECT_NEAR(c + cab, 0.05, 1e-15);
    // Analytic equilibrium: Ca (B_T - CaB) kf = kb CaB with Ca + CaB = 0.05.
    const double kd = 0.1, total = 0.05, bt = 0.1;
    const double bq = kd + bt - total;   // Ca^2 + (Kd + B_T - total) Ca - Kd total = 0
    const double expected = (-bq + std::sqrt(bq * bq + 4 * kd * total)) / 2;
    EXPECT_NEAR(c, expected, 1e-12 * expected);
    EXPECT_NEAR(1000.0 * c * (bt - cab), 100.0 * cab, 1e-10 * 100 * cab);
}

TEST(RxdBuffering, FastFixedBufferSlowsDiffusionByTheBufferFactor) {
    // A small bolus (1e-6 mM over 1e-4, K_d = 1e-3) in a fast fixed buffer: the spread grows as
    // 2 D_eff t with D_eff = D / (1 + B_T K_d / (K_d + Ca)^2).
    const double D = 10, T = 200, bt = 0.05, kf = 1e4, kb = 10;
    const double kd = kb / kf, ca = 1e-4;
    const double d_eff = D / (1 + bt * kd / std::pow(kd + ca, 2));
    double measured[2];
    for (int buffered = 0; buffered < 2; ++buffered) {
        const Cable c = long_cable(D, buffered ? std::vector<CalciumBuffer>{{"fixed", bt, kf, kb, 0}}
                                                : std::vector<CalciumBuffer>{});
        CableGroup group({{0, c.cell, {}}}, dt);
        set_bolus(group, c, 1e-6, 10);
        const double s0 = spread(group, c);
        run_steps(group, std::llround(T / dt));
        measured[buffered] = (spread(group, c) - s0) / (2 * T);
    }
    EXPECT_NEAR(measured[0], D, 0.01 * D);
    EXPECT_NEAR(measured[1], d_eff, 0.01 * d_eff);
    std::printf("[ buffered diffusion ] D free %.4f (%.4g), D_eff %.5f, predicted %.5f (factor %.2f)\n",
                measured[0], D, measured[1], d_eff, D / d_eff);
}

// One isolated compartment with only the calcium channel: the charge the capacitance gained is
// the charge the calcium carried in (2F per mole), so the units of the influx i/(2F vol) are
// checked against those of the membrane equation.
TEST(RxdMembraneCoupling, CalciumCurrentChargeEqualsCalciumGained) {
    auto cell = std::make_shared<CableCellDescription>();
    cell->sections = {section("soma", std::nullopt, 1, 10, 10, 1)};
    cell->sections[0].pas.reset();
    cell->sections[0].cahva = CalciumChannel{1e-4, -60.0, 5.0, 1.0};
    CalciumSpecies ca;
    ca.D = 0;
    cell->calcium = ca;
    const cable::CableLayout layout(*cell);
    double mismatch[2];
    for (int halving = 0; halving < 2; ++halving) {
        const double step = dt / (1 << halving);
        CableGroup group({{0, cell, {}}}, step);
        const double v0 = group.voltage(0, "soma", 0.5), c0 = group.concentration(0, 0, 0);
        run_steps(group, 400 << halving, step);
        const double dv = group.voltage(0, "soma", 0.5) - v0, dc = group.concentration(0, 0, 0) - c0;
        EXPECT_GT(dv, 5.0);   // a real depolarisation
        // cm dv area (uF/cm2 mV um2 = 1e-17 C) against 2F dc vol (C/mol mM um3 = 1e-18 mol)
        const double membrane_charge = 1.0 * dv * layout.area[0] * 1e-17;
        const double calcium_charge = 2 * 96485.33212331001 * dc * layout.compartment_volume[0] * 1e-18;
        mismatch[halving] = calcium_charge / membrane_charge - 1;
        std::printf("[ coupling ] dt %.4f: dv %.3f mV, charge via v %.6e C, via calcium %.6e C\n", step, dv,
                    membrane_charge, calcium_charge);
    }
    // The membrane update uses the current linearised at the new v, the influx the current at
    // the step's v: they differ by O(dt), so the mismatch is small and halves with dt.
    EXPECT_LT(std::fabs(mismatch[0]), 5e-3);
    EXPECT_NEAR(mismatch[0] / mismatch[1], 2.0, 0.2);
}

// sk reads the compartment's calcium: at Ca = kd its gate settles at 1/2 and the membrane at
// the conductance-weighted mean of e_pas and ek.
TEST(RxdMembraneCoupling, SkCurrentReadsLocalCalcium) {
    auto cell = std::make_shared<CableCellDescription>();
    cell->sections = {section("soma", std::nullopt, 1, 10, 10, 1)};
    cell->sections[0].pas = PassiveLeak{1e-3, -65};
    cell->sections[0].sk = CalciumActivatedPotassium{2e-3, 5e-4, 5.0, -90.0};
    CalciumSpecies ca;
    ca.D = 0;
    ca.initial = 5e-4;
    cell->calcium = ca;
    CableGroup group({{0, cell, {}}}, dt);
    run_steps(group, 8000);
    const double expected = (1e-3 * -65 + 0.5 * 2e-3 * -90) / (1e-3 + 0.5 * 2e-3);
    EXPECT_NEAR(group.voltage(0, "soma", 0.5), expected, 1e-9);
    EXPECT_EQ(group.calcium(0, "soma", 0.5), 5e-4);   // nothing moved it
}

// The CellGroup probe API records "cai" next to "v"; a plain cable cell refuses "cai".
TEST(RxdProbes, CaiTracesReadFreeCalciumThroughTheCellGroupApi) {
    auto plain = ball_and_stick();
    CableGroup group({{0, ball_and_stick_with_calcium(), {clamp("soma", 0.5, 2, 50, 0.3)}}, {1, plain, {}}}, dt);
    CellGroup& api = group;
    const std::size_t v = api.add_probe(0, "v", "soma", 0.5);
    const std::size_t soma = api.add_probe(0, "cai", "soma", 0.5);
    const std::size_t dend = api.add_probe(0, "cai", "dend", 0.1);
    EXPECT_THROW(api.add_probe(1, "cai", "soma", 0.5), input_error);
    EXPECT_THROW(api.add_probe(0, "cai", "axon", 0.5), input_error);
    const double rest = api.probe_value(soma);
    EXPECT_EQ(rest, 5e-5);
    run_steps(group, 1200);   // 30 ms, spiking from 2 ms
    EXPECT_EQ(api.probe_value(v), group.voltage(0, "soma", 0.5));
    EXPECT_EQ(api.probe_value(soma), group.calcium(0, "soma", 0.5));
    EXPECT_EQ(api.probe_value(dend), group.calcium(0, "dend", 0.1));
    EXPECT_GT(api.probe_value(soma), 2 * rest);   // spikes let calcium in
    EXPECT_GT(api.probe_value(dend), rest);
}

// Both directions at once on the ball-and-stick: spikes open cahva, calcium builds up in the
// soma and SK slows the firing (fewer spikes than with SK switched off).
TEST(RxdMembraneCoupling, SkCurrentAdaptsFiringOfTheBallAndStick) {
    auto with_sk = ball_and_stick_with_calcium();
    auto without_sk = ball_and_stick_with_calcium();
    without_sk->sections[0].sk->gbar = 0;
    CableGroup group({{0, with_sk, {clamp("soma", 0.5, 2, 200, 0.3)}}, {1, without_sk, {clamp("soma", 0.5, 2, 200, 0.3)}}}, dt);
    std::vector<Spike> spikes;
    group.advance(Epoch{0, 8000, dt}, EventLanes{}, spikes);
    std::size_t count[2] = {0, 0};
    for (const Spike& s : spikes) ++count[s.source];
    EXPECT_GT(count[1], 5u);
    EXPECT_LT(count[0], count[1]);
    std::printf("[ sk ] spikes in 200 ms: %zu with SK, %zu without\n", count[0], count[1]);
}

}  // namespace
}  // namespace parnet
