#pragma once
// Pending events of one thread's cells. Each epoch the events due before its end are handed out as
// per-cell lanes in the canonical order (time, source gid, connection index), so a cell sees the
// same sequence whatever rank or thread it lives on.
#include "event.hpp"
#include "types.hpp"

#include <cstdint>
#include <vector>

namespace parnet {

struct PendingEvent {
    double time = 0.0;
    double weight = 0.0;
    Gid source = 0;
    std::uint32_t index = 0;   // connection index at the target
    std::uint32_t target = 0;  // thread-local cell index
    std::uint32_t synapse = 0;
};

class EventQueue {
public:
    explicit EventQueue(std::uint32_t cells) : cells_(cells) {}

    void push(const PendingEvent& e) { pending_.push_back(e); }
    std::size_t size() const { return pending_.size(); }

    // Removes the events delivered at steps < end and returns them as lanes: lane i of the result
    // (events[offsets[i] .. offsets[i+1]]) holds cell i's events in canonical order.
    void take_due(Step end, double dt, std::vector<Event>& events, std::vector<std::uint32_t>& offsets);

private:
    std::uint32_t cells_;
    std::vector<PendingEvent> pending_;
    std::vector<PendingEvent> due_;  // scratch, kept to avoid reallocation
    std::vector<PendingEvent> sorted_;
    std::vector<std::uint32_t> cursor_;
};

}  // namespace parnet
