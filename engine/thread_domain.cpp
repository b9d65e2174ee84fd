#include "thread_domain.hpp"

#include "errors.hpp"
#include "cable/split_cable_group.hpp"

#include <algorithm>
#include <map>

namespace parnet {

namespace {
// Cells of one kind form one group; groups come in kind order, cells in gid order.
std::vector<std::vector<Gid>> by_kind(const Recipe& recipe, std::span<const Gid> gids) {
    std::map<CellKind, std::vector<Gid>> kinds;
    for (Gid g : gids) kinds[recipe.kind(g)].push_back(g);
    std::vector<std::vector<Gid>> out;
    for (auto& [kind, list] : kinds) {
        std::sort(list.begin(), list.end());
        out.push_back(std::move(list));
    }
    return out;
}
}  // namespace

ThreadDomain::ThreadDomain(const Recipe& recipe, std::span<const Gid> gids, SplitExchange* split, int thread) {
    // Connections are made twice, target by target (cheap, and the same both times): once to
    // count them per source, once to put each straight into its final place. No list of all
    // connections is ever held beside the final table, so set-up peaks at the table's size.
    auto kinds = by_kind(recipe, gids);
    // The pieces of split cells come last, as one group (possibly of no cell on thread 0, which
    // makes the MPI calls of their exchange).
    std::unique_ptr<SplitCableGroup> split_group;
    if (split && split->participates(thread)) {
        split_group = std::make_unique<SplitCableGroup>(*split, thread, recipe.dt());
        kinds.emplace_back(split_group->gids().begin(), split_group->gids().end());
    }
    std::vector<std::uint64_t> all_sources;   // SourceIndex::key(source gid, detector)
    for (const auto& list : kinds)
        for (Gid g : list)
            for (const Connection& c : recipe.incoming(g)) {
                all_sources.push_back(SourceIndex::key(c.source, c.source_detector));
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
    std::vector<std::uint64_t>().swap(all_sources);

    targets_.resize(connections);
    std::vector<std::uint32_t> cursor(ranges.size());
    for (std::size_t i = 0; i < ranges.size(); ++i) cursor[i] = ranges[i].begin;
    for (const auto& list : kinds) {
        group_first_.push_back(static_cast<std::uint32_t>(cells_));
        // The group first: it says what its events carry (CellGroup::event_synapse).
        if (split_group && &list == &kinds.back()) groups_.push_back(std::move(split_group));
        else groups_.push_back(make_cell_group(recipe, list));
        const CellGroup& group = *groups_.back();
        for (Gid g : list) {
            const auto cell = static_cast<std::uint32_t>(cells_++);
            const std::size_t in_group = cell - group_first_.back();
            // Connections come in index order, so each source's range ends up in (cell, index) order.
            for (const Connection& c : recipe.incoming(g)) {
                const auto k = static_cast<std::size_t>(
                    std::lower_bound(sources_.begin(), sources_.end(), SourceIndex::key(c.source, c.source_detector)) -
                    sources_.begin());
                targets_[cursor[k]++] = Target{c.delay, c.weight, cell, group.event_synapse(in_group, c)};
            }
            for (const DirectEvent& e : recipe.direct_events(g))
                direct_.push_back(PendingEvent{e.time, e.weight, static_cast<std::uint32_t>(connections + direct_.size()), cell,
                                               e.synapse});
        }
    }
    group_first_.push_back(static_cast<std::uint32_t>(cells_));
    by_source_ = SourceIndex(sources_, ranges);
    by_step_ = std::all_of(groups_.begin(), groups_.end(), [](const auto& g) { return g->takes_step_events(); });
}

std::vector<Gid> ThreadDomain::sources() const {
    std::vector<Gid> gids;
    for (const std::uint64_t k : sources_)
        if (gids.empty() || gids.back() != SourceIndex::gid_of(k)) gids.push_back(SourceIndex::gid_of(k));
    return gids;
}

void ThreadDomain::set_epoch_steps(Step steps, double dt) {
    queue_ = EventQueue(static_cast<std::uint32_t>(cells_), steps, dt);
    for (const PendingEvent& e : direct_) queue_.push(e);
    std::vector<PendingEvent>().swap(direct_);
}

void ThreadDomain::enqueue(std::span<const Spike> spikes) {
    // Software-pipelined: the slot of the spike `ahead` places on and the first connections of the
    // next one are loaded while this one's events are queued (cache misses once sources are many:
    // each spike's connections lie somewhere in a table of 24 bytes per synapse).
    constexpr std::size_t ahead = 4;
    const std::size_t n = spikes.size();
    for (std::size_t k = 0; k < std::min(ahead, n); ++k) by_source_.prefetch(spikes[k].source, spikes[k].detector);
    SourceIndex::Range next = n > 0 ? by_source_.find(spikes[0].source, spikes[0].detector) : SourceIndex::Range{};
    for (std::size_t k = 0; k < n; ++k) {
        const Spike& s = spikes[k];
        const auto range = next;
        if (k + ahead < n) by_source_.prefetch(spikes[k + ahead].source, spikes[k + ahead].detector);
        if (k + 1 < n) {
            next = by_source_.find(spikes[k + 1].source, spikes[k + 1].detector);
            // its first kilobyte (beyond it the hardware's stream prefetcher has caught on)
            const char* first = reinterpret_cast<const char*>(targets_.data() + next.begin);
            const std::size_t bytes = std::min<std::size_t>(1024, (next.end - next.begin) * sizeof(Target));
            for (std::size_t b = 0; b < bytes; b += 64) __builtin_prefetch(first + b);
        }
        for (std::uint32_t i = range.begin; i < range.end; ++i) {
            const Target& t = targets_[i];
            queue_.push(PendingEvent{s.time + t.delay, t.weight, i, t.cell, t.synapse});
        }
    }
}

void ThreadDomain::save(RankCheckpoint& out) const {
    CellStateWriter writer;
    std::vector<Gid> gid_of_cell(cells_);
    for (std::size_t k = 0; k < groups_.size(); ++k) {
        const auto gids = groups_[k]->gids();
        for (std::size_t i = 0; i < gids.size(); ++i) {
            gid_of_cell[group_first_[k] + i] = gids[i];
            writer.clear();
            groups_[k]->save_state(i, writer);
            out.gids.push_back(gids[i]);
            out.sizes.push_back(static_cast<std::uint32_t>(writer.words().size()));
            out.words.insert(out.words.end(), writer.words().begin(), writer.words().end());
        }
    }
    // An event's `order` is its connection's position in targets_: the source is the range it
    // falls in, and its rank among the cell's connections from that source is its distance from
    // the first of them (a source's range is in (cell, index) order).
    std::vector<std::uint32_t> range_begin(sources_.size());
    for (std::size_t r = 0; r < sources_.size(); ++r)
        range_begin[r] = by_source_.find(SourceIndex::gid_of(sources_[r]), SourceIndex::detector_of(sources_[r])).begin;
    queue_.for_each([&](const PendingEvent& e) {
        const auto r = static_cast<std::size_t>(std::upper_bound(range_begin.begin(), range_begin.end(), e.order) -
                                                range_begin.begin()) - 1;
        std::uint32_t first = e.order;
        while (first > range_begin[r] && targets_[first - 1].cell == e.target) --first;
        // (Checkpoints refuse models with several detectors on a cell: every source here is a detector 0.)
        out.events.push_back(
            SavedEvent{gid_of_cell[e.target], SourceIndex::gid_of(sources_[r]), e.order - first, e.synapse, e.time, e.weight});
    });
}

void ThreadDomain::restore(const RestoredState& state, std::int64_t epoch, Step offset, double dt) {
    std::vector<std::pair<Gid, std::uint32_t>> cell_of_gid;   // (gid, thread-local cell), ascending
    for (std::size_t k = 0; k < groups_.size(); ++k) {
        const auto gids = groups_[k]->gids();
        for (std::size_t i = 0; i < gids.size(); ++i) {
            CellStateReader reader(state.state_of(gids[i]), gids[i]);
            groups_[k]->restore_state(i, reader);
            reader.finish();
            cell_of_gid.emplace_back(gids[i], group_first_[k] + static_cast<std::uint32_t>(i));
        }
        groups_[k]->resume_at(state.step, dt);
    }
    std::sort(cell_of_gid.begin(), cell_of_gid.end());
    queue_.resume_at(epoch, offset);
    for (const SavedEvent& e : state.events) {
        const auto it = std::lower_bound(cell_of_gid.begin(), cell_of_gid.end(), std::pair<Gid, std::uint32_t>{e.target, 0});
        if (it == cell_of_gid.end() || it->first != e.target) continue;   // another thread's cell
        const std::uint32_t cell = it->second;
        const auto range = by_source_.find(e.source);
        // The range is in cell order: its part for `cell` starts at the first entry not below it.
        std::uint32_t first = range.begin, count = range.end - range.begin;
        while (count > 0) {
            const std::uint32_t half = count / 2;
            if (targets_[first + half].cell < cell) {
                first += half + 1;
                count -= half + 1;
            } else {
                count = half;
            }
        }
        const std::uint32_t order = first + e.connection;
        if (order >= range.end || targets_[order].cell != cell)
            throw input_error("the checkpoint holds an event from gid " + std::to_string(e.source) + " to gid " +
                              std::to_string(e.target) + " over a connection this model does not have");
        queue_.push(PendingEvent{e.time, e.weight, order, cell, e.synapse});
    }
}

bool ThreadDomain::add_probe(std::size_t trace, std::size_t column, Gid g, const std::string& variable,
                             const std::string& section, double x) {
    for (std::size_t k = 0; k < groups_.size(); ++k) {
        const auto gids = groups_[k]->gids();
        const auto it = std::lower_bound(gids.begin(), gids.end(), g);
        if (it == gids.end() || *it != g) continue;
        const auto cell = static_cast<std::size_t>(it - gids.begin());
        if (!groups_[k]->holds(cell, section, x)) continue;
        probes_.push_back({trace, column, k, groups_[k]->add_probe(cell, variable, section, x)});
        return true;
    }
    return false;
}

bool ThreadDomain::holds(Gid g, const std::string& section, double x) const {
    for (const auto& group : groups_) {
        const auto gids = group->gids();
        const auto it = std::lower_bound(gids.begin(), gids.end(), g);
        if (it != gids.end() && *it == g && group->holds(static_cast<std::size_t>(it - gids.begin()), section, x))
            return true;
    }
    return false;
}

void ThreadDomain::sample(Step s, std::vector<TraceBuffer>& traces) const {
    for (const Probe& p : probes_)
        if (traces[p.trace].samples(s) && traces[p.trace].holds(s))
            traces[p.trace].set(s, p.column, groups_[p.group]->probe_value(p.id));
}

std::vector<Step> ThreadDomain::sample_stops(const Epoch& epoch, const std::vector<TraceBuffer>& traces,
                                             Step last_step) const {
    std::vector<Step> stops;
    if (!probes_.empty())
        for (Step s = epoch.begin + 1; s <= epoch.end && s < last_step; ++s)
            for (const auto& t : traces)
                if (t.samples(s)) {
                    stops.push_back(s);
                    break;
                }
    if (stops.empty() || stops.back() != epoch.end) stops.push_back(epoch.end);
    return stops;
}

void ThreadDomain::advance_by_step(std::int64_t index, const Epoch& epoch, std::vector<TraceBuffer>& traces,
                                   Step last_step) {
    queue_.take_epoch_steps(index, epoch.end, step_inputs_, step_offsets_);
    events_delivered_ += step_inputs_.size();
    // Each group's part of every step: its cells are a contiguous range of thread-local indices.
    const auto steps = static_cast<std::size_t>(epoch.end - epoch.begin);
    step_begins_.resize(groups_.size() * steps);
    step_ends_.resize(groups_.size() * steps);
    for (std::size_t k = 0; k < steps; ++k) {
        const auto first = step_inputs_.begin() + step_offsets_[k];
        auto from = first;
        for (std::size_t g = 0; g < groups_.size(); ++g) {
            const auto to = std::partition_point(from, step_inputs_.begin() + step_offsets_[k + 1],
                                                 [&](const StepInput& in) { return in.cell < group_first_[g + 1]; });
            step_begins_[g * steps + k] = static_cast<std::uint32_t>(from - step_inputs_.begin());
            step_ends_[g * steps + k] = static_cast<std::uint32_t>(to - step_inputs_.begin());
            from = to;
        }
    }
    Step begin = epoch.begin;
    for (Step stop : sample_stops(epoch, traces, last_step)) {
        const Epoch part{begin, stop, epoch.dt};
        const auto from = static_cast<std::size_t>(begin - epoch.begin);
        const auto count = static_cast<std::size_t>(stop - begin);
        for (std::size_t g = 0; g < groups_.size(); ++g) {
            const StepEvents events{step_inputs_, std::span<const std::uint32_t>(step_begins_).subspan(g * steps + from, count),
                                    std::span<const std::uint32_t>(step_ends_).subspan(g * steps + from, count),
                                    group_first_[g]};
            groups_[g]->advance_steps(part, events, spikes_);
        }
        if (stop < last_step) sample(stop, traces);
        begin = stop;
    }
}

void ThreadDomain::advance(std::int64_t index, const Epoch& epoch, std::vector<TraceBuffer>& traces, Step last_step) {
    spikes_.clear();
    if (by_step_) {
        advance_by_step(index, epoch, traces, last_step);
        return;
    }
    queue_.take_epoch(index, epoch.end, events_, offsets_);
    events_delivered_ += events_.size();

    // The steps where this thread samples: the parts the epoch is advanced in.
    const std::vector<Step> stops = sample_stops(epoch, traces, last_step);
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
