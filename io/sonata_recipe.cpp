#include "io/sonata_recipe.hpp"

#include <algorithm>

namespace parnet::io {

SonataRecipe::SonataRecipe(const SonataConfig& config) : circuit_(config) {
    for (const Population& p : circuit_.model().populations) ranges_.push_back({p.name, p.first, p.count});
    // A bound known before any edge is read: every delay is checked to be >= dt when it is read.
    min_delay_bound_ = circuit_.edge_count() == 0 ? infinite_time : circuit_.model().run.dt;
}

CellKind SonataRecipe::kind(Gid g) const { return circuit_.model().populations[circuit_.model().population_index(g)].kind; }

std::vector<CurrentClamp> SonataRecipe::clamps_on(Gid g) const {
    const Model& model = circuit_.model();
    const std::size_t pop = model.population_index(g);
    const Gid local = g - model.populations[pop].first;
    std::vector<CurrentClamp> out;
    for (const auto& c : model.clamps)
        if (c.population == pop && (c.cells.empty() || std::binary_search(c.cells.begin(), c.cells.end(), local))) out.push_back(c);
    return out;
}

std::span<const double> SonataRecipe::replay_times(Gid g) const {
    const Population& p = circuit_.model().populations[circuit_.model().population_index(g)];
    const auto& lists = p.replay_times;
    if (lists.empty()) return {};
    return lists.size() == 1 ? std::span<const double>(lists.front()) : std::span<const double>(lists[g - p.first]);
}

}  // namespace parnet::io
