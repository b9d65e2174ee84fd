#pragma once
// Checkpoint files (docs/checkpoints.md): the state of a run at an epoch boundary, keyed by gid,
// written by all ranks together with parallel HDF5 and read back by any number of ranks.
//   /            attributes: format, version, fingerprint, runid, dt, step, time, epoch_steps,
//                exchange, overlap, ranks, threads, model, output, cells, spikes_written, checksum
//   /cells/gids, /cells/sizes, /cells/words   gid, words of its state, the words (uint64)
//   /events/{target,source,connection,synapse,time,weight}   pending events
//   /in_flight/{source,time}                   spikes not yet turned into events
//   /traces      one uint64 attribute per trace recording: rows written through the checkpoint
// The checksum covers every dataset and the metadata; the file is written as <name>.part and
// renamed when complete, so an interrupted write leaves the previous checkpoint in place.
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/checkpoint_state.hpp"

namespace parnet::io {

struct CheckpointMetadata {
    std::uint64_t fingerprint = 0;
    std::uint32_t runid = 0;
    double dt = 0.0;
    Step step = 0;              // the epoch boundary (steps)
    double time = 0.0;          // ms: step * dt
    Step epoch_steps = 0;
    std::string exchange;       // the interrupted run's --exchange (any restores it)
    bool overlap = false;
    int ranks = 0, threads = 0; // the layout that wrote it (any restores it)
    std::string model;          // the model file
    std::string output;         // the output folder the run wrote to
    std::uint64_t cells = 0;    // gids in the file: the model's cell count
    std::uint64_t spikes_written = 0;                            // spike file entries through the checkpoint
    std::vector<std::pair<std::string, std::uint64_t>> traces;   // per trace: rows written through it
};

// The checkpoint file in a checkpoint folder.
std::filesystem::path checkpoint_file(const std::filesystem::path& folder);

// Collective: writes this rank's part (every rank passes the same metadata) into
// checkpoint_file(folder).part, then renames it over the previous checkpoint. Throws input_error
// on every rank if any failed.
void write_checkpoint(MPI_Comm comm, const std::filesystem::path& folder, const CheckpointMetadata& metadata,
                      const RankCheckpoint& state);

// Local: the metadata of the checkpoint in `folder`; input_error when there is none or it is not
// a readable checkpoint (truncated, another kind of file).
CheckpointMetadata read_checkpoint_metadata(const std::filesystem::path& folder);

// Refuses a checkpoint that does not belong to this model and run settings.
void check_checkpoint(const CheckpointMetadata& metadata, const std::filesystem::path& folder,
                      std::uint64_t fingerprint, std::uint32_t runid, double dt, std::uint64_t cells);

// Collective: verifies the checksum (each rank hashes a share of the file) and reads the states of
// `local_gids` (ascending), the events addressed to them and every in-flight spike. Throws
// input_error on every rank for a tampered or incomplete file.
RestoredState read_checkpoint_state(MPI_Comm comm, const std::filesystem::path& folder,
                                    const CheckpointMetadata& metadata, std::span<const Gid> local_gids);

}  // namespace parnet::io
