#include "recording_mapping.hpp"

#include "engine/cable/cable_cell.hpp"

#include <algorithm>
#include <optional>

namespace parnet::io {

TraceMapping trace_mapping(const Model& model, const TraceRecording& rec, std::span<const Gid> local) {
    const Population& pop = model.populations[rec.population];
    TraceMapping out;
    for (Gid g : local)
        if (pop.contains(g) &&
            (rec.cells.empty() || std::binary_search(rec.cells.begin(), rec.cells.end(), g - pop.first)))
            out.gids.push_back(g);
    for (Gid g : out.gids) out.node_ids.push_back(g - pop.first);
    out.element_counts.assign(out.gids.size(), 1u);
    out.element_ids.assign(out.gids.size(), 0u);
    if (pop.kind == CellKind::cable)
        for (std::size_t i = 0; i < out.gids.size(); ++i) {
            const CableCellDescription& cell = *pop.cable_variant(pop.variant_of(out.gids[i]));
            const std::optional<std::uint32_t> section =
                rec.section.empty() ? std::optional<std::uint32_t>(0) : cell.section_index(rec.section);
            if (section) out.element_ids[i] = cell.compartment_id(*section, rec.x);
        }
    out.units = rec.variable == "v" ? "mV" : rec.variable == "cai" ? "mM" : "1";
    return out;
}

std::vector<SpikePopulation> recorded_populations(const Model& model) {
    std::vector<SpikePopulation> out;
    for (std::size_t p : model.recordings.spike_populations) {
        const auto& pop = model.populations[p];
        out.push_back({pop.name, pop.first, pop.count});
    }
    return out;
}

}  // namespace parnet::io
