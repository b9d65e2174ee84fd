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
    // Connections are made twice, target by target (cheap, and the same both times): once to
    // count them per source, once to put each straight into its final place. No list of all
    // connections is ever held beside the final table, so set-up peaks at the table's size.
    const auto kinds = by_kind(network, gids);
    std::vector<Gid> all_sources;
    for (const auto& list : kinds)
        for (Gid g : list)
            for (const Connection& c : network.incoming(g)) {
                all_sources.push_back(c.source);
                min_delay_ = std::min(min_delay_, c.delay);
            }
    std::sort(all_sources.begin(), all_sources.end());
    std::vector<SourceIndex::Range> ranges;
    for (std::size_t i = 0; i < all_sources.size(); ++i) {
        if (i == 0 || all_sources[i - 1] != all_sources[i]) {
            sources_.push_back(all_sources[i]);
            ranges.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i)});
        }
        ranges.back().end = static_cast<std::uint32_t>(i + 1);
    }
    const std::size_t connections = all_sources.size();
    std::vector<Gid>().swap(all_sources);

    targets_.resize(connections);
    std::vector<std::uint32_t> cursor(ranges.size());
    for (std::size_t i = 0; i < ranges.size(); ++i) cursor[i] = ranges[i].begin;
    for (const auto& list : kinds) {
        group_first_.push_back(static_cast<std::uint32_t>(cells_));
        for (Gid g : list) {
            const auto cell = static_cast<std::uint32_t>(cells_++);
            // Connections come in index order, so each source's range ends up in (cell, index) order.
            for (const Connection& c : network.incoming(g)) {
                const auto k = static_cast<std::size_t>(
                    std::lower_bound(sources_.begin(), sources_.end(), c.source) - sources_.begin());
                targets_[cursor[k]++] = Target{c.delay, c.weight, cell, c.synapse};
            }
        }
        groups_.push_back(make_cell_group(network, list));
    }
    group_first_.push_back(static_cast<std::uint32_t>(cells_));
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
            queue_.push(PendingEvent{s.time + t.delay, t.weight, i, t.cell, t.synapse});
        }
    }
}

bool ThreadDomain::add_probe(std::size_t trace, std::size_t column, Gid g, const std::string& variable,
                             const std::string& section, double x) {
    for (std::size_t k = 0; k < groups_.size(); ++k) {
        const auto gids = groups_[k]->gids();
        const auto it = std::lower_bound(gids.begin(), gids.end(), g);
        if (it == gids.end() || *it != g) continue;
        const auto cell = static_cast<std::size_t>(it - gids.begin());
        probes_.push_back({trace, column, k, groups_[k]->add_probe(cell, variable, section, x)});
        return true;
    }
    return false;
}

void ThreadDomain::sample(Step s, std::vector<TraceBuffer>& traces) const {
    for (const Probe& p : probes_)
        if (traces[p.trace].samples(s))
            traces[p.trace].set(s, p.column, groups_[p.group]->probe_value(p.id));
}

void ThreadDomain::advance(std::int64_t index, const Epoch& epoch, std::vector<TraceBuffer>& traces, Step last_step) {
    spikes_.clear();
    queue_.take_epoch(index, epoch.end, events_, offsets_);
    events_delivered_ += events_.size();

    // The steps where this thread samples: the parts the epoch is advanced in.
    std::vector<Step> stops;
    if (!probes_.empty())
        for (Step s = epoch.begin + 1; s <= epoch.end && s < last_step; ++s)
            for (const auto& t : traces)
                if (t.samples(s)) {
                    stops.push_back(s);
                    break;
                }
    if (stops.empty() || stops.back() != epoch.end) stops.push_back(epoch.end);

    if (stops.size() == 1) {  // the whole epoch at once
        for (std::size_t k = 0; k < groups_.size(); ++k) {
            const std::size_t first = group_first_[k];
            const std::size_t count = group_first_[k + 1] - first;
            EventLanes lanes{events_, std::span<const std::uint32_t>(offsets_).subspan(first, count + 1), {}};
            groups_[k]->advance(epoch, lanes, spikes_);
        }
        if (epoch.end < last_step) sample(epoch.end, traces);
        return;
    }
    cursor_.assign(offsets_.begin(), offsets_.end() - 1);
    ends_.resize(cursor_.size());
    Step begin = epoch.begin;
    for (Step stop : stops) {
        // Each lane's events due before `stop` (lanes are in time order, so a prefix).
        for (std::size_t i = 0; i < cursor_.size(); ++i) {
            std::uint32_t e = cursor_[i];
            while (e < offsets_[i + 1] && delivery_step(events_[e].time, epoch.dt) < stop) ++e;
            ends_[i] = e;
        }
        const Epoch part{begin, stop, epoch.dt};
        for (std::size_t k = 0; k < groups_.size(); ++k) {
            const std::size_t first = group_first_[k];
            const std::size_t count = group_first_[k + 1] - first;
            EventLanes lanes{events_, std::span<const std::uint32_t>(cursor_).subspan(first, count),
                             std::span<const std::uint32_t>(ends_).subspan(first, count)};
            groups_[k]->advance(part, lanes, spikes_);
        }
        if (stop < last_step) sample(stop, traces);
        cursor_.swap(ends_);
        begin = stop;
    }
}

}  // namespace parnet
