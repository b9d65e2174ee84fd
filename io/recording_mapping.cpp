#include "recording_mapping.hpp"

#include "engine/cable/cable_cell.hpp"

#include <algorithm>
#include <optional>

namespace parnet::io {

TraceMapping trace_mapping(const Recipe& recipe, const TraceRecording& rec, std::span<const Gid> local) {
    const PopulationRange& pop = recipe.populations()[rec.population];
    TraceMapping out;
    for (Gid g : local)
        if (pop.contains(g) &&
            (rec.cells.empty() || std::binary_search(rec.cells.begin(), rec.cells.end(), g - pop.first)))
            out.gids.push_back(g);
    for (Gid g : out.gids) out.node_ids.push_back(g - pop.first);
    out.element_counts.assign(out.gids.size(), 1u);
    out.element_ids.assign(out.gids.size(), 0u);
    for (std::size_t i = 0; i < out.gids.size(); ++i)
        if (recipe.kind(out.gids[i]) == CellKind::cable) {
            const auto description = recipe.cable_cell(out.gids[i]);
            const CableCellDescription& cell = *description;
            const std::optional<std::uint32_t> section =
                rec.section.empty() ? std::optional<std::uint32_t>(0) : cell.section_index(rec.section);
            if (section) out.element_ids[i] = cell.compartment_id(*section, rec.x);
        }
    out.units = rec.variable == "v" ? "mV" : rec.variable == "cai" ? "mM" : "1";
    return out;
}

std::vector<SpikePopulation> spike_populations_of(const Recipe& recipe, std::size_t p) {
    const auto& pop = recipe.populations()[p];
    std::vector<SpikePopulation> out{{pop.name, pop.first, pop.count, 0}};
    if (pop.count == 0 || recipe.kind(pop.first) != CellKind::cable) return out;
    // (A recipe that describes only its rank's cells may not know the first cell: then no further
    // detectors, and the spike writer's check that every rank names the same populations speaks.)
    const auto cell = recipe.cable_cell(pop.first);
    if (!cell) return out;
    for (std::uint32_t d = 1; d < cell->detector_count(); ++d)
        out.push_back({pop.name + "." + cell->detector_at(d).name, pop.first, pop.count, d});
    return out;
}

std::vector<SpikePopulation> recorded_populations(const Recipe& recipe) {
    std::vector<SpikePopulation> out;
    for (std::size_t p : recipe.recordings().spike_populations) {
        const auto mine = spike_populations_of(recipe, p);
        out.insert(out.end(), mine.begin(), mine.end());
    }
    return out;
}

}  // namespace parnet::io
