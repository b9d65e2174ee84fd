#pragma once
// Who owns which cell, as the front ends choose it: the cells to replay (one rank), a plan file
// (checked against the model's fingerprint, its cell count and the rank count), or NEURON's
// round-robin gid % ranks; within a rank, threads by the plan or by estimated cost.
#include "engine/communicator.hpp"
#include "engine/decomposition.hpp"
#include "engine/recipe.hpp"
#include "run/run_options.hpp"

#include <span>
#include <string>

namespace parnet::run {

struct ChosenDecomposition {
    Decomposition decomposition;
    PlanSource plan;  // file empty without a plan
};

// Collective: a plan that cannot be read or does not fit throws agreed_failure on every rank.
// `replayed`: the cells to replay, in any order, repeats ignored (then no plan).
ChosenDecomposition choose_decomposition(const Recipe& recipe, const Communicator& comm, int threads,
                                         const std::string& plan_file, std::uint64_t fingerprint,
                                         std::span<const Gid> replayed = {});

}  // namespace parnet::run
