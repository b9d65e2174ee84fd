#pragma once
// The JSON model as a recipe: every fact about one gid is a pure function of (model, gid, runid),
// the connections drawn target-centred from the projections' rules (docs/model-format.md).
// Nothing here enumerates all cells; a rank asks only about the gids it owns.
#include "connection.hpp"
#include "model.hpp"
#include "recipe.hpp"

#include <string_view>
#include <vector>

namespace parnet {

class Network final : public Recipe {
public:
    explicit Network(const Model& model);

    // The model behind it (for the JSON model's own tools: its fingerprint, its projections).
    const Model& model() const { return model_; }
    Gid size() const { return model_.cell_count(); }
    const Population& population_of(Gid g) const;

    Gid cell_count() const override { return model_.cell_count(); }
    const std::vector<PopulationRange>& populations() const override { return ranges_; }
    const RunSettings& settings() const override { return model_.run; }
    std::string origin() const override { return model_.file; }
    double min_delay_bound() const override;
    Recordings recordings() const override { return model_.recordings; }

    CellKind kind(Gid g) const override { return population_of(g).kind; }
    // Drawn per gid when the population gives a distribution.
    double parameter(Gid g, const std::string& name) const override;
    SourceModel source_model(Gid g) const override { return population_of(g).source_model; }
    std::span<const double> replay_times(Gid g) const override;
    std::shared_ptr<const CableCellDescription> cable_cell(Gid g) const override { return population_of(g).cable_of(g); }
    // The population's mechanism with g's parameters (distributions drawn per gid) and GLOBALs.
    MechanismPlacement artificial_cell(Gid g) const override;
    std::vector<CurrentClamp> clamps_on(Gid g) const override;
    // The model's "events" stimuli on g, in file order, each stimulus's times in order.
    std::vector<DirectEvent> direct_events(Gid g) const override;

    // All connections onto gid g, in canonical index order (projection order, then draw order).
    std::vector<Connection> incoming(Gid g) const override;

private:
    void add_projection(std::size_t p, Gid target, std::vector<Connection>& out) const;
    const Model& model_;
    std::vector<PopulationRange> ranges_;
    std::vector<std::vector<std::size_t>> projections_onto_;  // per target population, in file order
};

}  // namespace parnet
