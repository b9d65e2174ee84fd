#pragma once
// A cell group integrates a set of cells of one kind on one thread, in structure-of-arrays form.
// The simulation hands it each epoch's events, sorted per cell, and collects its spikes.
#include "cell_state.hpp"
#include "connection.hpp"
#include "event.hpp"
#include "types.hpp"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace parnet {

class Recipe;

class CellGroup {
public:
    virtual ~CellGroup() = default;
    // The group's cells, in the order lanes and probes refer to them.
    virtual std::span<const Gid> gids() const = 0;
    // The cells whose spikes this group reports (all of gids(), except in groups holding pieces
    // of split cells: only where the detector is).
    virtual std::span<const Gid> spike_gids() const { return gids(); }
    // Integrate every cell through the epoch, consuming its events; append spikes to `spikes`.
    // The simulation may also pass consecutive parts of an epoch (to sample traces between them).
    virtual void advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) = 0;
    // What the events of connection c onto cell `cell` carry as Event::synapse: c.synapse, unless
    // the group must know which connection sent them (cable cells' weight vectors).
    virtual std::uint32_t event_synapse(std::size_t /*cell*/, const Connection& c) const { return c.synapse; }
    // Kinds whose cells only sum weights per step (or take no events) may say so and be handed
    // the epoch's events step by step instead, which is cheaper to make (docs/scaling.md); the
    // results must be the same bit for bit. advance_steps then replaces advance.
    virtual bool takes_step_events() const { return false; }
    virtual void advance_steps(const Epoch& epoch, const StepEvents& events, std::vector<Spike>& spikes);

    // Probes: a recorded state variable of one cell (index in gids()); `section` and `x` locate it
    // on cable cells. Throws input_error when the kind has no such variable. Returns an id for
    // probe_value, which reads the value at the end of the last step advanced through.
    // Whether (section, x) of a cell is here (a split cell's piece may hold another part).
    virtual bool holds(std::size_t /*cell*/, const std::string& /*section*/, double /*x*/) const { return true; }
    virtual std::size_t add_probe(std::size_t cell, const std::string& variable, const std::string& section, double x);
    virtual double probe_value(std::size_t probe) const;

    // Checkpoints (docs/checkpoints.md). save_state writes everything cell `cell`'s future depends
    // on beyond (model, gid, runid): state variables, random stream positions, spike detector
    // memory. A group of the same model built on any rank or thread restores it with
    // restore_state (same words, same order), then resume_at(step) sets the group's own time to
    // the checkpoint's step (an epoch boundary); advance then continues from there.
    virtual void save_state(std::size_t cell, CellStateWriter& out) const = 0;
    virtual void restore_state(std::size_t cell, CellStateReader& in) = 0;
    virtual void resume_at(Step step, double dt) = 0;
};

// Builds the group for cells of one kind (all gids must share the kind).
std::unique_ptr<CellGroup> make_cell_group(const Recipe& recipe, std::span<const Gid> gids);

}  // namespace parnet
