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
    const io::Plan plan = agreed_everywhere(comm, [&] {
        io::Plan p = io::read_plan(plan_file);
        io::check_plan(p, plan_file, fingerprint, recipe.cell_count(), static_cast<std::uint32_t>(comm.size()));
        return p;
    });
    out.decomposition = planned_decomposition(recipe, comm.rank(), threads, plan.rank_of_gid, plan.thread_of_gid,
                                              static_cast<int>(plan.threads));
    out.plan = {plan_file, plan.method, plan.predicted_load};
    return out;
}

}  // namespace parnet::run
