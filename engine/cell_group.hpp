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

// Where a group writes samples of a recorded variable: one row per sample time.
struct TraceSink {
    virtual ~TraceSink() = default;
    // values of every probe of the group at time t, in probe order
    virtual void record(double t, std::span<const float> values) = 0;
};

class CellGroup {
public:
    virtual ~CellGroup() = default;
    // The group's cells, in the order lanes and probes refer to them.
    virtual std::span<const Gid> gids() const = 0;
    // Integrate every cell through the epoch, consuming its events; append spikes to `spikes`.
    virtual void advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) = 0;
};

// Builds the group for cells of one kind (all gids must share the kind).
std::unique_ptr<CellGroup> make_cell_group(const Network& network, std::span<const Gid> gids);

}  // namespace parnet
