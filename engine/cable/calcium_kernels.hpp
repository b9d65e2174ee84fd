#pragma once
// The reaction-diffusion kernels of a block of cable cells: every array is lane-minor
// (compartment * lanes + lane) and every loop runs exactly `lanes` lanes per compartment with the
// same instructions (no remainder), so a cell's results do not depend on its lane. The scheme is
// in docs/reaction-diffusion.md.
#include "calcium.hpp"
#include "fast_exp.hpp"
#include "fast_log.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace parnet::cable {

constexpr std::size_t calcium_lanes = 8;
constexpr std::size_t CW = calcium_lanes;

// A backward-Euler diffusion matrix of one species on the compartment tree, factored once per
// dt: rows in amounts (um3 mM), diagonal vol/dt + sum of couplings, off-diagonal -D/path.
struct DiffusionFactors {
    std::vector<double> weight;     // vol/dt: the right-hand side is weight * c
    std::vector<double> off;        // coupling to the parent, -D/path (um3/ms)
    std::vector<double> factor;     // elimination factor off/d' of each row
    std::vector<double> inv_pivot;  // 1/d' after elimination
};

// Backward Euler for one species on the whole block: solves (vol/dt - L) c' = vol/dt c.
[[gnu::noinline]] inline void diffuse(std::size_t C, const std::int32_t* __restrict parent,
                                      const DiffusionFactors& m, double* __restrict c,
                                      double* __restrict rhs) {
    const double* __restrict w = m.weight.data();
    const double* __restrict off = m.off.data();
    const double* __restrict f = m.factor.data();
    const double* __restrict inv = m.inv_pivot.data();
    for (std::size_t k = 0; k < C; ++k)
        for (std::size_t l = 0; l < CW; ++l) rhs[k * CW + l] = w[k] * c[k * CW + l];
    for (std::size_t k = C - 1; k >= 1; --k) {
        const std::size_t p = static_cast<std::size_t>(parent[k]) * CW;
        for (std::size_t l = 0; l < CW; ++l) rhs[p + l] -= f[k] * rhs[k * CW + l];
    }
    for (std::size_t l = 0; l < CW; ++l) c[l] = rhs[l] * inv[0];
    for (std::size_t k = 1; k < C; ++k) {
        const std::size_t p = static_cast<std::size_t>(parent[k]) * CW;
        for (std::size_t l = 0; l < CW; ++l)
            c[k * CW + l] = (rhs[k * CW + l] - off[k] * c[p + l]) * inv[k];
    }
}

// Ca + B <-> CaB over one step by backward Euler, solved exactly: the extent d of the reaction
// satisfies d = dt (kf (ca - d)(b - d) - kb (cab + d)) with b = total - cab free buffer, a
// quadratic whose root in range is 2C/(B + sqrt(B^2 - 4AC)) (stable for any kf, kb, dt; the
// discriminant is never negative). ca + cab is unchanged by construction.
[[gnu::noinline]] inline void buffer_reaction(std::size_t n, double* __restrict ca, double* __restrict cab,
                                              double total, double kf, double kb, double dt) {
    const double a = kf * dt, kbdt = kb * dt;
    for (std::size_t k = 0; k < n * CW; ++k) {
        const double c = ca[k], bound = cab[k], free_b = total - bound;
        const double B = 1.0 + a * (c + free_b) + kbdt;
        const double Cq = a * c * free_b - kbdt * bound;
        const double d = 2.0 * Cq / (B + std::sqrt(B * B - 4.0 * a * Cq));
        ca[k] = c - d;
        cab[k] = bound + d;
    }
}

// Pump, implicit: decay c' = (c + dt/tau rest)/(1 + dt/tau); Michaelis-Menten linearised at c,
// c' = (c + dt vmax rest/(km + rest)) / (1 + dt vmax/(km + c)) (positive for any dt).
[[gnu::noinline]] inline void pump_step(std::size_t n, double* __restrict ca, const CalciumPump& p, double dt) {
    if (p.kind == PumpKind::decay) {
        const double s = 1.0 / (1.0 + dt / p.tau), add = dt / p.tau * p.rest * s;
        for (std::size_t k = 0; k < n * CW; ++k) ca[k] = ca[k] * s + add;
    } else if (p.kind == PumpKind::michaelis_menten) {
        const double leak = dt * p.vmax * p.rest / (p.km + p.rest), rate = dt * p.vmax;
        for (std::size_t k = 0; k < n * CW; ++k) ca[k] = (ca[k] + leak) / (1.0 + rate / (p.km + ca[k]));
    }
}

// Charge entering as calcium: dc = -ica * 2e4/(F d) dt (ica mA/cm2, d um: area/volume = 4/d).
[[gnu::noinline]] inline void calcium_influx(std::size_t n, const double* __restrict ica,
                                             const double* __restrict factor, double* __restrict ca) {
    for (std::size_t j = 0; j < n; ++j)
        for (std::size_t l = 0; l < CW; ++l) ca[j * CW + l] -= factor[j] * ica[j * CW + l];
}

// cahva current with Nernst eca = ktf2 ln(cao/ca), linearised by NEURON's 0.001 mV difference;
// ica (mA/cm2 at v) is kept for the influx.
[[gnu::noinline]] inline void cahva_current(std::size_t n, const double* __restrict v, const double* __restrict m,
                                            const double* __restrict ca, double* __restrict rhs,
                                            double* __restrict d, double* __restrict ica,
                                            double gbar, double ktf2, double cao) {
    for (std::size_t k = 0; k < n * CW; ++k) {
        const double eca = ktf2 * log_inline(cao / ca[k]);
        const double g = gbar * m[k] * m[k];
        const double i0 = g * (v[k] - eca);
        const double i1 = g * ((v[k] + 0.001) - eca);
        rhs[k] -= i0;
        d[k] += (i1 - i0) * 1000.0;
        ica[k] = i0;
    }
}

[[gnu::noinline]] inline void sk_current(std::size_t n, const double* __restrict v, const double* __restrict z,
                                         double* __restrict rhs, double* __restrict d, double gbar, double ek) {
    for (std::size_t k = 0; k < n * CW; ++k) {
        const double g = gbar * z[k];
        const double i0 = g * (v[k] - ek);
        const double i1 = g * ((v[k] + 0.001) - ek);
        rhs[k] -= i0;
        d[k] += (i1 - i0) * 1000.0;
    }
}

// Gates by cnexp at the new v (cahva) and at the step's calcium (sk), as NEURON's nrn_state.
[[gnu::noinline]] inline void cahva_states(std::size_t n, const double* __restrict v, double* __restrict m,
                                           double vhalf, double k_slope, double decay) {
    for (std::size_t k = 0; k < n * CW; ++k) {
        const double minf = 1.0 / (1.0 + exp_inline(-(v[k] - vhalf) / k_slope));
        m[k] += decay * (minf - m[k]);
    }
}

[[gnu::noinline]] inline void sk_states(std::size_t n, const double* __restrict ca, double* __restrict z,
                                        double kd4, double decay) {
    for (std::size_t k = 0; k < n * CW; ++k) {
        const double c2 = ca[k] * ca[k], c4 = c2 * c2;
        z[k] += decay * (c4 / (c4 + kd4) - z[k]);
    }
}

}  // namespace parnet::cable
