#pragma once
// The cells one thread integrates for the whole run: their cell groups (one per kind), their
// incoming connections indexed by source gid, and their pending events.
#include "cell_group.hpp"
#include "checkpoint_state.hpp"
#include "event_queue.hpp"
#include "recipe.hpp"
#include "source_index.hpp"
#include "trace_buffer.hpp"

#include <memory>
#include <span>
#include <vector>

namespace parnet {

class SplitExchange;

class ThreadDomain {
public:
    // With `split`, thread `thread` also holds its pieces of split cells (one more group).
    ThreadDomain(const Recipe& recipe, std::span<const Gid> gids, SplitExchange* split = nullptr, int thread = 0);

    // Fixes the epoch length (steps) once all ranks agreed on it; before any enqueue or advance.
    void set_epoch_steps(Step steps, double dt);
    // Turns every spike whose source has targets here into events (spikes from the exchange).
    void enqueue(std::span<const Spike> spikes);
    // Integrates epoch number `index` (epochs are consecutive, from 0); the spikes fired are left
    // in spikes(). Where this thread has probes, the epoch is advanced in parts and the probes are
    // sampled into `traces` at every sample step s in (begin, end] with s < last_step.
    void advance(std::int64_t index, const Epoch& epoch, std::vector<TraceBuffer>& traces, Step last_step);

    // Records `variable` of gid g (owned by this thread) into column `column` of trace `trace`.
    // Returns false if g is not on this thread.
    bool add_probe(std::size_t trace, std::size_t column, Gid g, const std::string& variable,
                   const std::string& section, double x);
    // Whether (section, x) of gid g is on this thread (always, for whole cells of the thread).
    bool holds(Gid g, const std::string& section, double x) const;
    // Writes this thread's probes of every trace that samples step s.
    void sample(Step s, std::vector<TraceBuffer>& traces) const;

    // Checkpoints: appends this thread's cell states and pending events to `out`; restores them
    // (before any enqueue, after set_epoch_steps) at state.step, the first step of epoch `epoch`
    // of the restored run (whose epochs start at offset + k * epoch steps).
    void save(RankCheckpoint& out) const;
    void restore(const RestoredState& state, std::int64_t epoch, Step offset, double dt);

    std::vector<Spike>& spikes() { return spikes_; }
    std::size_t cell_count() const { return cells_; }
    std::size_t connection_count() const { return targets_.size(); }
    double min_delay() const { return min_delay_; }
    std::uint64_t events_delivered() const { return events_delivered_; }
    // Source gids with targets here (ascending).
    std::vector<Gid> sources() const;
    const std::vector<std::unique_ptr<CellGroup>>& groups() const { return groups_; }

private:
    void advance_by_step(std::int64_t index, const Epoch& epoch, std::vector<TraceBuffer>& traces, Step last_step);
    // The steps in (begin, end] at which this thread's probes sample, and `end`.
    std::vector<Step> sample_stops(const Epoch& epoch, const std::vector<TraceBuffer>& traces, Step last_step) const;

    // One incoming connection, stored under its source gid: 24 bytes. The connection index at
    // the target (the canonical tie-break) is not stored: within a source's range connections
    // are in (cell, index) order, so their position breaks ties the same way.
    struct Target {
        double delay;
        double weight;
        std::uint32_t cell;     // thread-local cell index
        std::uint32_t synapse;
    };
    static_assert(sizeof(Target) == 24);

    struct Probe {
        std::size_t trace, column, group, id;
    };

    std::vector<std::unique_ptr<CellGroup>> groups_;
    std::vector<Probe> probes_;
    std::vector<std::uint32_t> cursor_, ends_;  // lane positions while an epoch is advanced in parts
    std::vector<std::uint32_t> group_first_;  // first thread-local cell index of each group
    std::size_t cells_ = 0;
    std::vector<Target> targets_;             // grouped by source gid
    std::vector<std::uint64_t> sources_;      // SourceIndex::key(gid, detector), ascending, distinct
    SourceIndex by_source_;
    double min_delay_ = infinite_time;
    EventQueue queue_{0, 1, 1.0};
    // Per-cell lanes (events_, offsets_) unless every group takes step-binned events (by_step_):
    // then step_inputs_ by step_offsets_, and each group's part of every step at
    // step_begins_/step_ends_[group * steps + k].
    bool by_step_ = false;
    // Direct events (Recipe::direct_events) waiting for the queue of set_epoch_steps. Their
    // `order` comes after every connection's, so at equal times they follow the connections' events.
    std::vector<PendingEvent> direct_;
    std::vector<Event> events_;
    std::vector<std::uint32_t> offsets_;
    std::vector<StepInput> step_inputs_;
    std::vector<std::uint32_t> step_offsets_, step_begins_, step_ends_;
    std::vector<Spike> spikes_;
    std::uint64_t events_delivered_ = 0;
};

}  // namespace parnet
