#pragma once
// A SONATA circuit as a recipe (engine/recipe.hpp): the engine, the planner and replay ask it
// about one gid at a time. Cells come from the node populations and their types, connections from
// the edge files through their target index (io/sonata_circuit.hpp, docs/sonata-input.md).
#include "engine/recipe.hpp"
#include "io/sonata_circuit.hpp"

namespace parnet::io {

class SonataRecipe final : public Recipe {
public:
    explicit SonataRecipe(const SonataConfig& config);

    const SonataCircuit& circuit() const { return circuit_; }
    // Reads the edges onto these gids (the rank's own cells) in one pass; see SonataCircuit.
    void load_incoming(std::span<const Gid> gids) { circuit_.load_incoming(gids); }
    void forget_loaded() { circuit_.forget_loaded(); }

    Gid cell_count() const override { return circuit_.model().cell_count(); }
    const std::vector<PopulationRange>& populations() const override { return ranges_; }
    const RunSettings& settings() const override { return circuit_.model().run; }
    std::string origin() const override { return circuit_.config().file; }
    double min_delay_bound() const override { return min_delay_bound_; }
    Recordings recordings() const override { return circuit_.model().recordings; }

    CellKind kind(Gid g) const override;
    double parameter(Gid g, const std::string& name) const override { return circuit_.parameter(g, name); }
    SourceModel source_model(Gid) const override { return SourceModel::replay; }
    std::span<const double> replay_times(Gid g) const override;
    std::vector<CurrentClamp> clamps_on(Gid g) const override;
    std::vector<Connection> incoming(Gid g) const override { return circuit_.incoming(g); }
    std::shared_ptr<const CableCellDescription> cable_cell(Gid g) const override { return circuit_.cable_cell(g); }

private:
    SonataCircuit circuit_;
    std::vector<PopulationRange> ranges_;
    double min_delay_bound_ = 0.0;
};

}  // namespace parnet::io
