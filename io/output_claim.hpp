#pragma once
// An output folder belongs to one run at a time. At start-up the run claims it: rank 0 creates the
// folder, removes everything an earlier run left there (the files its marker names, this run's own
// file names, `ranks/` with per-rank parts, unfinished *.part files) and says plainly what it
// removed, then writes the marker <output>/parnet-run.json naming this run:
//   {"format": "parnet-run", "model": ..., "fingerprint": "<16 hex digits>", "runid": N,
//    "started": "2026-12-01T23:40:00Z", "ranks": N, "saving": "collective", "token": "<16 hex>",
//    "outputs": ["spikes.h5", "report.json", "soma_v.h5"]}
// The token ties the outputs to the run: per-rank parts and manifests carry it, `consolidate`
// refuses parts whose token is not the marker's, and a sink refuses to put its file in place when
// the marker no longer names its run (another run claimed the folder meanwhile), so the outputs of
// two runs never mix.
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace parnet::io {

inline constexpr const char* run_marker_name = "parnet-run.json";

struct RunClaim {
    std::string program;               // names the note on stderr ("engine", "parnet")
    std::string model;                 // the model file
    std::uint64_t fingerprint = 0;     // Model::fingerprint
    std::uint32_t runid = 0;
    std::string saving;                // saving_strategy_name
    std::vector<std::string> outputs;  // file names this run writes into the folder
    double bytes_needed = 0;           // at least this much must be free on the folder's disk (0: no check)
    std::string bytes_what;            // what those bytes are, for the message
};

// Collective over comm: claims `folder` for the run (see above) and returns the run's token on
// every rank. Throws input_error on every rank if the folder cannot be created or cleared, or its
// disk has less than claim.bytes_needed free.
std::string claim_output_folder(MPI_Comm comm, const std::filesystem::path& folder, const RunClaim& claim);

// Rank-local: the token in folder's marker; "" if there is no marker. Throws input_error naming
// the marker if it cannot be read.
std::string claimed_token(const std::filesystem::path& folder);

// Rank-local: throws input_error naming `file` unless folder's marker still holds `token` (an
// empty token: the folder was never claimed, nothing to check).
void check_still_claimed(const std::filesystem::path& folder, const std::string& token, const std::string& file);

}  // namespace parnet::io
