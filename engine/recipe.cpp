#include "recipe.hpp"

#include "cable/mechanism_catalogue.hpp"

#include <stdexcept>

namespace parnet {

double Recipe::parameter(Gid g, const std::string& name) const {
    const CellKind k = kind(g);
    const auto& defaults = default_parameters(k, k == CellKind::spike_source ? source_model(g) : SourceModel::poisson);
    const auto it = defaults.find(name);
    if (it == defaults.end())
        throw std::logic_error("gid " + std::to_string(g) + " (" + to_string(k) + ") has no parameter " + name);
    return it->second;
}

SourceModel Recipe::source_model(Gid) const { return SourceModel::poisson; }

std::span<const double> Recipe::replay_times(Gid) const { return {}; }

std::shared_ptr<const CableCellDescription> Recipe::cable_cell(Gid) const { return nullptr; }

MechanismPlacement Recipe::artificial_cell(Gid g) const {
    throw std::logic_error("gid " + std::to_string(g) + ": this recipe describes no artificial cells");
}

}  // namespace parnet
