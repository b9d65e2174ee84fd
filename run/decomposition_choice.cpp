#include "run/decomposition_choice.hpp"

#include "engine/collective_errors.hpp"
#include "io/plan_file.hpp"

#include <algorithm>
#include <vector>

namespace parnet::run {

ChosenDecomposition choose_decomposition(const Recipe& recipe, const Communicator& comm, int threads,
                                         const std::string& plan_file, std::uint64_t fingerprint,
                                         std::span<const Gid> replayed) {
    ChosenDecomposition out;
    if (!replayed.empty()) {
        std::vector<Gid> cells(replayed.begin(), replayed.end());
        std::sort(cells.begin(), cells.end());
        cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
        out.decomposition = Decomposition{split_by_cost(recipe, cells, threads)};
        return out;
    }
    if (plan_file.empty()) {
        out.decomposition = round_robin_decomposition(recipe, comm.rank(), comm.size(), threads);
        return out;
    }
    const io::PlanPart plan = agreed_everywhere(comm, [&] {  // this rank's part only
        io::PlanPart p = io::read_plan_part(plan_file, static_cast<std::uint32_t>(comm.rank()));
        io::check_plan_part(p, plan_file, fingerprint, recipe.cell_count(), static_cast<std::uint32_t>(comm.size()));
        io::check_plan_splits(p.splits, plan_file, recipe);
        return p;
    });
    out.decomposition = planned_decomposition(
        recipe, threads, plan.gids, plan.thread_of, static_cast<int>(plan.threads),
        plan.splits.empty() ? nullptr : std::make_shared<const SplitLayout>(plan.splits));
    out.plan = {plan_file, plan.method, plan.predicted_load, plan.splits.cells.size(), 0};
    for (const auto& c : plan.splits.cells) out.plan.split_pieces += c.split.piece_count();
    return out;
}

}  // namespace parnet::run
