#pragma once
// Spike and report output behind one interface, whatever the saving strategy
// (io/saving_strategy.hpp). There is one writer path, SonataSpikeWriter / SonataReportWriter over
// an OutputFile; a strategy only says which ranks write which file with it:
//   collective: every rank writes its slice of the final file (the writer over all ranks);
//   rank0:      appends are gathered to rank 0, which writes the final file alone;
//   per_rank:   every rank writes its own part, <output>/ranks/rank-<r>/<file>, alone, and rank 0
//               writes <output>/ranks/<file>.manifest.json when all parts are complete.
// Every sink keeps the writers' contract: construction, append and finish are collective over the
// communicator (ranks with nothing to write still call them), and an error on any rank is thrown on
// every rank with one message; the first append that writes data is flushed to the file system at
// once, so that a full disk or a quota ends the run there; finish renames the finished output into
// place; a sink destroyed without finish leaves no file that passes for complete. When the output
// folder is claimed for a run (io/output_claim.hpp), finish refuses to put a file in place if
// another run has claimed the folder since.
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
#include "io/sonata_layout.hpp"

namespace parnet::io {

class SpikeSink {
public:
    virtual ~SpikeSink() = default;
    // Collective; see SonataSpikeWriter::append.
    virtual void append(std::span<const Spike> local_spikes) = 0;
    // Collective; see SonataSpikeWriter::finish. For per_rank, the rank files and their manifest
    // are complete afterwards; `consolidate` makes the final file.
    virtual void finish(bool sort_by_time) = 0;
    // Collective: hands what was appended to the file system now (the first append that writes
    // data does it by itself).
    virtual void flush() = 0;
    // Spikes written so far, summed over ranks and populations (the same on every rank).
    virtual std::uint64_t spikes_written() const noexcept = 0;
};

class ReportSink {
public:
    virtual ~ReportSink() = default;
    // Collective; see SonataReportWriter::append.
    virtual void append(std::span<const float> rows, std::size_t nrows) = 0;
    virtual void append(std::span<const double> rows, std::size_t nrows) = 0;
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
                                             double tstop, double dt, std::string units,
                                             ReportValueType values = ReportValueType::float32);

}  // namespace parnet::io
