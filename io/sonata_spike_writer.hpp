#pragma once
// SONATA spike files written by all ranks together with parallel HDF5:
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
#include "io/collective_output_file.hpp"
#include "io/hdf5_handle.hpp"

namespace parnet::io {

// A node population in the spike file: gids first .. first + count - 1, node_id = gid - first.
struct SpikePopulation {
    std::string name;
    Gid first = 0;
    Gid count = 0;
};

class SonataSpikeWriter {
public:
    // Collective; every rank passes the same path and populations (checked). Populations must
    // have distinct valid names and must not overlap in gids. The file is written as
    // "<path>.part"; a file already at `path` is removed.
    SonataSpikeWriter(MPI_Comm comm, std::filesystem::path path, std::vector<SpikePopulation> pops);
    SonataSpikeWriter(const SonataSpikeWriter&) = delete;
    SonataSpikeWriter& operator=(const SonataSpikeWriter&) = delete;
    // If finish() never ran: closes and removes the temporary file (collectively when every rank
    // does so; a rank that fails alone removes it and abandons the handle, see
    // CollectiveOutputFile::discard_wait).
    ~SonataSpikeWriter();

    // Collective (ranks with no spikes still call it). Spikes in any order; a spike whose gid is
    // in no population is skipped. Each population's datasets grow by the spikes of all ranks,
    // rank 0's first; each rank's spikes keep their order.
    void append(std::span<const Spike> local_spikes);

    // Collective. With sort_by_time, every population is sorted by (time, node_id) by a parallel
    // sample sort and marked sorting = by_time, so the file's content is the same for any number
    // of ranks; otherwise it is marked sorting = none. Then the file gets its final name.
    void finish(bool sort_by_time);
    // Collective: what was appended goes to the file system now (CollectiveOutputFile::flush).
    void flush() const { file_.flush(); }

    // Spikes written so far, summed over ranks and populations (the same on every rank).
    std::uint64_t spikes_written() const noexcept;

private:
    struct PopulationData {
        H5Group group;
        H5Dataset timestamps;
        H5Dataset node_ids;
        std::uint64_t size = 0;   // entries in the file so far (the same on every rank)
    };

    void create_population(const SpikePopulation& population, hid_t spikes_group);
    void sort_population(PopulationData& data);
    void write_block(PopulationData& data, std::uint64_t offset, const std::vector<double>& times,
                     const std::vector<std::uint64_t>& node_ids);
    void close_objects() noexcept;

    CollectiveOutputFile file_;
    std::vector<SpikePopulation> populations_;
    std::vector<std::size_t> population_order_;   // indices of populations_ by ascending first gid
    std::vector<PopulationData> data_;
    // Per-append scratch, kept to avoid reallocating on every call.
    std::vector<std::vector<double>> times_;
    std::vector<std::vector<std::uint64_t>> node_ids_;
    bool finished_ = false;
};

}  // namespace parnet::io
