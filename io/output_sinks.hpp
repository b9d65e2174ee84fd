#pragma once
// Spike and report output behind one interface, whatever the saving strategy
// (io/saving_strategy.hpp). Every sink keeps the contract of the collective writers
// (SonataSpikeWriter, SonataReportWriter): construction, append and finish are collective over
// the communicator (ranks with nothing to write still call them); finish renames the finished
// output into place; a sink destroyed without finish leaves no file that passes for complete.
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/types.hpp"
#include "io/saving_strategy.hpp"
#include "io/sonata_spike_writer.hpp"

namespace parnet::io {

class SpikeSink {
public:
    virtual ~SpikeSink() = default;
    // Collective; see SonataSpikeWriter::append.
    virtual void append(std::span<const Spike> local_spikes) = 0;
    // Collective; see SonataSpikeWriter::finish. For per_rank, the rank files and their manifest
    // are complete afterwards; `consolidate` makes the final file.
    virtual void finish(bool sort_by_time) = 0;
    // Collective: hands what was appended to the file system, so that a full disk or a quota is
    // noticed at the first write (the engine flushes after its first write), not at the end.
    virtual void flush() = 0;
    // Spikes written so far, summed over ranks and populations (the same on every rank).
    virtual std::uint64_t spikes_written() const noexcept = 0;
};

class ReportSink {
public:
    virtual ~ReportSink() = default;
    // Collective; see SonataReportWriter::append.
    virtual void append(std::span<const float> rows, std::size_t nrows) = 0;
    // Collective; see SonataReportWriter::finish.
    virtual void finish() = 0;
    // Collective; see SpikeSink::flush.
    virtual void flush() = 0;
    virtual std::uint64_t expected_rows() const noexcept = 0;
    virtual std::uint64_t rows_written() const noexcept = 0;
    virtual std::uint64_t total_elements() const noexcept = 0;
};

// Collective. `final_path` is where the SONATA file ends up (<output>/spikes.h5); per_rank
// writes <output>/ranks/rank-<r>/spikes.h5 and <output>/ranks/spikes.h5.manifest.json instead.
std::unique_ptr<SpikeSink> make_spike_sink(SavingStrategy strategy, MPI_Comm comm, std::filesystem::path final_path,
                                           std::vector<SpikePopulation> populations);

// Collective; arguments as SonataReportWriter's.
std::unique_ptr<ReportSink> make_report_sink(SavingStrategy strategy, MPI_Comm comm, std::filesystem::path final_path,
                                             std::string population, std::span<const std::uint64_t> local_node_ids,
                                             std::span<const std::uint32_t> local_element_counts,
                                             std::span<const std::uint32_t> local_element_ids, double tstart,
                                             double tstop, double dt, std::string units);

}  // namespace parnet::io
