#pragma once
// SONATA spike files written by the ranks of a communicator together (parallel HDF5; with a
// communicator of one rank, a serial file: the rank-0 file, a per-rank part, a consolidated file):
//   /spikes/<population>/timestamps  float64, attribute units = "ms"
//   /spikes/<population>/node_ids    uint64, population-local ids (gid - first)
//   /spikes/<population> attribute `sorting`: HDF5 enum on uint8 {none=0, by_id=1, by_time=2}
// Layout details: docs/file-formats.md.
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "engine/types.hpp"
#include "io/hdf5_handle.hpp"
#include "io/output_file.hpp"
#include "io/sonata_layout.hpp"

namespace parnet::io {

class SonataSpikeWriter {
public:
    // Collective; every rank passes the same path and populations (checked). Populations must
    // have distinct valid names and must not overlap in gids. The file is written as
    // "<path>.part"; a file already at `path` is removed.
    SonataSpikeWriter(MPI_Comm comm, std::filesystem::path path, std::vector<SpikePopulation> pops,
                      OutputDriver driver = OutputDriver::mpio);
    SonataSpikeWriter(const SonataSpikeWriter&) = delete;
    SonataSpikeWriter& operator=(const SonataSpikeWriter&) = delete;
    // If finish() never ran: closes and removes the temporary file (collectively when every rank
    // does so; a rank that fails alone removes it and abandons the handle, see
    // OutputFile::discard_wait).
    ~SonataSpikeWriter();

    // Collective (ranks with no spikes still call it). Spikes in any order; a spike whose gid is
    // in no population is skipped. Each population's datasets grow by the spikes of all ranks,
    // rank 0's first; each rank's spikes keep their order.
    void append(std::span<const Spike> local_spikes);

    // Collective. With sort_by_time, every population is sorted by (time, node_id) by a parallel
    // sample sort and marked sorting = by_time, so the file's content is the same for any number
    // of ranks; otherwise it is marked sorting = none. Then the file gets its final name.
    void finish(bool sort_by_time);
    // Collective: marks every population sorting = by_time without sorting (the caller appended
    // in spike_record_order: consolidation's merge of sorted parts), then gives the final name.
    void finish_sorted();
    // Collective: what was appended goes to the file system now (OutputFile::flush).
    void flush() const { file_.flush(); }

    // Spikes written so far, summed over ranks and populations (the same on every rank).
    std::uint64_t spikes_written() const noexcept;
    // Entries of population p (index into the constructor's populations) so far.
    std::uint64_t population_size(std::size_t p) const { return data_.at(p).size; }
    // The open file, for what a caller adds beside the SONATA objects (a per-rank part's extras).
    hid_t file() const noexcept { return file_.file(); }
    const H5Errors& errors() const noexcept { return file_.errors(); }

private:
    struct PopulationData {
        H5Group group;
        H5Dataset timestamps;
        H5Dataset node_ids;
        std::uint64_t size = 0;   // entries in the file so far (the same on every rank)
    };

    void sort_population(PopulationData& data);
    void complete(SpikeSorting sorting);
    void close_objects() noexcept;

    OutputFile file_;
    SpikeRouter router_;
    std::vector<PopulationData> data_;
    // Per-append scratch, kept to avoid reallocating on every call.
    std::vector<std::vector<double>> times_;
    std::vector<std::vector<std::uint64_t>> node_ids_;
    bool finished_ = false;
};

}  // namespace parnet::io
