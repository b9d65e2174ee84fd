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

// The reactions of one step as NEURON 8.2's rxd takes them (rxd.cpp, solve_reaction on the fixed
// step): one linearised backward-Euler step of all of them at once, at the state after diffusion:
// (I - dt J) delta = dt f, J the Jacobian of f (free calcium: pump P - the binding rates R_b; each
// complex: R_b = kf ca (total - cab) - kb cab). (Solving the buffer exactly and the pump apart, as
// parnet did before, moved v 0.58 mV from NEURON's on the rxd + NMODL cell.) The system is an
// arrow (calcium couples to every complex, the complexes not to each other), so each complex is
// eliminated in closed form, with den_b = 1 + dt (kf ca + kb):
//   delta_cab = dt (R + kf b delta_ca) / den,  delta_ca = dt (P - sum R/den) / (1 - dt P' + dt sum kf b/den).
// `each(f)` calls f(k) for every element k (a plain loop in CableGroup's blocks, the own
// compartments of a split cell); buffer b's complexes are at cab + b * stride; diag and rhs are
// scratch indexed like ca.
template <class Elements>
inline void calcium_reactions(Elements each, double* __restrict ca, double* __restrict cab, std::size_t stride,
                              const std::vector<CalciumBuffer>& buffers, const CalciumPump& p, double dt,
                              double* __restrict diag, double* __restrict rhs) {
    if (p.kind == PumpKind::decay) {
        const double rate = 1.0 / p.tau;
        each([&](std::size_t k) {
            diag[k] = 1.0 + dt * rate;
            rhs[k] = dt * (p.rest - ca[k]) * rate;
        });
    } else if (p.kind == PumpKind::michaelis_menten) {
        const double resting = p.rest / (p.km + p.rest);
        each([&](std::size_t k) {
            const double s = 1.0 / (p.km + ca[k]);
            diag[k] = 1.0 + dt * p.vmax * p.km * s * s;
            rhs[k] = -dt * p.vmax * (ca[k] * s - resting);
        });
    } else {
        each([&](std::size_t k) {
            diag[k] = 1.0;
            rhs[k] = 0.0;
        });
    }
    for (std::size_t b = 0; b < buffers.size(); ++b) {
        const CalciumBuffer& buf = buffers[b];
        const double* __restrict bound = cab + b * stride;
        each([&](std::size_t k) {
            const double free_b = buf.total - bound[k];
            const double inv_den = 1.0 / (1.0 + dt * (buf.kf * ca[k] + buf.kb));
            diag[k] += dt * buf.kf * free_b * inv_den;
            rhs[k] -= dt * (buf.kf * ca[k] * free_b - buf.kb * bound[k]) * inv_den;
        });
    }
    each([&](std::size_t k) { rhs[k] /= diag[k]; });   // delta_ca
    for (std::size_t b = 0; b < buffers.size(); ++b) {
        const CalciumBuffer& buf = buffers[b];
        double* __restrict bound = cab + b * stride;
        each([&](std::size_t k) {
            const double free_b = buf.total - bound[k];
            const double inv_den = 1.0 / (1.0 + dt * (buf.kf * ca[k] + buf.kb));
            bound[k] += dt * (buf.kf * ca[k] * free_b - buf.kb * bound[k] + buf.kf * free_b * rhs[k]) * inv_den;
        });
    }
    each([&](std::size_t k) { ca[k] += rhs[k]; });
}

// calcium_reactions on the n compartments of a block (n * CW elements, buffer-major complexes).
[[gnu::noinline]] inline void block_calcium_reactions(std::size_t n, double* __restrict ca, double* __restrict cab,
                                                      const std::vector<CalciumBuffer>& buffers,
                                                      const CalciumPump& p, double dt, double* __restrict diag,
                                                      double* __restrict rhs) {
    const std::size_t m = n * CW;
    auto each = [m](auto&& f) {
        for (std::size_t k = 0; k < m; ++k) f(k);
    };
    calcium_reactions(each, ca, cab, m, buffers, p, dt, diag, rhs);
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
