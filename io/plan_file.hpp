#pragma once
// Plan files: which rank and thread own each gid, for which model, made how,
// and the load each rank was predicted to carry. An HDF5 file written by one process (`plan`)
// and read by every rank of `engine`. Layout: docs/file-formats.md.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/split_layout.hpp"
#include "engine/types.hpp"

namespace parnet {
class Recipe;
}

namespace parnet::io {

struct Plan {
    std::uint64_t model_fingerprint = 0;
    std::uint32_t ranks = 1;
    std::uint32_t threads = 1;
    std::string method;
    std::vector<std::uint32_t> rank_of_gid;
    std::vector<std::uint16_t> thread_of_gid;
    std::vector<double> predicted_load;   // per rank, seconds of wall time per simulated second; 0 = not predicted
    // Cells cut into pieces (docs/split-solve.md): where each is cut and where each piece runs.
    // rank_of_gid of a split cell is the rank of its piece 0; thread_of_gid that piece's thread.
    SplitLayout splits;
};

// Writes under "<path>.part" and renames when complete. Throws input_error if the plan is not
// self-consistent (see check_plan) or the file cannot be written.
void write_plan(const std::filesystem::path& path, const Plan& plan);

// Reads a plan; any problem throws input_error naming the file, the dataset or attribute, and
// what was expected. Checks the file's structure only; check_plan checks it against a run.
Plan read_plan(const std::filesystem::path& path);

// One rank's share of a plan: what a rank of `engine` reads (never the whole assignment).
struct PlanPart {
    std::uint64_t model_fingerprint = 0;
    std::uint32_t ranks = 1;
    std::uint32_t threads = 1;
    std::string method;
    std::uint64_t cells = 0;                  // gids in the whole plan
    std::vector<Gid> gids;                    // this rank's, ascending
    std::vector<std::uint16_t> thread_of;     // thread of gids[i]
    std::vector<double> predicted_load;       // per rank
    SplitLayout splits;                       // every split cell (a few), as in Plan
};

// Reads rank `rank`'s part: from the rank-major datasets (/rank_offsets, /gids_by_rank,
// /threads_by_rank) a hyperslab of its own entries; from a plan without them (written by other
// tools), /rank_of_gid and /thread_of_gid in slices of a million gids, keeping only its own. The
// same checks and messages as read_plan for what the rank reads.
PlanPart read_plan_part(const std::filesystem::path& path, std::uint32_t rank);

// check_plan for a part.
void check_plan_part(const PlanPart& part, const std::filesystem::path& file, std::uint64_t fingerprint, Gid cells,
                     std::uint32_t ranks);

// gid g on rank g % ranks, thread (g / ranks) % threads; method "round-robin", loads 0.
Plan round_robin_plan(std::uint64_t fingerprint, Gid cells, std::uint32_t ranks, std::uint32_t threads);

// Refuses (input_error naming `file`) a plan made for another model, another rank count, another
// number of cells, or with a rank or thread index out of range.
void check_plan(const Plan& plan, const std::filesystem::path& file, std::uint64_t fingerprint, Gid cells,
                std::uint32_t ranks);

// Refuses (input_error naming `file` and the split cell) splits of cells that are not cable
// cells, and cuts outside a cell's nodes or out of order.
void check_plan_splits(const SplitLayout& splits, const std::filesystem::path& file, const Recipe& recipe);

}  // namespace parnet::io
