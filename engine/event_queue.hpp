#pragma once
// Pending events of one thread's cells, binned by their delivery step (a ring of per-step bins,
// as NEST's ring buffers are indexed by delivery step). Each epoch the due bins are handed out as
// per-cell lanes in the canonical order (time, source gid, connection index: see
// PendingEvent::order), so a cell sees the same sequence whatever rank or thread it lives on.
#include "event.hpp"
#include "types.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace parnet {

struct PendingEvent {
    double time = 0.0;
    double weight = 0.0;
    // Orders a cell's events of equal time as (source gid, connection index) does: a thread's
    // connections are stored by source gid, then cell, then index, and `order` is the position
    // there (ThreadDomain), so comparing positions compares (source, index).
    std::uint32_t order = 0;
    std::uint32_t target = 0;  // thread-local cell index
    std::uint32_t synapse = 0;
};

class EventQueue {
public:
    // epoch_steps: steps per epoch; dt: the step, for the delivery rule.
    EventQueue(std::uint32_t cells, Step epoch_steps, double dt);

    // Inline: called once per event (the hottest call of a point network). No integer division:
    // the ring's length is a power of two.
    void push(const PendingEvent& e) {
        const Step step = std::max(delivery_step(e.time, dt_), first_step_);
        if (static_cast<std::uint64_t>(step - first_step_) >= bins_.size()) grow(step);
        bins_[static_cast<std::size_t>(step) & mask_].push_back(e);
    }
    std::size_t size() const;
    // Every pending event (checkpoints), in no particular order.
    template <class Visit>
    void for_each(Visit&& visit) const {
        for (const auto& bucket : bins_)
            for (const auto& e : bucket) visit(e);
    }
    // A restored run starts at epoch `epoch`, whose first step is offset + epoch * D (a checkpoint
    // may lie anywhere: the restored run's epochs count from it). Nothing earlier will be taken.
    // On an empty queue.
    void resume_at(std::int64_t epoch, Step offset) {
        offset_ = offset;
        first_step_ = offset + epoch * epoch_steps_;
    }

    // Removes the events delivered during epoch `epoch` (steps [epoch*D, (epoch+1)*D), shifted by
    // the offset of a restored run) and returns them as lanes: lane i (events[offsets[i] ..
    // offsets[i+1]]) holds cell i's events in canonical order. Events of earlier epochs would be a
    // bug upstream; they are delivered now. `end` is the epoch's last step + 1: the run's last epoch
    // may stop short of (epoch+1)*D; events due after the end of the run stay pending (a checkpoint
    // at the end carries them to a restored run) but are never handed out.
    void take_epoch(std::int64_t epoch, Step end, std::vector<Event>& events, std::vector<std::uint32_t>& offsets);
    // The same events step by step, for cells that only sum weights per step: the inputs of step
    // epoch*D + k are inputs[step_offsets[k] .. step_offsets[k+1]], in cell order, each cell's in
    // canonical order; step_offsets has one entry per step up to `end`, plus one (and as in
    // take_epoch, events due from `end` on stay pending). Each bin is
    // sorted on its own (radix sort by cell), so no pass touches memory in the order of cells and
    // the cost per event does not grow with their number. Epochs must be taken one after another.
    void take_epoch_steps(std::int64_t epoch, Step end, std::vector<StepInput>& inputs,
                          std::vector<std::uint32_t>& step_offsets);

private:
    std::vector<PendingEvent>& bin(Step step) { return bins_[static_cast<std::size_t>(step) & mask_]; }
    void grow(Step step);   // makes the ring long enough to hold `step`
    // Clears the bins taken, [first_step_, stop), and moves on to `stop` (the next epoch's first
    // step, unless the run ended inside this one).
    void finish_epoch(Step stop);
    // Appends one bin's events to `out` in (cell, time, order) order.
    void sort_bin(const std::vector<PendingEvent>& bin, std::vector<StepInput>& out);

    std::uint32_t cells_;
    Step epoch_steps_;
    double dt_;
    Step offset_ = 0;                               // first step of epoch 0 (a restored run's start % D)
    Step first_step_ = 0;                           // earliest step not yet taken
    std::vector<std::vector<PendingEvent>> bins_;   // events delivered at step n in bins_[n & mask_]
    std::size_t mask_ = 0;
    std::vector<std::uint32_t> cursor_;
    // sort_bin's scratch: (cell << 32 | position in the bin) keys, and the radix sort's digits
    std::vector<std::uint64_t> keys_, spare_keys_;
    std::vector<std::uint32_t> digit_count_;
    int digit_bits_ = 1, digit_passes_ = 1;
};

}  // namespace parnet
