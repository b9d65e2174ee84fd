#include "io/saving_strategy.hpp"

#include "engine/errors.hpp"

namespace parnet::io {

SavingStrategy parse_saving_strategy(std::string_view name) {
    if (name == "collective") return SavingStrategy::collective;
    if (name == "per-rank" || name == "per_rank") return SavingStrategy::per_rank;
    if (name == "rank0") return SavingStrategy::rank0;
    throw input_error("unknown saving strategy '" + std::string(name) +
                      "': expected one of collective, per-rank, rank0");
}

std::string saving_strategy_name(SavingStrategy strategy) {
    switch (strategy) {
        case SavingStrategy::collective: return "collective";
        case SavingStrategy::per_rank: return "per-rank";
        case SavingStrategy::rank0: return "rank0";
    }
    return "collective";
}

}  // namespace parnet::io
