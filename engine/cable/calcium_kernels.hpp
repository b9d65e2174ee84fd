#pragma once
// The reaction-diffusion kernels of a block of cable cells: every array is lane-minor
// (compartment * lanes + lane) and every loop runs exactly `lanes` lanes per compartment with the
// same instructions (no remainder), so a cell's results do not depend on its lane. The scheme is
// in docs/reaction-diffusion.md.
#include "calcium.hpp"

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

// Charge entering as calcium: dc = -ica * 2e4/(F d) dt (ica mA/cm2, d um: area/volume = 4/d), ica
// the ion's current at the compartment's node (summed over the mechanisms that write it), in the
// compartments that have a writer.
[[gnu::noinline]] inline void calcium_influx(std::size_t count, const std::uint32_t* __restrict compartments,
                                             const std::uint32_t* __restrict node,
                                             const double* __restrict factor, const double* __restrict ica,
                                             double* __restrict ca) {
    for (std::size_t j = 0; j < count; ++j) {
        const std::size_t k = compartments[j];
        const double* __restrict i = ica + static_cast<std::size_t>(node[k]) * CW;
        for (std::size_t l = 0; l < CW; ++l) ca[k * CW + l] -= factor[k] * i[l];
    }
}

// Free calcium into the ion state's cai at every node (a node reads its compartment's).
[[gnu::noinline]] inline void write_inside(std::size_t N, const std::uint32_t* __restrict compartment,
                                           const double* __restrict ca, double* __restrict cai) {
    for (std::size_t n = 0; n < N; ++n) {
        const double* __restrict c = ca + static_cast<std::size_t>(compartment[n]) * CW;
        for (std::size_t l = 0; l < CW; ++l) cai[n * CW + l] = c[l];
    }
}

}  // namespace parnet::cable
