#include "event_queue.hpp"

#include <algorithm>

namespace parnet {

namespace {
bool canonical(const PendingEvent& a, const PendingEvent& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.source != b.source) return a.source < b.source;
    return a.index < b.index;
}
}  // namespace

void EventQueue::take_due(Step end, double dt, std::vector<Event>& events,
                          std::vector<std::uint32_t>& offsets) {
    // Split pending into due and later, keeping later events in place.
    due_.clear();
    std::size_t kept = 0;
    for (const auto& e : pending_) {
        if (delivery_step(e.time, dt) < end) due_.push_back(e);
        else pending_[kept++] = e;
    }
    pending_.resize(kept);

    // Counting sort by target, then each (short) lane by time, source, index.
    offsets.assign(cells_ + 1, 0);
    for (const auto& e : due_) ++offsets[e.target + 1];
    for (std::uint32_t i = 0; i < cells_; ++i) offsets[i + 1] += offsets[i];
    sorted_.resize(due_.size());
    cursor_.assign(offsets.begin(), offsets.end() - 1);
    for (const auto& e : due_) sorted_[cursor_[e.target]++] = e;
    for (std::uint32_t i = 0; i < cells_; ++i) {
        auto b = sorted_.begin() + offsets[i], e = sorted_.begin() + offsets[i + 1];
        if (e - b > 1) std::sort(b, e, canonical);
    }
    events.resize(sorted_.size());
    for (std::size_t i = 0; i < sorted_.size(); ++i)
        events[i] = Event{sorted_[i].time, sorted_[i].weight, sorted_[i].synapse};
}

}  // namespace parnet
