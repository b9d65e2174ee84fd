#include "io/serial_sonata_files.hpp"

#include <algorithm>
#include <system_error>

#include "io/hdf5_attributes.hpp"

namespace parnet::io {

template <class T>
void write_whole(hid_t dataset, std::span<const T> values, const H5Errors& errors) {
    if (values.empty()) return;
    errors.status(H5Dwrite(dataset, H5TypeOf<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                  "write a dataset");
}

template <class T>
std::vector<T> read_whole(hid_t dataset, const H5Errors& errors) {
    H5Dataspace space(errors.id(H5Dget_space(dataset), "get a dataset's dataspace"));
    const hssize_t points = H5Sget_simple_extent_npoints(space.get());
    if (points < 0) errors.fail("count a dataset's values");
    std::vector<T> values(static_cast<std::size_t>(points));
    if (!values.empty()) {
        errors.status(H5Dread(dataset, H5TypeOf<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                      "read a dataset");
    }
    return values;
}

template <class T>
void read_slice_serial(hid_t dataset, std::uint64_t offset, std::span<T> values, const H5Errors& errors) {
    if (values.empty()) return;
    H5Dataspace file_space(errors.id(H5Dget_space(dataset), "get a dataset's dataspace"));
    const hsize_t start = offset;
    const hsize_t count = values.size();
    H5Dataspace memory_space(errors.id(H5Screate_simple(1, &count, nullptr), "create a dataspace"));
    errors.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
                  "select part of a dataset");
    errors.status(H5Dread(dataset, H5TypeOf<T>::memory(), memory_space.get(), file_space.get(), H5P_DEFAULT,
                          values.data()),
                  "read a dataset");
}

template <class T>
void append_serial(hid_t dataset, std::uint64_t old_size, std::span<const T> values, const H5Errors& errors) {
    if (values.empty()) return;
    const hsize_t new_size = old_size + values.size();
    errors.status(H5Dset_extent(dataset, &new_size), "extend a dataset");
    H5Dataspace file_space(errors.id(H5Dget_space(dataset), "get a dataset's dataspace"));
    const hsize_t start = old_size;
    const hsize_t count = values.size();
    H5Dataspace memory_space(errors.id(H5Screate_simple(1, &count, nullptr), "create a dataspace"));
    errors.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
                  "select the end of a dataset");
    errors.status(H5Dwrite(dataset, H5TypeOf<T>::memory(), memory_space.get(), file_space.get(), H5P_DEFAULT,
                           values.data()),
                  "write a dataset");
}

template void write_whole<std::uint64_t>(hid_t, std::span<const std::uint64_t>, const H5Errors&);
template void write_whole<std::uint32_t>(hid_t, std::span<const std::uint32_t>, const H5Errors&);
template void write_whole<double>(hid_t, std::span<const double>, const H5Errors&);
template std::vector<std::uint64_t> read_whole<std::uint64_t>(hid_t, const H5Errors&);
template std::vector<std::uint32_t> read_whole<std::uint32_t>(hid_t, const H5Errors&);
template std::vector<double> read_whole<double>(hid_t, const H5Errors&);
template void read_slice_serial<double>(hid_t, std::uint64_t, std::span<double>, const H5Errors&);
template void read_slice_serial<std::uint64_t>(hid_t, std::uint64_t, std::span<std::uint64_t>, const H5Errors&);
template void append_serial<double>(hid_t, std::uint64_t, std::span<const double>, const H5Errors&);
template void append_serial<std::uint64_t>(hid_t, std::uint64_t, std::span<const std::uint64_t>, const H5Errors&);

// ---- SerialOutputFile ---------------------------------------------------------------------

SerialOutputFile::SerialOutputFile(std::filesystem::path final_path)
    : final_path_(std::move(final_path)),
      temporary_path_(final_path_.string() + ".part"),
      errors_(final_path_.string()) {
    H5QuietErrors quiet;
    // A file left by an earlier run must not pass for this run's output if this run fails.
    std::error_code error;
    std::filesystem::remove(final_path_, error);
    if (error) throw input_error(final_path_.string() + ": cannot remove the earlier file: " + error.message());
    file_ = H5File(H5Fcreate(temporary_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    if (!file_) errors_.fail("create the file (written as " + temporary_path_.string() + " until complete)");
}

SerialOutputFile::~SerialOutputFile() {
    if (!file_) return;
    H5QuietErrors quiet;
    discard();
    file_.close();
}

void SerialOutputFile::discard() noexcept {
    if (!file_) return;
    std::error_code ignored;
    std::filesystem::resize_file(temporary_path_, 0, ignored);
    std::filesystem::remove(temporary_path_, ignored);
}

void SerialOutputFile::commit() {
    H5QuietErrors quiet;
    const herr_t closed = file_.close();
    std::error_code error;
    if (closed < 0) {
        const std::string detail = take_hdf5_error_detail();
        std::filesystem::remove(temporary_path_, error);
        throw input_error(final_path_.string() + ": cannot close the file (data may not have reached the disk)" +
                          (detail.empty() ? "" : " (HDF5: " + detail + ")"));
    }
    std::filesystem::rename(temporary_path_, final_path_, error);
    if (error) {
        const std::string reason = error.message();
        std::filesystem::remove(temporary_path_, error);
        throw input_error(final_path_.string() + ": cannot rename the finished file from " + temporary_path_.string() +
                          ": " + reason);
    }
}

// ---- SerialSpikeFile ----------------------------------------------------------------------

SerialSpikeFile::SerialSpikeFile(std::filesystem::path final_path, const std::vector<SpikePopulation>& populations)
    : file_(std::move(final_path)) {
    H5QuietErrors quiet;
    const H5Errors& errors = file_.errors();
    spikes_ = H5Group(errors.id(H5Gcreate2(file_.file(), "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                "create group /spikes"));
    for (const auto& population : populations) {
        objects_.push_back(create_spike_population(spikes_.get(), population.name, errors));
    }
    sizes_.assign(populations.size(), 0);
}

void SerialSpikeFile::append(std::size_t p, std::span<const double> times, std::span<const std::uint64_t> node_ids) {
    H5QuietErrors quiet;
    append_serial(objects_.at(p).timestamps.get(), sizes_[p], times, errors());
    append_serial(objects_[p].node_ids.get(), sizes_[p], node_ids, errors());
    sizes_[p] += times.size();
}

void SerialSpikeFile::sort_by_time() {
    H5QuietErrors quiet;
    for (auto& objects : objects_) {
        std::vector<double> times = read_whole<double>(objects.timestamps.get(), errors());
        std::vector<std::uint64_t> ids = read_whole<std::uint64_t>(objects.node_ids.get(), errors());
        std::vector<SpikeRecord> records(times.size());
        for (std::size_t i = 0; i < times.size(); ++i) records[i] = {times[i], ids[i]};
        std::sort(records.begin(), records.end(), spike_record_order);
        for (std::size_t i = 0; i < records.size(); ++i) {
            times[i] = records[i].time;
            ids[i] = records[i].node_id;
        }
        write_whole<double>(objects.timestamps.get(), times, errors());
        write_whole<std::uint64_t>(objects.node_ids.get(), ids, errors());
    }
}

void SerialSpikeFile::finish(SpikeSorting sorting) {
    H5QuietErrors quiet;
    for (auto& objects : objects_) {
        write_spike_sorting(objects.group.get(), sorting, false, errors());
        objects.timestamps.close();
        objects.node_ids.close();
        objects.group.close();
    }
    spikes_.close();
    file_.commit();
}

// ---- SerialReportFile ---------------------------------------------------------------------

SerialReportFile::SerialReportFile(std::filesystem::path final_path, const std::string& population,
                                   const ReportMapping& mapping, std::span<const std::uint32_t> element_ids,
                                   double tstart, double tstop, double dt, const std::string& units)
    : file_(std::move(final_path)), columns_(mapping.total_elements) {
    H5QuietErrors quiet;
    const H5Errors& errors = file_.errors();
    ReportObjects objects =
        create_report_objects(file_.file(), population, mapping.node_ids.size(), columns_, units, errors);
    write_whole<std::uint64_t>(objects.node_ids.get(), mapping.node_ids, errors);
    write_whole<std::uint64_t>(objects.index_pointers.get(), mapping.index_pointers, errors);
    write_whole<std::uint32_t>(objects.element_ids.get(), element_ids, errors);
    const double times[3] = {tstart, tstop, dt};
    write_whole<double>(objects.time.get(), times, errors);
    data_ = std::move(objects.data);
}

void SerialReportFile::append_rows(std::span<const float> rows, std::uint64_t nrows) {
    if (nrows == 0) return;
    H5QuietErrors quiet;
    const H5Errors& errors = file_.errors();
    if (rows.size() != nrows * columns_) {
        throw std::invalid_argument(errors.file() + ": append_rows got " + std::to_string(rows.size()) + " values for " +
                                    std::to_string(nrows) + " rows of " + std::to_string(columns_));
    }
    const hsize_t new_size[2] = {rows_written_ + nrows, columns_};
    errors.status(H5Dset_extent(data_.get(), new_size), "extend the report data");
    if (columns_ > 0) {
        H5Dataspace file_space(errors.id(H5Dget_space(data_.get()), "get a dataset's dataspace"));
        const hsize_t start[2] = {rows_written_, 0};
        const hsize_t size[2] = {nrows, columns_};
        H5Dataspace memory_space(errors.id(H5Screate_simple(2, size, nullptr), "create a dataspace"));
        errors.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr),
                      "select rows of the report data");
        errors.status(H5Dwrite(data_.get(), H5TypeOf<float>::memory(), memory_space.get(), file_space.get(),
                               H5P_DEFAULT, rows.data()),
                      "write the report data");
    }
    rows_written_ += nrows;
}

void SerialReportFile::finish() {
    data_.close();
    file_.commit();
}

}  // namespace parnet::io
