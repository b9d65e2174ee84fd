#pragma once
// Artificial cells: cells that are an NMODL ARTIFICIAL_CELL mechanism of a catalogue (NEURON's
// IntFire-style cells; docs/mechanisms.md, "Artificial cells"). A cell has no membrane and no
// time step: its NET_RECEIVE runs at the exact time of each event (t is the event's time, not a
// step's), and net_event(t) emits a spike at exactly that t, as under NEURON's fixed step.
//
// Cells of one mechanism (and the same GLOBALs) share blocks of PARNET_LANES lanes, one instance
// per block, so the compiled kernels of engine/cable/mechanism_abi.h run them unchanged; a lane
// is one cell and never reads another. Self events (net_send) are kept per cell, with a per-cell
// sequence number as the tie-break of equal times, so a cell's events and bits do not depend on
// which cells share its group, thread or rank.
#include "engine/cable/mechanism_catalogue.hpp"
#include "engine/cell_group.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace parnet {

class ArtificialCellGroup final : public CellGroup {
public:
    static constexpr std::size_t lanes = PARNET_LANES;

    ArtificialCellGroup(const Recipe& recipe, std::span<const Gid> gids);

    std::span<const Gid> gids() const override { return gids_; }
    // NET_RECEIVE(w, a1, ...) (NEURON's weight vector): events carry the connection's index in the
    // cell's incoming list with this bit set; the connection's vector is kept here.
    static constexpr std::uint32_t weight_vector_event = 0x80000000u;
    std::uint32_t event_synapse(std::size_t cell, const Connection& c) const override;
    // Per cell, its events and its self events merged in time order (a self event before an event
    // of a connection at the same time, self events among themselves in the order sent), those due
    // before the epoch's end by NEURON's delivery rule.
    void advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) override;
    // Any field of the mechanism (PARAMETER, ASSIGNED, STATE) by name.
    std::size_t add_probe(std::size_t cell, const std::string& variable, const std::string& section, double x) override;
    double probe_value(std::size_t probe) const override;
    // The cell's fields, its self-event counter, its pending self events and its connections'
    // weight vectors.
    void save_state(std::size_t cell, CellStateWriter& out) const override;
    void restore_state(std::size_t cell, CellStateReader& in) override;
    void resume_at(Step, double) override {}

private:
    static constexpr std::uint32_t no_cell = 0xffffffffu;
    static constexpr std::uint64_t no_event = ~std::uint64_t{0};
    static constexpr std::uint32_t no_slot = 0xffffffffu;
    struct SelfEvent {
        double time, flag, weight;
        std::uint64_t sequence;
        std::uint32_t slot;   // weight vectors: the connection whose event sent it, or no_slot
    };
    struct Block;
    // What the kernels' callbacks (net_send, net_event, net_move) reach through their context.
    struct Callbacks {
        ArtificialCellGroup* group;
        Block* block;
    };
    struct Block {
        std::shared_ptr<const Mechanism> mechanism;
        std::vector<double> globals, prepared;
        std::vector<std::array<double, lanes>> fields;   // [field][lane]
        std::vector<double*> field_pointers;
        std::array<std::uint32_t, lanes> cell;           // group index per lane, or no_cell
        Callbacks callbacks{};
        parnet_mechanism_block view{};
    };
    struct Cell {
        Block* block = nullptr;
        std::uint32_t lane = 0;
        std::vector<SelfEvent> pending;   // unordered, few
        std::uint64_t sent = 0;           // self events sent so far (the next sequence number)
        std::uint64_t movable = no_event; // sequence of the latest flag-1 self event (net_move's)
        std::vector<double> vectors;      // weight vectors: argument_count per incoming connection
    };

    // NET_RECEIVE of an event (flag 0) or a self event; `slot` the connection whose vector it
    // carries (weight-vector mechanisms; no_slot: a fresh vector of the weight, as NEURON's
    // NetCon(None) would have).
    void receive(Cell& cell, double t, double weight, double flag, std::uint32_t slot);
    // Cell's self events with time <= until due before step `end`, including those sent meanwhile.
    void deliver_self_events(Cell& cell, double until, Step end);
    // The cell in `lane` of the block whose callbacks `context` is; null for an empty lane.
    static Cell* cell_of(void* context, std::uint32_t lane);
    static void net_send(void* context, std::uint32_t instance, std::uint32_t lane, double time, double flag,
                         double weight);
    static void net_event(void* context, std::uint32_t lane, double time);
    static void net_move(void* context, std::uint32_t instance, std::uint32_t lane, double time);

    std::vector<Gid> gids_;
    std::vector<std::unique_ptr<Block>> blocks_;   // stable addresses: the views point into them
    std::vector<Cell> cells_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> probes_;   // (cell, field)
    double dt_ = 0.025;
    std::vector<Spike>* spikes_ = nullptr;   // where net_event writes during advance
    std::uint32_t receiving_slot_ = no_slot; // the vector net_send's self events carry on
    std::vector<double> scratch_vector_;     // events of no connection (the planner's samples)
};

std::unique_ptr<CellGroup> make_artificial_group(const Recipe& recipe, std::span<const Gid> gids);

}  // namespace parnet
