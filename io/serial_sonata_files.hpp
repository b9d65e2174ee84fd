#pragma once
// SONATA spike and report files written by ONE process with serial HDF5 (default driver, no
// MPI-IO), in exactly the layout of the collective writers (io/sonata_layout.hpp). Used by the
// rank-0 and per-rank saving strategies and by the consolidation of per-rank files.
//
// Like the collective files they are written as "<path>.part" and renamed on commit; a stale
// file at the final path is removed at creation; destroyed unfinished, the ".part" is removed.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5_handle.hpp"
#include "io/sonata_layout.hpp"

namespace parnet::io {

class SerialOutputFile {
public:
    explicit SerialOutputFile(std::filesystem::path final_path);
    SerialOutputFile(const SerialOutputFile&) = delete;
    SerialOutputFile& operator=(const SerialOutputFile&) = delete;
    ~SerialOutputFile();   // unfinished: closes and removes the ".part"

    hid_t file() const noexcept { return file_.get(); }
    const H5Errors& errors() const noexcept { return errors_; }
    const std::filesystem::path& final_path() const noexcept { return final_path_; }
    const std::filesystem::path& temporary_path() const noexcept { return temporary_path_; }
    // Closes the file (every object in it must be closed) and renames it into place.
    void commit();
    // Unfinished (perhaps because the disk is full): empties and unlinks the ".part" so that what
    // HDF5 still holds can be written out and its objects close (a failed close leaves them in
    // HDF5's tables, which then crash at MPI_Finalize). Never throws.
    void discard() noexcept;

private:
    std::filesystem::path final_path_;
    std::filesystem::path temporary_path_;
    H5Errors errors_;
    H5File file_;
};

class SerialSpikeFile {
public:
    SerialSpikeFile(std::filesystem::path final_path, const std::vector<SpikePopulation>& populations);
    ~SerialSpikeFile() { file_.discard(); }
    SerialSpikeFile(const SerialSpikeFile&) = delete;
    SerialSpikeFile& operator=(const SerialSpikeFile&) = delete;

    // Appends to population p (index into the constructor's populations).
    void append(std::size_t p, std::span<const double> times, std::span<const std::uint64_t> node_ids);
    std::uint64_t size(std::size_t p) const { return sizes_.at(p); }
    std::size_t populations() const noexcept { return objects_.size(); }
    // Sorts every population in place by spike_record_order (whole population in memory).
    void sort_by_time();
    // Writes `sorting` on every population, closes and renames the file into place.
    void finish(SpikeSorting sorting);

    hid_t file() const noexcept { return file_.file(); }
    const H5Errors& errors() const noexcept { return file_.errors(); }

private:
    SerialOutputFile file_;
    H5Group spikes_;
    std::vector<SpikePopulationObjects> objects_;
    std::vector<std::uint64_t> sizes_;
};

class SerialReportFile {
public:
    // `element_ids` in column order (mapping.total_elements of them).
    SerialReportFile(std::filesystem::path final_path, const std::string& population, const ReportMapping& mapping,
                     std::span<const std::uint32_t> element_ids, double tstart, double tstop, double dt,
                     const std::string& units);
    ~SerialReportFile() { file_.discard(); }
    SerialReportFile(const SerialReportFile&) = delete;
    SerialReportFile& operator=(const SerialReportFile&) = delete;

    // nrows full rows (nrows x columns values, time-major).
    void append_rows(std::span<const float> rows, std::uint64_t nrows);
    std::uint64_t rows_written() const noexcept { return rows_written_; }
    std::uint64_t columns() const noexcept { return columns_; }
    void finish();

    hid_t file() const noexcept { return file_.file(); }
    const H5Errors& errors() const noexcept { return file_.errors(); }

private:
    SerialOutputFile file_;
    H5Dataset data_;
    std::uint64_t columns_ = 0;
    std::uint64_t rows_written_ = 0;
};

// Whole-dataset and 1-D slice I/O on a serially opened file.
template <class T>
void write_whole(hid_t dataset, std::span<const T> values, const H5Errors& errors);
template <class T>
std::vector<T> read_whole(hid_t dataset, const H5Errors& errors);
template <class T>
void read_slice_serial(hid_t dataset, std::uint64_t offset, std::span<T> values, const H5Errors& errors);
template <class T>
void append_serial(hid_t dataset, std::uint64_t old_size, std::span<const T> values, const H5Errors& errors);

}  // namespace parnet::io
