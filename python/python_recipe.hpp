#pragma once
// A recipe written in Python (parnet.Recipe, python/parnet/recipe.py) as the engine's C++ Recipe
// (engine/recipe.hpp). Calling into Python per gid from the engine's OpenMP threads would hold
// them all on the GIL, so the engine never calls Python here: the package asks the user's bulk
// methods once per rank, for the rank's own gids, on the Python thread, and stores the answers
// here (plain C++ data, no Python types). Every method below is then a lookup, safe from any
// thread and the same however often it is asked. Only kinds (a byte a cell) and which cable
// description a cable cell has (4 bytes a cable cell) are kept for every gid: the decomposition
// weighs cells by their cost before the rank's cells are known.
#include "engine/recipe.hpp"

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace parnet::python {

class PythonRecipe final : public Recipe {
public:
    // The network as a whole: kinds of every gid (cell_count of them), population ranges covering
    // them in order. Throws input_error naming `origin` when they do not fit together.
    PythonRecipe(std::string origin, std::vector<PopulationRange> populations, std::vector<CellKind> kinds,
                 RunSettings settings, Recordings recordings, double min_delay_bound, std::uint64_t fingerprint);

    // Cable cells (every cable gid): descriptions[which[i]] is gids[i]'s; cells may share one.
    void set_cable_cells(std::vector<std::shared_ptr<const CableCellDescription>> descriptions,
                         std::span<const Gid> gids, std::span<const std::uint32_t> which);
    // Checks what needs the cable cells (every cable gid has one, traces' variables and sections);
    // throws input_error naming the recording.
    void check();
    // Synapse indices of named synapses onto targets (lif: exc, inh; cable: the cell's synapse
    // names); throws input_error naming the connection.
    std::vector<std::uint32_t> synapse_indices(std::span<const Gid> targets, const std::vector<std::string>& names) const;

    // This rank's cells, ascending (the decomposition's); the per-cell answers below are for them.
    void set_local_gids(std::vector<Gid> gids);
    std::span<const Gid> local_gids() const { return local_; }
    // Per local cell (in local_gids order).
    void set_source_models(std::span<const std::uint8_t> models);  // SourceModel values
    // Values of one parameter for some local cells; NaN leaves a cell at the kind's default.
    void set_parameter(const std::string& name, std::span<const Gid> gids, std::span<const double> values);
    // Replay times: `offsets` (local cells + 1) into `times`.
    void set_replay_times(std::span<const std::uint64_t> offsets, std::span<const double> times);
    void add_clamp(Gid g, double delay, double duration, double amplitude, std::string section, double x);
    // Events straight into a synapse of local cells (NEURON's NetCon(None, syn).event(t)), any
    // order of targets; a target's events keep the order given (the tie-break at equal times).
    // Throws input_error (naming the method) for a target that is not local, a time that is not
    // finite and >= 0, or a synapse the target does not have.
    void set_direct_events(std::span<const Gid> targets, std::span<const double> times, std::span<const double> weights,
                           std::span<const std::uint32_t> synapses);
    // Connections onto local cells, any order of targets; a target's connections keep the order
    // given, which is their canonical order (Connection::index). Throws input_error (naming the
    // method) for a target that is not local or a source that is not a gid.
    void set_connections(std::span<const Gid> targets, std::span<const Gid> sources, std::span<const double> weights,
                         std::span<const double> delays, std::span<const std::uint32_t> synapses);
    // Once the engine has built the cells it holds their connections itself: the store is freed
    // (incoming() then refuses), halving a large network's peak memory.
    void release_connections();
    std::uint64_t fingerprint() const { return fingerprint_; }
    std::size_t connection_count() const { return sources_.size(); }

    Gid cell_count() const override { return static_cast<Gid>(kinds_.size()); }
    const std::vector<PopulationRange>& populations() const override { return populations_; }
    const RunSettings& settings() const override { return settings_; }
    std::string origin() const override { return origin_; }
    double min_delay_bound() const override { return min_delay_bound_; }
    Recordings recordings() const override { return recordings_; }

    CellKind kind(Gid g) const override { return kinds_.at(g); }
    double parameter(Gid g, const std::string& name) const override;
    SourceModel source_model(Gid g) const override;
    std::span<const double> replay_times(Gid g) const override;
    std::shared_ptr<const CableCellDescription> cable_cell(Gid g) const override;
    std::vector<CurrentClamp> clamps_on(Gid g) const override;
    std::vector<Connection> incoming(Gid g) const override;
    std::vector<DirectEvent> direct_events(Gid g) const override;

private:
    // The number of synapses a cell of kind k (gid g) has: what a connection or event may target.
    std::size_t synapse_count(Gid g) const;

    // Position of g in local_; throws std::logic_error for a cell this rank was not given.
    std::size_t local_index(Gid g) const;

    std::string origin_;
    std::vector<PopulationRange> populations_;
    std::vector<CellKind> kinds_;
    RunSettings settings_;
    Recordings recordings_;
    double min_delay_bound_;
    std::uint64_t fingerprint_;

    std::vector<std::shared_ptr<const CableCellDescription>> descriptions_;
    std::vector<std::uint32_t> cable_of_;  // per gid, an index into descriptions_ (cable cells only)

    std::vector<Gid> local_;
    std::vector<SourceModel> source_models_;
    std::map<std::string, std::vector<double>> parameters_;  // per local cell; NaN: the default
    std::vector<std::uint64_t> replay_offsets_;
    std::vector<double> replay_times_;
    std::multimap<Gid, CurrentClamp> clamps_;
    // Connections in compressed rows: those onto local cell i are [offsets_[i], offsets_[i+1]).
    std::vector<std::uint64_t> offsets_;
    std::vector<Gid> sources_;
    std::vector<double> weights_, delays_;
    std::vector<std::uint32_t> synapses_;
    std::multimap<Gid, DirectEvent> events_;  // kept per target in the order given
    bool released_ = false;
};

}  // namespace parnet::python
