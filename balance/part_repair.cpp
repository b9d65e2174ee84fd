#include "balance/part_repair.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <numeric>
#include <set>
#include <vector>

namespace parnet::balance {

namespace {

using Member = std::pair<double, std::uint32_t>;  // (cost, vertex)

// Parts with their members ordered by cost and parts ordered by load, for cheap moves.
class Parts {
public:
    Parts(std::span<std::uint32_t> part, std::span<const double> cost, std::uint32_t parts)
        : part_(part), members_(parts), load_(parts, 0.0) {
        for (std::uint32_t v = 0; v < part.size(); ++v) {
            members_[part[v]].emplace(cost[v], v);
            load_[part[v]] += cost[v];
        }
        for (std::uint32_t p = 0; p < parts; ++p) by_load_.emplace(load_[p], p);
    }

    std::uint32_t count() const { return static_cast<std::uint32_t>(members_.size()); }
    std::set<Member>& members(std::uint32_t p) { return members_[p]; }
    double load(std::uint32_t p) const { return load_[p]; }
    std::pair<double, std::uint32_t> lightest() const { return *by_load_.begin(); }
    std::pair<double, std::uint32_t> heaviest() const { return *by_load_.rbegin(); }
    const std::set<std::pair<double, std::uint32_t>>& by_load() const { return by_load_; }

    void remove(std::uint32_t p, const Member& m) {
        by_load_.erase({load_[p], p});
        members_[p].erase(m);
        load_[p] -= m.first;
        by_load_.emplace(load_[p], p);
    }
    void add(std::uint32_t p, const Member& m) {
        by_load_.erase({load_[p], p});
        members_[p].insert(m);
        load_[p] += m.first;
        by_load_.emplace(load_[p], p);
        if (part_[m.second] != p) ++moves;
        part_[m.second] = p;
    }

    std::uint32_t moves = 0;

private:
    std::span<std::uint32_t> part_;
    std::vector<std::set<Member>> members_;
    std::vector<double> load_;
    std::set<std::pair<double, std::uint32_t>> by_load_;  // (load, part)
};

// The member whose cost is nearest to `target` and below `limit`, or end().
std::set<Member>::iterator nearest_below(std::set<Member>& members, double target, double limit) {
    auto best = members.end();
    auto consider = [&](std::set<Member>::iterator it) {
        if (it == members.end() || !(it->first < limit)) return;
        if (best == members.end() || std::abs(it->first - target) < std::abs(best->first - target)) best = it;
    };
    // Nothing at or above `limit` qualifies, so search from below it.
    auto it = members.lower_bound(Member{std::min(target, limit), 0});
    consider(it);
    if (it != members.begin()) consider(std::prev(it));
    return best;
}

// Every empty part gets a vertex from the most loaded part that has more than one; returns how
// many parts could not be filled (fewer vertices than parts).
std::uint32_t fill_empty_parts(Parts& s) {
    std::uint32_t left = 0;
    for (std::uint32_t p = 0; p < s.count(); ++p) {
        if (!s.members(p).empty()) continue;
        std::uint32_t donor = s.count();
        for (auto it = s.by_load().rbegin(); it != s.by_load().rend(); ++it)
            if (s.members(it->second).size() > 1) {
                donor = it->second;
                break;
            }
        if (donor == s.count()) {
            ++left;
            continue;
        }
        auto it = nearest_below(s.members(donor), s.load(donor) / 2, s.load(donor) + 1.0);
        if (it == s.members(donor).end()) it = s.members(donor).begin();
        const Member m = *it;
        s.remove(donor, m);
        s.add(p, m);
    }
    return left;
}

// Places vertices, heaviest first, on the least loaded part (LPT).
void place_lpt(Parts& s, std::vector<Member> vertices) {
    std::sort(vertices.begin(), vertices.end(), std::greater<>());
    for (const Member& m : vertices) s.add(s.lightest().second, m);
}

// The most loaded part gives the least loaded one the vertex (costing less than max_cost) that
// best evens them, while that lowers the maximum and the maximum is above `ceiling`.
void even_out(Parts& s, double ceiling, std::uint64_t max_moves,
              double max_cost = std::numeric_limits<double>::infinity()) {
    for (std::uint64_t k = 0; k < max_moves; ++k) {
        const auto [high_load, high] = s.heaviest();
        const auto [low_load, low] = s.lightest();
        if (high_load <= ceiling || s.members(high).size() < 2) break;
        const double gap = high_load - low_load;
        auto it = nearest_below(s.members(high), gap / 2, std::min(gap, max_cost));
        if (it == s.members(high).end() || !(it->first > 0)) break;
        const Member m = *it;
        s.remove(high, m);
        s.add(low, m);
    }
}

// Strategy 1, which keeps most of the partition: overloaded parts keep, heaviest first, what fits
// under the mean; the rest is placed again by LPT; then pairwise evening out.
void shed_and_refill(Parts& s, double mean, double ceiling, std::uint64_t max_moves) {
    std::vector<Member> displaced;
    for (std::uint32_t p = 0; p < s.count(); ++p) {
        if (s.load(p) <= ceiling) continue;
        double kept = 0.0;
        std::vector<Member> leave;
        for (auto it = s.members(p).rbegin(); it != s.members(p).rend(); ++it) {
            if (kept == 0.0 || kept + it->first <= mean) kept += it->first;
            else leave.push_back(*it);
        }
        for (const Member& m : leave) s.remove(p, m);
        displaced.insert(displaced.end(), leave.begin(), leave.end());
    }
    place_lpt(s, std::move(displaced));
    even_out(s, ceiling, max_moves);
}

// Strategy 2, for cells too coarse for pairwise moves (a sizeable share of a part each): heavy
// vertices are dealt out so that every part carries an even share of them (a heavy vertex stays
// in its part when that part's heavy share is among the smallest), then light vertices even out
// the total.
void heavy_first(Parts& s, double heavy, double ceiling, std::uint64_t max_moves) {
    std::vector<std::pair<Member, std::uint32_t>> taken;  // (vertex, its part)
    for (std::uint32_t p = 0; p < s.count(); ++p) {
        std::vector<Member> out(s.members(p).lower_bound(Member{heavy, 0}), s.members(p).end());
        for (const Member& m : out) {
            s.remove(p, m);
            taken.emplace_back(m, p);
        }
    }
    std::sort(taken.begin(), taken.end(), std::greater<>());
    std::vector<double> heavy_load(s.count(), 0.0);
    std::set<std::pair<double, std::uint32_t>> by_heavy;
    for (std::uint32_t p = 0; p < s.count(); ++p) by_heavy.emplace(0.0, p);
    for (const auto& [m, from] : taken) {
        const std::uint32_t to = heavy_load[from] <= by_heavy.begin()->first ? from : by_heavy.begin()->second;
        by_heavy.erase({heavy_load[to], to});
        heavy_load[to] += m.first;
        by_heavy.emplace(heavy_load[to], to);
        s.add(to, m);
    }
    even_out(s, ceiling, max_moves, heavy);  // light vertices only: the heavy share stays even
}

double max_load(std::span<const std::uint32_t> part, std::span<const double> cost, std::uint32_t parts) {
    std::vector<double> load(parts, 0.0);
    for (std::size_t v = 0; v < part.size(); ++v) load[part[v]] += cost[v];
    return *std::max_element(load.begin(), load.end());
}

}  // namespace

RepairReport repair_partition(std::span<std::uint32_t> part, std::span<const double> cost, std::uint32_t parts,
                              double tolerance) {
    RepairReport report;
    if (parts <= 1) return report;
    const std::vector<std::uint32_t> given(part.begin(), part.end());
    for (std::uint32_t p = 0; p < parts; ++p)
        report.empty_parts_found += std::none_of(part.begin(), part.end(), [p](std::uint32_t q) { return q == p; });
    const double mean = std::accumulate(cost.begin(), cost.end(), 0.0) / parts;
    const double ceiling = (1.0 + tolerance) * mean;
    const std::uint64_t max_moves = part.size() + 4ull * parts;

    Parts first(part, cost, parts);
    report.empty_parts_left = fill_empty_parts(first);
    shed_and_refill(first, mean, ceiling, max_moves);
    report.moves = first.moves;
    const double first_max = max_load(part, cost, parts);
    if (first_max <= ceiling) return report;

    std::vector<std::uint32_t> second_part = given;
    Parts second(second_part, cost, parts);
    heavy_first(second, 0.1 * mean, ceiling, max_moves);
    const std::uint32_t left = fill_empty_parts(second);
    if (max_load(second_part, cost, parts) < first_max && left <= report.empty_parts_left) {
        std::copy(second_part.begin(), second_part.end(), part.begin());
        report.moves = second.moves;
        report.empty_parts_left = left;
    }
    return report;
}

}  // namespace parnet::balance
