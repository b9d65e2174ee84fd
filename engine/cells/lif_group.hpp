#pragma once
// Leaky integrate-and-fire cells with exponential current synapses (NEST's iaf_psc_exp dynamics,
// integrated exactly, with precise spike times):
//   C_m dV/dt = -C_m (V - v_rest)/tau_m + I_exc + I_inh + i_bias + I_clamp
//   dI_exc/dt = -I_exc/tau_syn_exc,  dI_inh/dt = -I_inh/tau_syn_inh
// An event on synapse 0 (exc) or 1 (inh) adds its weight (nA, signed) to that current at its
// delivery step. A cell whose V reaches v_thresh spikes at the exact crossing time, is held at
// v_reset for t_ref ms and resumes from the exact end of refractoriness, mid-step if need be.
// See docs/point-cells.md.
#include "engine/cell_group.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace parnet {

class LifGroup final : public CellGroup {
public:
    LifGroup(const Recipe& recipe, std::span<const Gid> gids);

    std::span<const Gid> gids() const override { return gids_; }
    void advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) override;
    // The same, from step-binned events (no bucketing pass): bit-identical to advance.
    bool takes_step_events() const override { return true; }
    void advance_steps(const Epoch& epoch, const StepEvents& events, std::vector<Spike>& spikes) override;
    // Variable "v" (mV); the probe id is the cell index.
    std::size_t add_probe(std::size_t cell, const std::string& variable, const std::string& section, double x) override;
    double probe_value(std::size_t probe) const override { return voltage(probe); }
    void save_state(std::size_t cell, CellStateWriter& out) const override;
    void restore_state(std::size_t cell, CellStateReader& in) override;
    void resume_at(Step step, double dt) override;

    // State at the end of the last step advanced through (time now()).
    double voltage(std::size_t cell) const { return v_rest_[cell] + y_[cell]; }                // mV
    double synaptic_current(std::size_t cell, std::uint32_t synapse) const {                     // nA
        return synapse == 0 ? i_exc_[cell] : i_inh_[cell];
    }
    double input_current(std::size_t cell) const { return i_ext_[cell]; }  // nA: bias + clamps
    bool refractory(std::size_t cell) const { return refractory_until_[cell] > now_; }
    double now() const { return now_; }

private:
    void bucket_events(const Epoch& epoch, const EventLanes& events);
    // One step: its synaptic inputs (in cell order), then the exact update of every cell.
    void run_step(Step n, const Epoch& epoch, std::span<const StepInput> inputs, std::uint32_t first_cell,
                  std::vector<Spike>& spikes);
    void apply_clamp_changes(Step n);
    void step_all(double t_n);  // the fast, vectorized exact update; flags cells needing more
    void integrate_exactly(std::size_t cell, double t_n, std::vector<Spike>& spikes);
    // Exact solution over u ms (u need not be dt): y and both currents, or the currents alone.
    void propagate(std::size_t cell, double u, double& y, double& i_exc, double& i_inh) const;
    void decay_currents(std::size_t cell, double u, double& i_exc, double& i_inh) const;
    double crossing_time(std::size_t cell, double y, double i_exc, double i_inh, double y_end,
                         double span) const;

    std::vector<Gid> gids_;
    double dt_ = 0.0;   // the step the propagators were computed for
    double now_ = 0.0;

    // parameters
    std::vector<double> tau_m_, c_m_, tau_exc_, tau_inh_, t_ref_, i_bias_;
    std::vector<double> v_rest_;
    std::vector<double> theta_;    // v_thresh - v_rest
    std::vector<double> y_reset_;  // v_reset - v_rest
    std::vector<double> a_exc_, a_inh_;  // 1/tau_syn - 1/tau_m (0 when the taus are equal)
    // exact one-step propagators for dt_
    std::vector<double> p22_, p21_exc_, p21_inh_, p20_, p11_exc_, p11_inh_;

    // state
    std::vector<double> y_;                 // V - v_rest (mV)
    std::vector<double> i_exc_, i_inh_;     // nA
    std::vector<double> i_ext_;             // nA: i_bias + active clamps
    std::vector<double> refractory_until_;  // ms; -infinity when never fired
    std::vector<std::uint8_t> needs_exact_; // set by step_all: refractory or crossed threshold

    // current clamps: cell i owns clamp entries [clamp_offset_[i], clamp_offset_[i+1])
    std::vector<std::uint32_t> clamp_offset_;
    std::vector<Step> clamp_on_, clamp_off_;  // active on steps [on, off)
    std::vector<double> clamp_amplitude_;
    std::vector<std::pair<Step, std::uint32_t>> clamp_changes_;  // (step, cell), sorted
    std::size_t next_clamp_change_ = 0;

    // the epoch's events by delivery step (reused each epoch: no steady-state allocation)
    std::vector<std::uint32_t> step_first_input_;
    std::vector<std::uint32_t> fill_position_;
    std::vector<std::uint32_t> event_slot_;   // per event of the epoch: its step within the epoch
    std::vector<StepInput> inputs_;
};

std::unique_ptr<CellGroup> make_lif_group(const Recipe& recipe, std::span<const Gid> gids);

}  // namespace parnet
