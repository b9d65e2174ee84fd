#pragma once
// SONATA reports (traces) written by the ranks of a communicator together (parallel HDF5; with a
// communicator of one rank, a serial file: the rank-0 file, a per-rank part, a consolidated file):
//   /report/<population>/data                    float32 or float64 [time, element], attribute units
//   /report/<population>/mapping/node_ids        uint64 [nodes], ascending, attribute sorted = 1
//   /report/<population>/mapping/index_pointers  uint64 [nodes + 1]
//   /report/<population>/mapping/element_ids     uint32 [elements]
//   /report/<population>/mapping/time            float64 [start, stop, step], attribute units = "ms"
// Columns are in ascending node id whatever rank records which node, so the file is the same for
// any rank count. Layout details: docs/file-formats.md.
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5_handle.hpp"
#include "io/output_file.hpp"
#include "io/sonata_layout.hpp"

namespace parnet::io {

class SonataReportWriter {
public:
    // Collective; every rank passes the same path, population, times and units (checked), and
    // its own nodes (population-local ids, each recorded by one rank only, in any order), the
    // number of elements (values per row) of each node and their element ids concatenated in
    // node order. Ranks that record nothing pass empty spans.
    SonataReportWriter(MPI_Comm comm, std::filesystem::path path, std::string population,
                       std::span<const std::uint64_t> local_node_ids,
                       std::span<const std::uint32_t> local_element_counts,
                       std::span<const std::uint32_t> local_element_ids, double tstart, double tstop, double dt,
                       std::string units, ReportValueType values = ReportValueType::float32,
                       OutputDriver driver = OutputDriver::mpio);
    SonataReportWriter(const SonataReportWriter&) = delete;
    SonataReportWriter& operator=(const SonataReportWriter&) = delete;
    // If finish() never ran: closes and removes the temporary file (see SonataSpikeWriter).
    ~SonataReportWriter();

    // Collective. `rows` holds nrows time rows, time-major; each row is this rank's values in the
    // order of its constructor arguments (node by node, elements in element id order). Every rank
    // that records something passes the same nrows; ranks that record nothing pass an empty span
    // and either 0 or that nrows. Values are stored as the report's value type (doubles rounded
    // to nearest for float32).
    void append(std::span<const float> rows, std::size_t nrows) { append_values(rows, nrows); }
    void append(std::span<const double> rows, std::size_t nrows) { append_values(rows, nrows); }

    // Collective: checks that all expected_rows() were written, then gives the file its final
    // name. A report that ended early throws and leaves no file.
    void finish();
    // Collective: what was appended goes to the file system now (OutputFile::flush).
    void flush() const { file_.flush(); }

    // Rows of [tstart, tstop) at step dt: ceil((tstop - tstart) / dt) by division (engine/step_count.hpp),
    // so the simulation's sample count and the file agree for any run length. (libsonata counts by
    // adding dt up, which agrees for runs of fewer than about 1e5 rows.)
    static std::uint64_t rows_for(double tstart, double tstop, double dt);

    std::uint64_t expected_rows() const noexcept { return expected_rows_; }
    std::uint64_t rows_written() const noexcept { return rows_written_; }
    std::uint64_t total_elements() const noexcept { return total_elements_; }
    // The open file, for what a caller adds beside the SONATA objects (a per-rank part's extras).
    hid_t file() const noexcept { return file_.file(); }
    const H5Errors& errors() const noexcept { return file_.errors(); }

private:
    void build_mapping(std::span<const std::uint64_t> node_ids, std::span<const std::uint32_t> element_counts,
                       std::span<const std::uint32_t> element_ids, double tstart, double tstop, double dt,
                       const std::string& population, const std::string& units, ReportValueType values);
    template <class T>
    void append_values(std::span<const T> rows, std::size_t nrows);
    // Collective: redistributes nrows rows of this rank's values (caller's order) so that each
    // rank returns the nrows x block_columns_ block of its own contiguous column range.
    template <class T>
    std::vector<T> to_column_block(std::span<const T> rows, std::size_t nrows, MPI_Datatype type) const;
    void close_objects() noexcept;

    OutputFile file_;
    H5Dataset data_;
    // Rank r writes the contiguous columns [block_begin_, block_begin_ + block_columns_), so each
    // write is one plain hyperslab; values reach it by one MPI_Alltoallv per append.
    hsize_t block_begin_ = 0;
    hsize_t block_columns_ = 0;
    std::vector<std::uint32_t> send_order_;        // value index within a row, for this rank's columns in ascending order
    std::vector<int> send_columns_;                // per rank: how many of those columns fall in its block
    std::vector<std::uint32_t> receive_columns_;   // per source rank in turn: block-relative columns, in sending order
    std::vector<int> receive_column_counts_;       // per source rank
    std::size_t local_elements_ = 0;
    std::uint64_t total_elements_ = 0;
    std::uint64_t expected_rows_ = 0;
    std::uint64_t rows_written_ = 0;
    bool finished_ = false;
};

}  // namespace parnet::io
