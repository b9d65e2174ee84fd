#include "intfire_group.hpp"

#include "engine/errors.hpp"
#include "engine/recipe.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace parnet {

namespace {

double checked_parameter(const Recipe& recipe, Gid g, const std::string& name, bool allow_zero) {
    const double value = recipe.parameter(g, name);
    if (value > 0.0 || (allow_zero && value == 0.0)) return value;
    throw input_error(recipe.where(g) +
                      ", gid " + std::to_string(g) + ": parameter " + name + ": expected " +
                      (allow_zero ? "a value >= 0" : "a value > 0") + " (ms), got " +
                      std::to_string(value));
}

}  // namespace

IntFireGroup::IntFireGroup(const Recipe& recipe, std::span<const Gid> gids)
    : gids_(gids.begin(), gids.end()) {
    const std::size_t n = gids_.size();
    tau_.resize(n);
    refrac_.resize(n);
    m_.assign(n, 0.0);
    t0_.assign(n, 0.0);
    refractory_until_.assign(n, -infinite_time);
    for (std::size_t i = 0; i < n; ++i) {
        if (recipe.kind(gids_[i]) != CellKind::intfire)
            throw std::logic_error("make_intfire_group: gid " + std::to_string(gids_[i]) +
                                   " is not an intfire cell");
        tau_[i] = checked_parameter(recipe, gids_[i], "tau", false);
        refrac_[i] = checked_parameter(recipe, gids_[i], "refrac", true);
    }
}

void IntFireGroup::receive(std::size_t i, double t, double weight, std::vector<Spike>& spikes) {
    if (refractory_until_[i] > -infinite_time) {
        if (t < refractory_until_[i]) return;  // ignored while refractory
        // IntFire1's self-event (flag 1): ready to integrate again, from m = 0.
        t0_[i] = refractory_until_[i];
        m_[i] = 0.0;
        refractory_until_[i] = -infinite_time;
    }
    m_[i] = m_[i] * std::exp(-(t - t0_[i]) / tau_[i]);
    t0_[i] = t;
    m_[i] += weight;
    if (m_[i] > 1.0) {
        m_[i] = 2.0;
        refractory_until_[i] = t + refrac_[i];
        spikes.push_back(Spike{gids_[i], t});
    }
}

void IntFireGroup::advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) {
    for (std::size_t i = 0; i < gids_.size(); ++i)
        for (const Event& e : events.lane(i)) receive(i, e.time, e.weight, spikes);
    now_ = epoch.t_end();
}

double IntFireGroup::m_at(std::size_t i, double t) const {
    if (refractory_until_[i] > -infinite_time) {
        if (t < refractory_until_[i]) return (t - t0_[i] < 0.5) ? 2.0 : -1.0;
        // refractoriness ended at refractory_until_ with m = 0, and 0 stays 0
        return 0.0;
    }
    return m_[i] * std::exp(-(t - t0_[i]) / tau_[i]);
}

std::size_t IntFireGroup::add_probe(std::size_t cell, const std::string& variable, const std::string& section,
                                    double x) {
    if (variable != "m") return CellGroup::add_probe(cell, variable, section, x);
    return cell;
}

std::unique_ptr<CellGroup> make_intfire_group(const Recipe& recipe, std::span<const Gid> gids) {
    return std::make_unique<IntFireGroup>(recipe, gids);
}

}  // namespace parnet
