#pragma once
// The pieces of split cable cells that one thread holds (docs/split-solve.md, "Running split
// cells"). Each step, for every cell with a piece here: events reach the synapses of this
// thread's pieces, the membrane and axial terms of the pieces' nodes are assembled, each piece
// eliminates its interior and writes its message; the rank's SplitExchange trades the messages;
// then the cell's boundary system is solved from all its pieces' messages, each piece finishes its
// back substitution and updates its gates and synapses, and the piece holding the detector
// reports spikes. Arithmetic per node is that of CableGroup (the same catalogue kernels, clamps
// and calcium expressions, so the same bits per term); only the order of the matrix solve differs.
#include "split_exchange.hpp"
#include "engine/cell_group.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace parnet {

class SplitCableGroup final : public CellGroup {
public:
    // The cells of `exchange` with a piece on `thread` (which must take part in the exchange).
    SplitCableGroup(SplitExchange& exchange, int thread, double dt);
    ~SplitCableGroup() override;

    std::span<const Gid> gids() const override { return gids_; }
    std::span<const Gid> spike_gids() const override { return detector_gids_; }
    void advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) override;

    // "v" or a catalogue variable ("cai" among them) at (section, x) on a piece of this thread.
    bool holds(std::size_t cell, const std::string& section, double x) const override;
    std::size_t add_probe(std::size_t cell, const std::string& variable, const std::string& section, double x) override;
    double probe_value(std::size_t id) const override { return *probe_sources_[id]; }

    // A split cell's state lives on several ranks; checkpoints do not hold it yet (refused).
    void save_state(std::size_t cell, CellStateWriter& out) const override;
    void restore_state(std::size_t cell, CellStateReader& in) override;
    void resume_at(Step step, double dt) override;

    // The voltage at a node of a piece of this thread (Hines numbering of the cell's layout), or
    // at (section, x) there.
    double voltage(std::size_t cell, std::uint32_t node) const;
    double voltage(std::size_t cell, const std::string& section, double x) const;
    // Free calcium (mM) in the compartment read at (section, x), on a piece of this thread.
    double calcium(std::size_t cell, const std::string& section, double x) const;
    bool holds_node(std::size_t cell, std::uint32_t node) const;

private:
    struct Constants;   // per shape: dt-dependent diagonal, calcium constants
    struct Cell;

    void prepare(Cell& cell, Step n, double dt);
    void finish(Cell& cell, Step n, double dt, std::vector<Spike>& spikes);
    // Reaction-diffusion calcium after the mechanisms' states (NEURON's rxd order): influx of the
    // step's ica and the diffusing species' elimination (their messages); after their exchange,
    // the diffusion's boundary systems and back substitution; then the reactions (pump and
    // buffers, calcium_kernels.hpp) and cai into the ion state.
    void calcium_states(Cell& cell, Step n, double dt);
    void calcium_diffusion(Cell& cell, Step n);
    void calcium_reactions(Cell& cell, double dt);
    void write_cai(Cell& cell);
    std::uint32_t node_at(const Cell& cell, const std::string& section, double x) const;

    SplitExchange& exchange_;
    int thread_ = 0;
    double dt_ = 0.0;
    Step step_ = 0;
    std::vector<Gid> gids_, detector_gids_;
    std::vector<std::unique_ptr<Constants>> constants_;
    std::vector<Cell> cells_;
    std::vector<const double*> probe_sources_;
};

}  // namespace parnet
