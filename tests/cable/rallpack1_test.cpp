// Rallpack 1: a uniform sealed-end passive cable, 0.1 nA injected at x = 0 from t = 0, against
// the analytic series solution of the cable equation. Rallpack's rule: RMS error over 0..250 ms
// below 0.1% of the largest |V|, at both ends.
#include "cable_test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace parnet {
namespace {

using namespace cable_test;

// Cable parameters in cm, ohm, F, A; the solution in mV.
struct PassiveCable {
    double length = 0.1;        // 1 mm
    double radius = 0.5e-4;     // 1 um diameter
    double Ra = 100;            // ohm*cm
    double gm = 2.5e-5;         // S/cm2 (Rm = 4 ohm*m2)
    double cm = 1e-6;           // F/cm2
    double current = 1e-10;     // A
    double rest = -65;          // mV

    // V(x, t) = steady(x) - sum_n r_m I / (N_n k_n) exp(-k_n t / tau) cos(n pi x / L), with
    // k_n = 1 + (n pi lambda / L)^2, N_0 = L, N_n = L / 2 (eigenfunction expansion, sealed ends).
    double voltage(double x, double t) const {
        const double pi = std::numbers::pi;
        const double ra = Ra / (pi * radius * radius);           // ohm/cm
        const double rm = 1.0 / (gm * 2 * pi * radius);          // ohm*cm
        const double tau = rm * cm * 2 * pi * radius * 1e3;      // ms
        const double lambda = std::sqrt(rm / ra);                // cm
        const double steady =
            ra * lambda * current * std::cosh((length - x) / lambda) / std::sinh(length / lambda);
        double transient = 0;
        for (int n = 0; n < 1000000; ++n) {
            const double k = 1 + std::pow(n * pi * lambda / length, 2);
            const double weight = rm * current / ((n == 0 ? length : length / 2) * k);
            const double term = weight * std::exp(-k * t / tau);
            transient += term * std::cos(n * pi * x / length);
            if (n > 0 && term < 1e-18 * steady) break;
        }
        return rest + 1e3 * (steady - transient);
    }
};

TEST(Rallpack1, PassiveCableMatchesTheAnalyticSolution) {
    const PassiveCable cable;
    auto cell = std::make_shared<CableCellDescription>();
    CableSection s;
    s.name = "cable";
    s.length = 1000;
    s.diam = 1;
    s.ncomp = 1000;
    s.Ra = cable.Ra;
    s.cm = 1;
    s.pas = PassiveLeak{cable.gm, cable.rest};
    cell->sections = {s};
    cell->v_init = cable.rest;
    const double dt = 0.025, tstop = 250;
    CableGroup group({{0, cell, {clamp("cable", 0.0, 0, 1e9, 0.1)}}}, dt);

    // The ends' zero-area nodes carry nothing parnet needs, so the voltages read at x = 0 and 1
    // are those of the end compartments' centres: compare them with the solution there.
    const double near = 0.5 / s.ncomp, far = 1 - near;
    const std::size_t p0 = group.probe(0, "cable", 0.0), p1 = group.probe(0, "cable", 1.0);
    double sq0 = 0, sq1 = 0, vmax = 0;
    std::size_t samples = 0;
    drive(group, std::llround(tstop / dt), 1, dt, {}, [&](Step n) {
        const double t = static_cast<double>(n) * dt;
        const double v0 = group.voltage_at(p0), v1 = group.voltage_at(p1);
        const double a0 = cable.voltage(near * cable.length, t);
        const double a1 = cable.voltage(far * cable.length, t);
        sq0 += (v0 - a0) * (v0 - a0);
        sq1 += (v1 - a1) * (v1 - a1);
        vmax = std::max({vmax, std::fabs(a0), std::fabs(a1)});
        ++samples;
    });
    const double rms0 = std::sqrt(sq0 / samples), rms1 = std::sqrt(sq1 / samples);
    std::printf("RMS error: x=0 %.3g mV, x=1 %.3g mV; 0.1%% of max |V| = %.3g mV\n", rms0, rms1,
                1e-3 * vmax);
    EXPECT_LT(rms0, 1e-3 * vmax);
    EXPECT_LT(rms1, 1e-3 * vmax);
    // The solution itself: steady state at x = 0 is r_a lambda I coth(L / lambda).
    EXPECT_NEAR(cable.voltage(0, 1e6) + 65, 1e3 * 1.2732395447e10 * 0.1 * 1e-10 / std::tanh(1.0), 1e-6);
}

}  // namespace
}  // namespace parnet
