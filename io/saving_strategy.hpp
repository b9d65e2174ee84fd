#pragma once
// How spikes and traces reach the disk (docs/saving-data.md says when each applies):
//   collective: every rank writes its part of one file with parallel HDF5 (MPI-IO);
//   per_rank:   every rank writes its own serial HDF5 file in <output>/ranks/rank-<r>/, merged
//               after the run by the `consolidate` program (ranks on node-local disks);
//   rank0:      every append is gathered to rank 0, which writes a serial HDF5 file (small runs).
// All three give byte-for-byte the same datasets in the final SONATA file.
#include <string>
#include <string_view>

namespace parnet::io {

enum class SavingStrategy { collective, per_rank, rank0 };

// "collective", "per-rank" (or "per_rank"), "rank0"; anything else throws input_error listing
// the choices.
SavingStrategy parse_saving_strategy(std::string_view name);
// The name parse_saving_strategy reads back ("collective", "per-rank", "rank0").
std::string saving_strategy_name(SavingStrategy strategy);

}  // namespace parnet::io
