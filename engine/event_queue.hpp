#pragma once
// Pending events of one thread's cells, bucketed by the epoch in which they are delivered. Each
// epoch the due bucket is handed out as per-cell lanes in the canonical order (time, source gid,
// connection index: see PendingEvent::order), so a cell sees the same sequence whatever rank or
// thread it lives on.
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

    // Inline: called once per event (the hottest call of a point network).
    void push(const PendingEvent& e) {
        const std::int64_t epoch = std::max(delivery_step(e.time, dt_) / epoch_steps_, current_);
        if (epoch - current_ >= static_cast<std::int64_t>(ring_.size())) grow(epoch);
        ring_[static_cast<std::size_t>(epoch) % ring_.size()].push_back(e);
    }
    std::size_t size() const;
    // Every pending event (checkpoints), in no particular order.
    template <class Visit>
    void for_each(Visit&& visit) const {
        for (const auto& bucket : ring_)
            for (const auto& e : bucket) visit(e);
    }
    // A restored run starts at epoch `epoch`: nothing earlier will be taken. On an empty queue.
    void resume_at(std::int64_t epoch) { current_ = epoch; }

    // Removes the events delivered during epoch `epoch` (steps [epoch*D, (epoch+1)*D)) and returns
    // them as lanes: lane i (events[offsets[i] .. offsets[i+1]]) holds cell i's events in canonical
    // order. Events of earlier epochs would be a bug upstream; they are delivered now. `end` is the
    // epoch's last step + 1: the run's last epoch may stop short of (epoch+1)*D, and events due after
    // the end of the run are dropped.
    void take_epoch(std::int64_t epoch, Step end, std::vector<Event>& events, std::vector<std::uint32_t>& offsets);

private:
    std::vector<PendingEvent>& bucket(std::int64_t epoch);
    void grow(std::int64_t epoch);   // makes the ring long enough to hold `epoch`

    std::uint32_t cells_;
    Step epoch_steps_;
    double dt_;
    std::int64_t current_ = 0;                      // earliest epoch not yet taken
    std::vector<std::vector<PendingEvent>> ring_;   // bucket of epoch k at ring_[k % ring_.size()]
    std::vector<std::uint32_t> cursor_;
};

}  // namespace parnet
