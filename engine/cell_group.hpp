#pragma once
// A cell group integrates a set of cells of one kind on one thread, in structure-of-arrays form.
// The simulation hands it each epoch's events, sorted per cell, and collects its spikes.
#include "event.hpp"
#include "types.hpp"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace parnet {

class Network;

class CellGroup {
public:
    virtual ~CellGroup() = default;
    // The group's cells, in the order lanes and probes refer to them.
    virtual std::span<const Gid> gids() const = 0;
    // Integrate every cell through the epoch, consuming its events; append spikes to `spikes`.
    // The simulation may also pass consecutive parts of an epoch (to sample traces between them).
    virtual void advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) = 0;
    // Kinds whose cells only sum weights per step (or take no events) may say so and be handed
    // the epoch's events step by step instead, which is cheaper to make (docs/scaling.md); the
    // results must be the same bit for bit. advance_steps then replaces advance.
    virtual bool takes_step_events() const { return false; }
    virtual void advance_steps(const Epoch& epoch, const StepEvents& events, std::vector<Spike>& spikes);

    // Probes: a recorded state variable of one cell (index in gids()); `section` and `x` locate it
    // on cable cells. Throws input_error when the kind has no such variable. Returns an id for
    // probe_value, which reads the value at the end of the last step advanced through.
    virtual std::size_t add_probe(std::size_t cell, const std::string& variable, const std::string& section, double x);
    virtual double probe_value(std::size_t probe) const;
};

// Builds the group for cells of one kind (all gids must share the kind).
std::unique_ptr<CellGroup> make_cell_group(const Network& network, std::span<const Gid> gids);

}  // namespace parnet
