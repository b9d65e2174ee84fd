#include "balance/cell_configuration.hpp"

#include "engine/cable/cable_cell.hpp"
#include "engine/cable/cable_group.hpp"
#include "engine/cost_model.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace parnet::balance {

ConfigurationIndex classify_cells(const Recipe& recipe) {
    ConfigurationIndex index;
    const Gid cells = recipe.cell_count();
    const double dt = recipe.dt();
    index.of_gid.resize(cells);
    std::map<std::string, std::uint32_t> by_key;
    // The key of a description or of a point kind is made once: the recipe shares descriptions.
    std::map<const CableCellDescription*, std::uint32_t> by_description;
    std::map<std::pair<CellKind, SourceModel>, std::uint32_t> by_point_kind;
    std::vector<std::shared_ptr<const CableCellDescription>> keep;  // the keys above stay valid
    for (Gid g = 0; g < cells; ++g) {
        const CellKind kind = recipe.kind(g);
        std::shared_ptr<const CableCellDescription> cable;
        std::uint32_t* known = nullptr;
        SourceModel source = SourceModel::poisson;
        if (kind == CellKind::cable) {
            cable = recipe.cable_cell(g);
            if (auto it = by_description.find(cable.get()); it != by_description.end()) known = &it->second;
        } else {
            if (kind == CellKind::spike_source) source = recipe.source_model(g);
            if (auto it = by_point_kind.find({kind, source}); it != by_point_kind.end()) known = &it->second;
        }
        std::uint32_t c = 0;
        if (known) {
            c = *known;
        } else {
            const std::string key = cost_configuration_key(kind, source, cable.get(), dt);
            auto [it, fresh] = by_key.emplace(key, static_cast<std::uint32_t>(index.configurations.size()));
            if (fresh) {
                CellConfiguration config;
                config.key = key;
                config.kind = kind;
                config.example = g;
                config.synapses = synapse_count(kind, cable.get());
                if (kind == CellKind::cable) {
                    config.compartments = cable->compartment_count();
                    config.block_lanes = static_cast<std::uint32_t>(CableGroup::lanes);
                }
                index.configurations.push_back(config);
            }
            c = it->second;
            if (kind == CellKind::cable) {
                by_description.emplace(cable.get(), c);
                keep.push_back(cable);
            } else {
                by_point_kind.emplace(std::pair{kind, source}, c);
            }
        }
        index.of_gid[g] = c;
        ++index.configurations[c].cells;
    }
    return index;
}

std::vector<Gid> ConfigurationIndex::sample(std::uint32_t c, std::uint32_t wanted) const {
    const std::uint64_t total = configurations[c].cells;
    const std::uint64_t k = std::min<std::uint64_t>(std::max<std::uint32_t>(wanted, 1), total);
    std::vector<Gid> gids;
    gids.reserve(k);
    // The i-th sample is the (i * total / k)-th cell of the configuration in gid order.
    std::uint64_t position = 0;
    for (Gid g = configurations[c].example; g < of_gid.size() && gids.size() < k; ++g) {
        if (of_gid[g] != c) continue;
        if (position == gids.size() * total / k) gids.push_back(g);
        ++position;
    }
    return gids;
}

}  // namespace parnet::balance
