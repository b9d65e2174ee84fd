#include "lif_group.hpp"

#include "engine/errors.hpp"
#include "engine/recipe.hpp"
#include "engine/mul_add.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace parnet {

namespace {

// (1 - exp(-u a)) / a, which tends to u as a -> 0 (tau_syn == tau_m) without dividing by zero.
double decay_difference(double u, double a) { return a == 0.0 ? u : -std::expm1(-u * a) / a; }

// Response at time u of V - v_rest to a unit current that decays with tau_syn from 0:
// exp(-u/tau_m)/C * (1 - exp(-u (1/tau_syn - 1/tau_m))) / (1/tau_syn - 1/tau_m).
double synaptic_propagator(double u, double tau_m, double c_m, double a) {
    return std::exp(-u / tau_m) / c_m * decay_difference(u, a);
}

// Response at time u of V - v_rest to a constant unit current: R (1 - exp(-u/tau_m)).
double constant_propagator(double u, double tau_m, double c_m) {
    return -std::expm1(-u / tau_m) * tau_m / c_m;
}

struct Checker {
    const Recipe& recipe;
    Gid gid;
    double get(const std::string& name, double lower, bool inclusive, const char* expected) const {
        const double value = recipe.parameter(gid, name);
        if ((inclusive ? value >= lower : value > lower) && std::isfinite(value)) return value;
        fail(name, expected, value);
    }
    [[noreturn]] void fail(const std::string& name, const std::string& expected, double value) const {
        throw input_error(recipe.where(gid) +
                          ", gid " + std::to_string(gid) + ": parameter " + name + ": expected " +
                          expected + ", got " + std::to_string(value));
    }
};

constexpr double root_tolerance = 1e-14;  // ms
constexpr int root_max_iterations = 200;

// One exact step of every cell (restrict-qualified parameters so that the loop vectorizes).
// Refractory cells and cells at or reaching threshold are left untouched and flagged for the
// exact path.
void step_cells(std::size_t n, double t_n, double* __restrict y, double* __restrict ie,
                double* __restrict ii, std::uint8_t* __restrict flag, const double* __restrict iext,
                const double* __restrict p22, const double* __restrict p21e,
                const double* __restrict p21i, const double* __restrict p20,
                const double* __restrict p11e, const double* __restrict p11i,
                const double* __restrict theta, const double* __restrict until) {
    for (std::size_t i = 0; i < n; ++i) {
        const double y0 = y[i];
        const double e0 = ie[i];
        const double i0 = ii[i];
        const double y1 =
            mul_add(p22[i], y0, mul_add(p21e[i], e0, mul_add(p21i[i], i0, p20[i] * iext[i])));
        const bool exact = (until[i] > t_n) | (y1 >= theta[i]) | (y0 >= theta[i]);
        y[i] = exact ? y0 : y1;
        ie[i] = exact ? e0 : e0 * p11e[i];
        ii[i] = exact ? i0 : i0 * p11i[i];
        flag[i] = exact;
    }
}

}  // namespace

LifGroup::LifGroup(const Recipe& recipe, std::span<const Gid> gids)
    : gids_(gids.begin(), gids.end()), dt_(recipe.dt()) {
    const std::size_t n = gids_.size();
    for (auto* v : {&tau_m_, &c_m_, &tau_exc_, &tau_inh_, &t_ref_, &i_bias_, &v_rest_, &theta_,
                    &y_reset_, &a_exc_, &a_inh_, &p22_, &p21_exc_, &p21_inh_, &p20_, &p11_exc_,
                    &p11_inh_, &y_, &i_exc_, &i_inh_, &i_ext_})
        v->assign(n, 0.0);
    refractory_until_.assign(n, -infinite_time);
    needs_exact_.assign(n, 0);
    clamp_offset_.assign(n + 1, 0);
    if (!(dt_ > 0.0)) throw std::logic_error("make_lif_group: the model's dt must be > 0");

    for (std::size_t i = 0; i < n; ++i) {
        const Gid g = gids_[i];
        if (recipe.kind(g) != CellKind::lif)
            throw std::logic_error("make_lif_group: gid " + std::to_string(g) + " is not a lif cell");
        const Checker check{recipe, g};
        tau_m_[i] = check.get("tau_m", 0.0, false, "a time constant > 0 (ms)");
        c_m_[i] = check.get("C_m", 0.0, false, "a capacitance > 0 (nF)");
        tau_exc_[i] = check.get("tau_syn_exc", 0.0, false, "a time constant > 0 (ms)");
        tau_inh_[i] = check.get("tau_syn_inh", 0.0, false, "a time constant > 0 (ms)");
        t_ref_[i] = check.get("t_ref", 0.0, true, "a refractory period >= 0 (ms)");
        i_bias_[i] = recipe.parameter(g, "i_bias");
        v_rest_[i] = recipe.parameter(g, "v_rest");
        const double v_thresh = recipe.parameter(g, "v_thresh");
        const double v_reset = recipe.parameter(g, "v_reset");
        if (!(v_reset < v_thresh))
            check.fail("v_reset", "a value below v_thresh (" + std::to_string(v_thresh) + " mV)",
                       v_reset);
        theta_[i] = v_thresh - v_rest_[i];
        y_reset_[i] = v_reset - v_rest_[i];
        y_[i] = recipe.parameter(g, "v_init") - v_rest_[i];
        a_exc_[i] = 1.0 / tau_exc_[i] - 1.0 / tau_m_[i];
        a_inh_[i] = 1.0 / tau_inh_[i] - 1.0 / tau_m_[i];
        if (tau_exc_[i] == tau_m_[i]) a_exc_[i] = 0.0;
        if (tau_inh_[i] == tau_m_[i]) a_inh_[i] = 0.0;

        // Propagators for one step, each computed once per cell with std::exp, so that the
        // vectorized update uses the same numbers whatever the cell's position in the group.
        p22_[i] = std::exp(-dt_ / tau_m_[i]);
        p11_exc_[i] = std::exp(-dt_ / tau_exc_[i]);
        p11_inh_[i] = std::exp(-dt_ / tau_inh_[i]);
        p21_exc_[i] = synaptic_propagator(dt_, tau_m_[i], c_m_[i], a_exc_[i]);
        p21_inh_[i] = synaptic_propagator(dt_, tau_m_[i], c_m_[i], a_inh_[i]);
        p20_[i] = constant_propagator(dt_, tau_m_[i], c_m_[i]);
        i_ext_[i] = i_bias_[i];

        // Current clamps act on whole steps: round(delay/dt) <= n < round((delay+duration)/dt).
        for (const CurrentClamp& c : recipe.clamps_on(g)) {
            const Step on = std::llround(c.delay / dt_);
            const Step off = std::llround((c.delay + c.duration) / dt_);
            if (off <= on) continue;
            clamp_on_.push_back(on);
            clamp_off_.push_back(off);
            clamp_amplitude_.push_back(c.amplitude);
            clamp_changes_.emplace_back(on, static_cast<std::uint32_t>(i));
            clamp_changes_.emplace_back(off, static_cast<std::uint32_t>(i));
        }
        clamp_offset_[i + 1] = static_cast<std::uint32_t>(clamp_on_.size());
    }
    std::sort(clamp_changes_.begin(), clamp_changes_.end());
    clamp_changes_.erase(std::unique(clamp_changes_.begin(), clamp_changes_.end()),
                         clamp_changes_.end());
}

void LifGroup::bucket_events(const Epoch& epoch, const EventLanes& events) {
    const auto steps = static_cast<std::size_t>(epoch.end - epoch.begin);
    step_first_input_.assign(steps + 1, 0);
    auto slot = [&](const Event& e) {
        const Step n = delivery_step(e.time, epoch.dt);
        if (n < epoch.begin || n >= epoch.end)
            throw std::logic_error("LifGroup: event at t = " + std::to_string(e.time) +
                                   " ms is not due in the epoch being advanced");
        return static_cast<std::size_t>(n - epoch.begin);
    };
    // The step of each event is computed once, in the counting pass.
    event_slot_.clear();
    for (std::size_t i = 0; i < gids_.size(); ++i)
        for (const Event& e : events.lane(i)) {
            const std::size_t k = slot(e);
            event_slot_.push_back(static_cast<std::uint32_t>(k));
            ++step_first_input_[k + 1];
        }
    for (std::size_t k = 0; k < steps; ++k) step_first_input_[k + 1] += step_first_input_[k];
    inputs_.resize(step_first_input_[steps]);
    fill_position_.assign(step_first_input_.begin(), step_first_input_.end());
    // Cells in order, each cell's lane in canonical order: within a step, a cell's weights are
    // added in the canonical order.
    std::size_t j = 0;
    for (std::size_t i = 0; i < gids_.size(); ++i)
        for (const Event& e : events.lane(i))
            inputs_[fill_position_[event_slot_[j++]]++] = StepInput{static_cast<std::uint32_t>(i), e.synapse, e.weight};
}

void LifGroup::apply_clamp_changes(Step n) {
    while (next_clamp_change_ < clamp_changes_.size() && clamp_changes_[next_clamp_change_].first <= n) {
        const std::uint32_t i = clamp_changes_[next_clamp_change_++].second;
        // Recomputed from scratch (never incremented) so that it returns to i_bias bit for bit.
        double current = i_bias_[i];
        for (std::uint32_t k = clamp_offset_[i]; k < clamp_offset_[i + 1]; ++k)
            if (clamp_on_[k] <= n && n < clamp_off_[k]) current += clamp_amplitude_[k];
        i_ext_[i] = current;
    }
}

void LifGroup::step_all(double t_n) {
    step_cells(gids_.size(), t_n, y_.data(), i_exc_.data(), i_inh_.data(), needs_exact_.data(),
               i_ext_.data(), p22_.data(), p21_exc_.data(), p21_inh_.data(), p20_.data(),
               p11_exc_.data(), p11_inh_.data(), theta_.data(), refractory_until_.data());
}

void LifGroup::propagate(std::size_t i, double u, double& y, double& i_exc, double& i_inh) const {
    const double y_u =
        mul_add(std::exp(-u / tau_m_[i]), y,
                mul_add(synaptic_propagator(u, tau_m_[i], c_m_[i], a_exc_[i]), i_exc,
                        mul_add(synaptic_propagator(u, tau_m_[i], c_m_[i], a_inh_[i]), i_inh,
                                constant_propagator(u, tau_m_[i], c_m_[i]) * i_ext_[i])));
    y = y_u;
    decay_currents(i, u, i_exc, i_inh);
}

void LifGroup::decay_currents(std::size_t i, double u, double& i_exc, double& i_inh) const {
    i_exc *= std::exp(-u / tau_exc_[i]);
    i_inh *= std::exp(-u / tau_inh_[i]);
}

// The first u in (0, span] where V - v_rest, starting from (y, i_exc, i_inh) below theta,
// reaches theta (y_end >= theta is its value at span): Newton's method on the exact solution,
// kept inside a shrinking bracket by bisection.
double LifGroup::crossing_time(std::size_t i, double y, double i_exc, double i_inh, double y_end,
                               double span) const {
    const double theta = theta_[i];
    auto excess = [&](double u, double& slope) {
        double yu = y, eu = i_exc, iu = i_inh;
        propagate(i, u, yu, eu, iu);
        slope = -yu / tau_m_[i] + (eu + iu + i_ext_[i]) / c_m_[i];
        return yu - theta;
    };
    double lo = 0.0, hi = span;
    const double f_lo = y - theta, f_hi = y_end - theta;
    double u = (f_hi > f_lo) ? span * (-f_lo / (f_hi - f_lo)) : 0.5 * span;  // secant start
    for (int k = 0; k < root_max_iterations; ++k) {
        double slope = 0.0;
        const double f = excess(u, slope);
        if (f == 0.0) return u;
        (f < 0.0 ? lo : hi) = u;
        double next = u - f / slope;
        if (!(slope > 0.0) || !(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (std::abs(next - u) <= root_tolerance || hi - lo <= root_tolerance) return next;
        u = next;
    }
    return hi;
}

// The exact path for one cell through step [t_n, t_n + dt]: refractoriness ending mid-step,
// threshold crossings located on the exact solution, possibly several spikes in one step.
void LifGroup::integrate_exactly(std::size_t i, double t_n, std::vector<Spike>& spikes) {
    const double h = dt_;
    double s = 0.0;  // how far into the step the state (y, ie, ii) is
    double y = y_[i], ie = i_exc_[i], ii = i_inh_[i];
    for (;;) {
        const double refractory_end = refractory_until_[i] - t_n;
        if (refractory_end > s) {
            // Held at v_reset while the synaptic currents keep decaying.
            const double until = std::min(refractory_end, h);
            if (s == 0.0 && until == h) {
                ie *= p11_exc_[i];
                ii *= p11_inh_[i];
            } else {
                decay_currents(i, until - s, ie, ii);
            }
            y = y_reset_[i];
            s = until;
            if (s >= h) break;
        }
        // Below threshold: integrate to the step's end or the crossing. (At or above it already,
        // which only v_init >= v_thresh can cause, the cell fires at once.)
        if (y < theta_[i]) {
            double y_end = y, ie_end = ie, ii_end = ii;
            if (s == 0.0) {  // the whole step: the same propagators as step_all
                y_end = mul_add(p22_[i], y, mul_add(p21_exc_[i], ie,
                                mul_add(p21_inh_[i], ii, p20_[i] * i_ext_[i])));
                ie_end = ie * p11_exc_[i];
                ii_end = ii * p11_inh_[i];
            } else {
                propagate(i, h - s, y_end, ie_end, ii_end);
            }
            if (y_end < theta_[i]) {
                y = y_end;
                ie = ie_end;
                ii = ii_end;
                break;
            }
            const double u = crossing_time(i, y, ie, ii, y_end, h - s);
            decay_currents(i, u, ie, ii);
            s += u;
        }
        const double t_spike = t_n + s;
        spikes.push_back(Spike{gids_[i], t_spike});
        refractory_until_[i] = t_spike + t_ref_[i];
        y = y_reset_[i];
        if (s >= h) break;
    }
    y_[i] = y;
    i_exc_[i] = ie;
    i_inh_[i] = ii;
}

void LifGroup::run_step(Step n, const Epoch& epoch, std::span<const StepInput> inputs, std::uint32_t first_cell,
                        std::vector<Spike>& spikes) {
    apply_clamp_changes(n);
    // Inputs come in cell order but sparse over the group's state: its lines are loaded ahead.
    constexpr std::size_t ahead = 8;
    for (std::size_t j = 0; j < inputs.size(); ++j) {
        const StepInput& in = inputs[j];
        if (j + ahead < inputs.size()) {
            const StepInput& later = inputs[j + ahead];
            __builtin_prefetch(&(later.synapse == 0 ? i_exc_ : i_inh_)[later.cell - first_cell], 1);
        }
        if (in.synapse > 1)
            throw std::logic_error("LifGroup: synapse index " + std::to_string(in.synapse) +
                                   " (a lif cell has 0 = exc and 1 = inh)");
        (in.synapse == 0 ? i_exc_ : i_inh_)[in.cell - first_cell] += in.weight;
    }
    const double t_n = epoch.time_of(n);
    step_all(t_n);
    const std::size_t cells = gids_.size();
    for (std::size_t i = 0; i < cells; ++i)
        if (needs_exact_[i]) integrate_exactly(i, t_n, spikes);
}

void LifGroup::advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) {
    if (epoch.dt != dt_)
        throw std::logic_error("LifGroup: epoch dt differs from the model's dt");
    bucket_events(epoch, events);
    const std::span<const StepInput> inputs(inputs_);
    for (Step n = epoch.begin; n < epoch.end; ++n) {
        const auto k = static_cast<std::size_t>(n - epoch.begin);
        run_step(n, epoch, inputs.subspan(step_first_input_[k], step_first_input_[k + 1] - step_first_input_[k]), 0,
                 spikes);
    }
    now_ = epoch.t_end();
}

void LifGroup::save_state(std::size_t i, CellStateWriter& out) const {
    for (double x : {y_[i], i_exc_[i], i_inh_[i], i_ext_[i], refractory_until_[i]}) out.put(x);
}

void LifGroup::restore_state(std::size_t i, CellStateReader& in) {
    for (auto* x : {&y_, &i_exc_, &i_inh_, &i_ext_, &refractory_until_}) (*x)[i] = in.get();
}

void LifGroup::resume_at(Step step, double dt) {
    if (dt != dt_) throw std::logic_error("LifGroup: resumed with another dt");
    now_ = static_cast<double>(step) * dt;
    // Clamp changes before `step` are in the restored i_ext_ already.
    next_clamp_change_ = static_cast<std::size_t>(
        std::lower_bound(clamp_changes_.begin(), clamp_changes_.end(), std::pair<Step, std::uint32_t>{step, 0}) -
        clamp_changes_.begin());
}

void LifGroup::advance_steps(const Epoch& epoch, const StepEvents& events, std::vector<Spike>& spikes) {
    if (epoch.dt != dt_)
        throw std::logic_error("LifGroup: epoch dt differs from the model's dt");
    for (Step n = epoch.begin; n < epoch.end; ++n)
        run_step(n, epoch, events.step(static_cast<std::size_t>(n - epoch.begin)), events.first_cell, spikes);
    now_ = epoch.t_end();
}

std::size_t LifGroup::add_probe(std::size_t cell, const std::string& variable, const std::string& section, double x) {
    if (variable != "v") return CellGroup::add_probe(cell, variable, section, x);
    return cell;
}

std::unique_ptr<CellGroup> make_lif_group(const Recipe& recipe, std::span<const Gid> gids) {
    return std::make_unique<LifGroup>(recipe, gids);
}

}  // namespace parnet
