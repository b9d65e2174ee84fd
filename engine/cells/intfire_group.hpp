#pragma once
// IntFire1 cells (NEURON's IntFire1, exactly): m decays as m*exp(-(t - t0)/tau) and is only
// evaluated when an event arrives, so a cell costs nothing between events. An event adds its
// weight; m > 1 fires a spike at the event's time, after which the cell ignores events for
// `refrac` ms. Refractoriness ends at t_spike + refrac: an event at exactly that time is
// integrated, starting from m = 0.
#include "engine/cell_group.hpp"

#include <memory>
#include <span>
#include <vector>

namespace parnet {

class IntFireGroup final : public CellGroup {
public:
    IntFireGroup(const Recipe& recipe, std::span<const Gid> gids);

    std::span<const Gid> gids() const override { return gids_; }
    void advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) override;
    // Variable "m" (NEURON's M(), below); the probe id is the cell index.
    std::size_t add_probe(std::size_t cell, const std::string& variable, const std::string& section, double x) override;
    double probe_value(std::size_t probe) const override { return m(probe); }

    // NEURON's IntFire1 M() at the end of the last epoch (or at time t >= that of the last event):
    // m decayed to t when excitable; while refractory 2 for the first 0.5 ms after the spike,
    // then -1 (NEURON's convention for drawing spikes).
    double m(std::size_t cell) const { return m_at(cell, now_); }
    double m_at(std::size_t cell, double t) const;
    double now() const { return now_; }

private:
    void receive(std::size_t cell, double t, double weight, std::vector<Spike>& spikes);

    std::vector<Gid> gids_;
    std::vector<double> tau_;               // ms
    std::vector<double> refrac_;            // ms
    std::vector<double> m_;                 // value of m at t0_
    std::vector<double> t0_;                // ms: last update (the spike time while refractory)
    std::vector<double> refractory_until_;  // ms; -infinity when excitable
    double now_ = 0.0;                      // end of the last epoch advanced through
};

std::unique_ptr<CellGroup> make_intfire_group(const Recipe& recipe, std::span<const Gid> gids);

}  // namespace parnet
