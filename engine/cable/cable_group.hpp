#pragma once
// Many cable cells integrated together with NEURON's fixed-step method (see docs/cable-cells.md).
//
// Layout: cells sharing a description are packed side by side in blocks of `lanes` cells; every
// per-node quantity is stored node-major, lane-minor ((block node) * lanes + lane), so each
// kernel — the catalogue mechanisms' (hh, pas, ExpSyn, ... : catalogue_mechanisms.hpp), the
// Hines solve — runs one SIMD operation across the cells of a block with contiguous loads and no
// gathers. A block not filled with cells is padded with idle
// copies. Every lane executes the same instructions, so a cell's results do not depend on its
// position in the group or on its neighbours: bit-identical however cells are grouped.
#include "aligned_vector.hpp"
#include "cable_cell.hpp"
#include "cable_layout.hpp"
#include "engine/cell_group.hpp"
#include "engine/model.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace parnet {

class CableGroup final : public CellGroup {
public:
    static constexpr std::size_t lanes = 8;

    struct Cell {
        Gid gid = 0;
        std::shared_ptr<const CableCellDescription> description;
        std::vector<CurrentClamp> clamps;   // section names refer to the description ("" = root)
    };

    // Cells start at rest as NEURON's finitialize(v_init) leaves them, at step 0.
    CableGroup(std::vector<Cell> cells, double dt);
    ~CableGroup() override;

    std::span<const Gid> gids() const override { return gids_; }
    // Events onto a synapse whose NET_RECEIVE has a weight vector carry the connection's index in
    // the cell's incoming list instead (with weight_vector_event set): the connection's vector is
    // kept here, set up by connect().
    static constexpr std::uint32_t weight_vector_event = 0x80000000u;
    std::uint32_t event_synapse(std::size_t cell, const Connection& c) const override;
    // The cell's incoming connections (canonical order) and direct events, at the start: one
    // weight vector per connection onto such a synapse, NET_RECEIVE's INITIAL run on each.
    void connect(std::size_t cell, std::span<const Connection> incoming, std::span<const DirectEvent> direct);
    void advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) override;

    // Variable "v" (mV) or a catalogue variable ("m_hh", "ina", "cai": CatalogueKind::variable;
    // on cells with calcium, cai is its free calcium, mM) at (section, x).
    std::size_t add_probe(std::size_t cell, const std::string& variable, const std::string& section, double x) override;
    double probe_value(std::size_t id) const override { return *probe_sources_[id]; }
    // A cell's voltages, calcium species and gates, catalogue mechanism fields and ion state, and
    // whether its detector is above threshold.
    void save_state(std::size_t cell, CellStateWriter& out) const override;
    void restore_state(std::size_t cell, CellStateReader& in) override;
    void resume_at(Step step, double dt) override;

    std::size_t cell_count() const { return gids_.size(); }
    Step current_step() const { return step_; }
    // Compartments of the group's cells (padding excluded): the unit of the benchmarks.
    std::uint64_t compartment_count() const { return compartments_; }

    // Node of cell `cell` (index in gids()) used for location x of a section, numbered within
    // the cell in Hines order; throws std::out_of_range for an unknown section.
    std::uint32_t compartment_index(std::size_t cell, std::string_view section, double x) const;
    // A handle for reading the membrane voltage there cheaply at any later time.
    std::size_t probe(std::size_t cell, std::string_view section, double x) const;
    double voltage_at(std::size_t probe) const { return v_[probe]; }
    double voltage(std::size_t cell, std::string_view section, double x) const {
        return voltage_at(probe(cell, section, x));
    }

    // Reaction-diffusion state of a cell with calcium: species 0 is free calcium, species 1 + b
    // the calcium bound to buffer b (mM), per compartment (CableLayout's compartment numbering).
    // set_concentration changes the state (initial conditions other than uniform rest).
    double concentration(std::size_t cell, std::size_t species, std::uint32_t compartment) const;
    void set_concentration(std::size_t cell, std::size_t species, std::uint32_t compartment, double value);
    // Free calcium (mM) in the compartment read at (section, x).
    double calcium(std::size_t cell, std::string_view section, double x) const;

    // Conductance (uS) of synapse `synapse` of cell `cell`: ExpSyn g, Exp2Syn B - A.
    double synapse_conductance(std::size_t cell, std::uint32_t synapse) const;

private:
    struct Kind;    // per distinct description: layout and dt-dependent constants
    struct Block;   // up to `lanes` cells of one kind
    struct Clamp;   // a current clamp of one cell

    static Step next_clamp_change(const std::vector<Clamp>& clamps, Step n);

    void set_dt(double dt);
    // Visits every per-cell state array of cell `cell` as (first value, count): value j at
    // first[j * lanes] (the arrays are lane-minor). Self is CableGroup or const CableGroup.
    template <class Self, class Visit>
    static void for_each_state(Self& self, std::size_t cell, Visit&& visit);
    // Blocks of one kind (at most max_lockstep_blocks) through the epoch step by step together.
    struct BlockRun;
    static constexpr std::size_t max_lockstep_blocks = 2;
    void run_blocks(std::span<Block* const> blocks, const Epoch& epoch, const EventLanes& events,
                    std::vector<Spike>& spikes);

    std::vector<Gid> gids_;
    std::vector<std::unique_ptr<Kind>> kinds_;
    std::vector<Block> blocks_;
    std::vector<std::uint32_t> cell_block_, cell_lane_;
    double dt_ = 0.0;
    Step step_ = 0;
    std::uint64_t compartments_ = 0;

    // State, lane-minor: v per node (the mechanisms' states are in each block's CatalogueBlock).
    cable::aligned_vector<double> v_;
    // Scratch for the step of max_lockstep_blocks blocks (matrix diagonal, right-hand side,
    // 1/diagonal, each scratch_nodes_ rows per block; the detectors' voltages before the step).
    cable::aligned_vector<double> d_, rhs_, inv_d_, v_before_;
    std::size_t scratch_nodes_ = 0;
    // Reaction-diffusion state, lane-minor per compartment: free calcium, bound calcium per
    // buffer (buffer-major); scratch: the diffusion solver's rhs.
    cable::aligned_vector<double> ca_, cab_, crhs_;
    std::vector<const double*> probe_sources_;   // add_probe ids

    std::size_t species_index(std::size_t cell, std::size_t species, std::uint32_t compartment) const;
    // Threshold test of the kind's more_detectors[k] at the end of step n (spikes with detector k + 1).
    void detect_more(Block& block, std::size_t k, const double* v, const double* v_before, Step n,
                     std::vector<Spike>& spikes) const;
    // The calcium step after the mechanisms' states: influx of the ca ion's current (summed over
    // every mechanism writing ica), pump, buffering, diffusion; then cai into the ion state.
    void calcium_step(Block& block);
    void write_cai(Block& block);
};

// The CellGroup for cable cells of a network: descriptions from Recipe::cable_cell, clamps from
// Recipe::clamps_on, dt from the recipe's run settings.
std::unique_ptr<CellGroup> make_cable_group(const Recipe& recipe, std::span<const Gid> gids);

}  // namespace parnet
