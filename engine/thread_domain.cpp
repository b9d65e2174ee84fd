#include "thread_domain.hpp"

#include <algorithm>
#include <map>

namespace parnet {

namespace {
// Cells of one kind form one group; groups come in kind order, cells in gid order.
std::vector<std::vector<Gid>> by_kind(const Network& network, std::span<const Gid> gids) {
    std::map<CellKind, std::vector<Gid>> kinds;
    for (Gid g : gids) kinds[network.kind(g)].push_back(g);
    std::vector<std::vector<Gid>> out;
    for (auto& [kind, list] : kinds) {
        std::sort(list.begin(), list.end());
        out.push_back(std::move(list));
    }
    return out;
}
}  // namespace

ThreadDomain::ThreadDomain(const Network& network, std::span<const Gid> gids) {
    std::vector<std::pair<Gid, Target>> incoming;
    for (const auto& list : by_kind(network, gids)) {
        group_first_.push_back(static_cast<std::uint32_t>(cells_));
        for (Gid g : list) {
            const auto cell = static_cast<std::uint32_t>(cells_++);
            for (const Connection& c : network.incoming(g)) {
                incoming.emplace_back(c.source, Target{c.delay, c.weight, cell, c.index, c.synapse});
                min_delay_ = std::min(min_delay_, c.delay);
            }
        }
        groups_.push_back(make_cell_group(network, list));
    }
    group_first_.push_back(static_cast<std::uint32_t>(cells_));

    std::stable_sort(incoming.begin(), incoming.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    targets_.reserve(incoming.size());
    std::vector<SourceIndex::Range> ranges;
    for (std::size_t i = 0; i < incoming.size(); ++i) {
        const Gid src = incoming[i].first;
        if (i == 0 || incoming[i - 1].first != src) {
            sources_.push_back(src);
            ranges.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i)});
        }
        ranges.back().end = static_cast<std::uint32_t>(i + 1);
        targets_.push_back(incoming[i].second);
    }
    by_source_ = SourceIndex(sources_, ranges);
}

std::vector<Gid> ThreadDomain::sources() const { return sources_; }

void ThreadDomain::set_epoch_steps(Step steps, double dt) {
    queue_ = EventQueue(static_cast<std::uint32_t>(cells_), steps, dt);
}

void ThreadDomain::enqueue(std::span<const Spike> spikes) {
    for (const Spike& s : spikes) {
        const auto range = by_source_.find(s.source);
        for (std::uint32_t i = range.begin; i < range.end; ++i) {
            const Target& t = targets_[i];
            queue_.push(PendingEvent{s.time + t.delay, t.weight, s.source, t.index, t.cell, t.synapse});
        }
    }
}

void ThreadDomain::advance(std::int64_t index, const Epoch& epoch) {
    spikes_.clear();
    queue_.take_epoch(index, epoch.end, events_, offsets_);
    events_delivered_ += events_.size();
    for (std::size_t k = 0; k < groups_.size(); ++k) {
        const std::size_t first = group_first_[k];
        const std::size_t count = group_first_[k + 1] - first;
        EventLanes lanes{events_, std::span<const std::uint32_t>(offsets_).subspan(first, count + 1)};
        groups_[k]->advance(epoch, lanes, spikes_);
    }
}

}  // namespace parnet
