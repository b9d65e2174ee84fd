#pragma once
// The cells one thread integrates for the whole run: their cell groups (one per kind), their
// incoming connections indexed by source gid, and their pending events.
#include "cell_group.hpp"
#include "event_queue.hpp"
#include "network.hpp"

#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

namespace parnet {

class ThreadDomain {
public:
    ThreadDomain(const Network& network, std::span<const Gid> gids);

    // Turns every spike whose source has targets here into events (spikes from the exchange).
    void enqueue(std::span<const Spike> spikes);
    // Integrates the epoch; the spikes fired are left in spikes().
    void advance(const Epoch& epoch);

    std::vector<Spike>& spikes() { return spikes_; }
    std::size_t cell_count() const { return cells_; }
    std::size_t connection_count() const { return targets_.size(); }
    double min_delay() const { return min_delay_; }
    std::uint64_t events_delivered() const { return events_delivered_; }
    // Source gids with targets here (ascending).
    std::vector<Gid> sources() const;
    const std::vector<std::unique_ptr<CellGroup>>& groups() const { return groups_; }

private:
    // One incoming connection, stored under its source gid.
    struct Target {
        double delay;
        double weight;
        std::uint32_t cell;     // thread-local cell index
        std::uint32_t index;    // connection index at the target
        std::uint32_t synapse;
    };
    struct Range {
        std::uint32_t begin, end;
    };

    std::vector<std::unique_ptr<CellGroup>> groups_;
    std::vector<std::uint32_t> group_first_;  // first thread-local cell index of each group
    std::size_t cells_ = 0;
    std::vector<Target> targets_;             // grouped by source gid
    std::unordered_map<Gid, Range> by_source_;
    double min_delay_ = infinite_time;
    EventQueue queue_;
    std::vector<Event> events_;
    std::vector<std::uint32_t> offsets_;
    std::vector<Spike> spikes_;
    std::uint64_t events_delivered_ = 0;
};

}  // namespace parnet
