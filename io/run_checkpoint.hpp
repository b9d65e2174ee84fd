#pragma once
// A run's checkpoints and restores as the engine program uses them (docs/checkpoints.md): the
// checkpoint of a simulation with the outputs it agrees with, a restore with its refusals, and
// the outputs of an interrupted run carried into the restored run's files.
#include "engine/communicator.hpp"
#include "engine/recipe.hpp"
#include "engine/simulation.hpp"
#include "io/checkpoint_file.hpp"
#include "io/output_sinks.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace parnet::io {

// A trace output of the run: its file, its Simulation::traces() index and its sink.
struct TraceSinkRef {
    std::filesystem::path file;
    std::size_t trace = 0;
    ReportSink* sink = nullptr;
};

struct CheckpointWritten {
    double seconds = 0.0;        // the slowest rank's, from collecting the state to the rename
    std::uint64_t bytes = 0;     // the file's size
    std::uint64_t words = 0, events = 0, in_flight = 0;
};

// Collective, from the epoch callback once the epoch's outputs are appended: writes the
// simulation's state at the end of `epoch`, with the spike and trace counts written so far.
CheckpointWritten save_run_checkpoint(const Communicator& comm, const std::filesystem::path& folder, const Recipe& recipe,
                                      std::uint64_t fingerprint, const std::filesystem::path& output, const Simulation& sim, int threads, const Epoch& epoch, const SpikeSink& spikes,
                                      std::span<const TraceSinkRef> traces);

// Collective (each rank may throw the same input_error): reads the checkpoint of `folder`,
// refuses one of another model, runid or dt, or one whose outputs do not match the model's
// recordings, and restores `sim` (after agree_epoch) from it. `local`: this rank's gids, ascending.
CheckpointMetadata restore_run(const Communicator& comm, const std::filesystem::path& folder, const Recipe& recipe,
                               std::uint64_t fingerprint, Simulation& sim, std::span<const Gid> local);

// The interrupted run's outputs beside the restored run's: <name>.interrupted.
std::filesystem::path interrupted_name(const std::filesystem::path& output);

// Where the interrupted run's output of the same name as `file` is: <name>.interrupted in the
// checkpoint's output folder, or <name> there (a run that ended at its checkpoint).
std::filesystem::path interrupted_output(const CheckpointMetadata& checkpoint, const std::filesystem::path& file);

// Rank 0, before the restored run opens its outputs: the interrupted run's spike and trace files
// must be there and hold what the checkpoint says was written (throws input_error naming the
// file). When the restored run writes into the same folder, they are renamed <name>.interrupted
// (the restored run's complete files take their names); into another folder, they are only read.
void set_aside_outputs(const std::filesystem::path& spike_file, std::span<const std::filesystem::path> trace_files,
                       const CheckpointMetadata& checkpoint, const Recipe& recipe);

// Collective: appends the interrupted run's spikes and rows to the restored run's sinks, and makes
// the simulation's traces start after them. Returns the carried spikes per model population
// (rank 0; zeros elsewhere).
std::vector<std::uint64_t> carry_over_outputs(const Communicator& comm, const CheckpointMetadata& checkpoint,
                                              const Recipe& recipe,
                                              const std::filesystem::path& spike_file, SpikeSink& spikes,
                                              std::span<const TraceSinkRef> traces, Simulation& sim);

// Rank 0, after the restored run finished its outputs into the interrupted run's folder: removes
// the .interrupted files there.
void remove_interrupted(const CheckpointMetadata& checkpoint, const std::filesystem::path& spike_file,
                        std::span<const TraceSinkRef> traces);

// Collective, for a run stopped at a checkpoint: finishes the spike file, pads every report with
// NaN rows to its time range and finishes it, then renames them all <name>.interrupted, so that
// none passes for a complete output and the restore finds them.
void finish_interrupted_outputs(const Communicator& comm, const std::filesystem::path& spike_file, SpikeSink& spikes,
                                bool sort_by_time, std::span<const TraceSinkRef> traces, const Simulation& sim);

}  // namespace parnet::io
