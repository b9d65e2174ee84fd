#pragma once
// Where the per_rank saving strategy puts its files and how a part proves it belongs to a run:
//   <output>/ranks/rank-<r>/<file>              rank r's part (serial HDF5, SONATA layout)
//   <output>/ranks/<file>.manifest.json         written by rank 0 once every part is complete
// Each part carries root attributes parnet_part_kind ("spikes" or "report"), parnet_part_rank,
// parnet_part_ranks and parnet_run_token (the same random token as the manifest), so
// consolidation refuses parts of another run or rank count.
#include <hdf5.h>
#include <mpi.h>

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "io/hdf5_handle.hpp"

namespace parnet::io {

inline constexpr std::string_view manifest_format = "parnet-per-rank-manifest";

std::filesystem::path ranks_folder(const std::filesystem::path& final_path);
std::filesystem::path part_path(const std::filesystem::path& ranks_dir, int rank, const std::string& file_name);
std::filesystem::path manifest_path(const std::filesystem::path& ranks_dir, const std::string& file_name);

// Collective: a token made by rank 0 (random and time), the same on every rank.
std::string agree_run_token(MPI_Comm comm);

void write_part_attributes(hid_t file, std::string_view kind, int rank, int ranks, const std::string& token,
                           const H5Errors& errors);

// Writes the manifest as "<path>.part" and renames it; throws input_error on failure.
void write_manifest(const std::filesystem::path& path, const nlohmann::json& manifest);

// Rank-local: removes an earlier run's final file and manifest so that neither passes for this
// run's output; throws input_error naming the file it cannot remove.
void remove_stale_outputs(const std::filesystem::path& final_path, const std::filesystem::path& manifest);

}  // namespace parnet::io
