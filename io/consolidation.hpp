#pragma once
// Merging the per-rank parts of the per_rank saving strategy (io/per_rank_parts.hpp) into the
// SONATA files the collective strategy would have written, byte-for-byte the same datasets.
// Runs in one process: the writers of the run itself on a communicator of one rank (serial HDF5);
// memory stays bounded (streamed in blocks):
//   spikes sorted by time: a k-way merge of the (sorted) parts;
//   spikes unsorted: append by append, rank 0's spikes first, as the collective writer does;
//   reports: blocks of rows, each part's columns put in their place.
// Every output is written as "<file>.part" and renamed on success.
#include <filesystem>
#include <vector>

namespace parnet::io {

// Merges the parts listed by one manifest (<ranks_dir>/<file>.manifest.json) into
// output_dir/<file>. Throws input_error naming the file if the manifest is unreadable or says
// the run did not finish, or a part is missing, incomplete (only "<part>.part" exists), of
// another run or rank count, or inconsistent, or if output_dir's run marker (io/output_claim.hpp)
// is missing or names another run than the manifest. Returns the path written.
std::filesystem::path consolidate_manifest(const std::filesystem::path& manifest,
                                           const std::filesystem::path& output_dir);

// Every manifest in ranks_dir (sorted by name); throws input_error if there is none.
std::vector<std::filesystem::path> consolidate_output(const std::filesystem::path& output_dir,
                                                      const std::filesystem::path& ranks_dir);

}  // namespace parnet::io
