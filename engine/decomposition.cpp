#include "decomposition.hpp"

#include "cost_estimate.hpp"

#include <algorithm>
#include <numeric>
#include <queue>

namespace parnet {

std::size_t Decomposition::cell_count() const {
    std::size_t n = 0;
    for (const auto& t : thread_gids) n += t.size();
    return n;
}

std::vector<Gid> Decomposition::gids() const {
    std::vector<Gid> all;
    for (const auto& t : thread_gids) all.insert(all.end(), t.begin(), t.end());
    std::sort(all.begin(), all.end());
    return all;
}

std::vector<std::vector<Gid>> split_by_cost(const Recipe& recipe, std::span<const Gid> gids, int threads) {
    std::vector<std::vector<Gid>> out(static_cast<std::size_t>(threads));
    std::vector<std::pair<double, Gid>> costs;
    costs.reserve(gids.size());
    for (Gid g : gids) costs.emplace_back(estimated_cost(recipe, g), g);
    // Heaviest first; ties by gid so the split is the same on every run.
    std::sort(costs.begin(), costs.end(), [](const auto& a, const auto& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    using Load = std::pair<double, int>;  // (load, thread): least loaded, lowest index first
    std::priority_queue<Load, std::vector<Load>, std::greater<>> loads;
    for (int t = 0; t < threads; ++t) loads.emplace(0.0, t);
    for (const auto& [cost, g] : costs) {
        auto [load, t] = loads.top();
        loads.pop();
        out[static_cast<std::size_t>(t)].push_back(g);
        loads.emplace(load + cost, t);
    }
    for (auto& v : out) std::sort(v.begin(), v.end());
    return out;
}

Decomposition round_robin_decomposition(const Recipe& recipe, int rank, int nranks, int threads) {
    std::vector<Gid> mine;
    for (Gid g = static_cast<Gid>(rank); g < recipe.cell_count(); g += static_cast<Gid>(nranks)) mine.push_back(g);
    return Decomposition{split_by_cost(recipe, mine, threads)};
}

Decomposition planned_decomposition(const Recipe& recipe, int rank, int threads,
                                    std::span<const std::uint32_t> rank_of_gid,
                                    std::span<const std::uint16_t> thread_of_gid, int plan_threads,
                                    std::shared_ptr<const SplitLayout> splits) {
    std::vector<Gid> mine;
    std::vector<std::uint16_t> thread_of;
    for (Gid g = 0; g < rank_of_gid.size(); ++g)
        if (rank_of_gid[g] == static_cast<std::uint32_t>(rank)) {
            mine.push_back(g);
            if (g < thread_of_gid.size()) thread_of.push_back(thread_of_gid[g]);
        }
    return planned_decomposition(recipe, threads, mine,
                                 thread_of_gid.size() == rank_of_gid.size() ? std::span<const std::uint16_t>(thread_of)
                                                                            : std::span<const std::uint16_t>{},
                                 plan_threads, std::move(splits));
}

Decomposition planned_decomposition(const Recipe& recipe, int threads, std::span<const Gid> gids,
                                    std::span<const std::uint16_t> thread_of, int plan_threads,
                                    std::shared_ptr<const SplitLayout> splits) {
    if (splits && splits->empty()) splits = nullptr;
    const bool planned_threads = plan_threads == threads && thread_of.size() == gids.size();
    std::vector<Gid> whole;  // split cells are placed piece by piece
    std::vector<std::uint16_t> whole_thread;
    for (std::size_t i = 0; i < gids.size(); ++i)
        if (!(splits && splits->find(gids[i]))) {
            whole.push_back(gids[i]);
            if (planned_threads) whole_thread.push_back(thread_of[i]);
        }
    if (!planned_threads) return Decomposition{split_by_cost(recipe, whole, threads), splits};
    Decomposition d;
    d.splits = splits;
    d.thread_gids.resize(static_cast<std::size_t>(threads));
    for (std::size_t i = 0; i < whole.size(); ++i)
        d.thread_gids[std::min<std::size_t>(whole_thread[i], threads - 1)].push_back(whole[i]);
    return d;
}

}  // namespace parnet
