#include "io/sonata_report_writer.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "engine/step_count.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/sonata_layout.hpp"

namespace parnet::io {

namespace {

int as_mpi_count(std::size_t count, const std::string& file) {
    if (count > static_cast<std::size_t>(INT_MAX)) throw std::length_error(file + ": more than 2^31 report nodes");
    return static_cast<int>(count);
}

}  // namespace

std::uint64_t SonataReportWriter::rows_for(double tstart, double tstop, double dt) {
    return sample_rows(tstart, tstop, dt);
}

SonataReportWriter::SonataReportWriter(MPI_Comm comm, std::filesystem::path path, std::string population,
                                       std::span<const std::uint64_t> local_node_ids,
                                       std::span<const std::uint32_t> local_element_counts,
                                       std::span<const std::uint32_t> local_element_ids, double tstart, double tstop,
                                       double dt, std::string units, ReportValueType values, OutputDriver driver)
    : file_(comm,
            validated_report_file(comm, std::move(path), population, local_node_ids, local_element_counts,
                                  local_element_ids, tstart, tstop, dt, units),
            driver),
      local_elements_(local_element_ids.size()),
      expected_rows_(rows_for(tstart, tstop, dt)) {
    H5QuietErrors quiet;
    build_mapping(local_node_ids, local_element_counts, local_element_ids, tstart, tstop, dt, population, units, values);
}

void SonataReportWriter::build_mapping(std::span<const std::uint64_t> node_ids,
                                       std::span<const std::uint32_t> element_counts,
                                       std::span<const std::uint32_t> element_ids, double tstart, double tstop,
                                       double dt, const std::string& population, const std::string& units,
                                       ReportValueType values) {
    const H5Errors& errors = file_.errors();
    const std::string& file = errors.file();
    const auto ranks = static_cast<std::size_t>(file_.size());

    // Every rank learns every recorded node and its element count (a few bytes per node).
    int my_nodes = as_mpi_count(node_ids.size(), file);
    std::vector<int> node_counts(ranks);
    MPI_Allgather(&my_nodes, 1, MPI_INT, node_counts.data(), 1, MPI_INT, file_.comm());
    std::vector<int> displacements(ranks, 0);
    std::size_t total_nodes = 0;
    for (std::size_t r = 0; r < ranks; ++r) {
        displacements[r] = as_mpi_count(total_nodes, file);
        total_nodes += static_cast<std::size_t>(node_counts[r]);
    }
    std::vector<std::uint64_t> all_nodes(total_nodes);
    std::vector<std::uint32_t> all_counts(total_nodes);
    MPI_Allgatherv(node_ids.data(), my_nodes, MPI_UINT64_T, all_nodes.data(), node_counts.data(),
                   displacements.data(), MPI_UINT64_T, file_.comm());
    MPI_Allgatherv(element_counts.data(), my_nodes, MPI_UINT32_T, all_counts.data(), node_counts.data(),
                   displacements.data(), MPI_UINT32_T, file_.comm());

    // Columns in ascending node id; every rank computes the same mapping.
    ReportMapping mapping = build_report_mapping(all_nodes, all_counts, file, population);
    const std::vector<std::uint64_t>& sorted_nodes = mapping.node_ids;
    const std::vector<std::uint64_t>& index_pointers = mapping.index_pointers;
    const std::vector<std::uint64_t>& column_of = mapping.column_of;
    total_elements_ = mapping.total_elements;

    // Rank r writes the r-th of `ranks` nearly equal column ranges.
    const auto rank = static_cast<std::uint64_t>(file_.rank());
    auto block_start = [&](std::uint64_t r) { return total_elements_ * r / ranks; };
    block_begin_ = block_start(rank);
    block_columns_ = block_start(rank + 1) - block_begin_;
    auto block_of_column = [&](std::uint64_t column) {
        std::uint64_t r = std::min<std::uint64_t>(ranks - 1, column * ranks / std::max<std::uint64_t>(total_elements_, 1));
        while (r > 0 && block_start(r) > column) --r;
        while (r + 1 < ranks && block_start(r + 1) <= column) ++r;
        return static_cast<std::size_t>(r);
    };

    // Sending side: this rank's columns in ascending order, where each value sits in a row, and
    // how many go to each rank's block.
    const std::size_t my_first = static_cast<std::size_t>(displacements[static_cast<std::size_t>(file_.rank())]);
    std::vector<std::size_t> local_by_column(node_ids.size());
    std::iota(local_by_column.begin(), local_by_column.end(), std::size_t{0});
    std::sort(local_by_column.begin(), local_by_column.end(),
              [&](std::size_t a, std::size_t b) { return column_of[my_first + a] < column_of[my_first + b]; });
    std::vector<std::uint32_t> value_offset(node_ids.size() + 1, 0);
    for (std::size_t i = 0; i < node_ids.size(); ++i) value_offset[i + 1] = value_offset[i] + element_counts[i];
    send_order_.clear();
    send_columns_.assign(ranks, 0);
    for (const std::size_t local : local_by_column) {
        for (std::uint32_t k = 0; k < element_counts[local]; ++k) {
            send_order_.push_back(value_offset[local] + k);
            ++send_columns_[block_of_column(column_of[my_first + local] + k)];
        }
    }
    // Receiving side: the columns of this rank's block that each rank records, ascending (the
    // order in which that rank sends them).
    receive_columns_.clear();
    receive_column_counts_.assign(ranks, 0);
    for (std::size_t source = 0; source < ranks; ++source) {
        const std::size_t begin = receive_columns_.size();
        const auto first = static_cast<std::size_t>(displacements[source]);
        for (std::size_t i = first; i < first + static_cast<std::size_t>(node_counts[source]); ++i) {
            for (std::uint32_t k = 0; k < all_counts[i]; ++k) {
                const std::uint64_t column = column_of[i] + k;
                if (column >= block_begin_ && column < block_begin_ + block_columns_) {
                    receive_columns_.push_back(static_cast<std::uint32_t>(column - block_begin_));
                }
            }
        }
        std::sort(receive_columns_.begin() + static_cast<std::ptrdiff_t>(begin), receive_columns_.end());
        receive_column_counts_[source] = as_mpi_count(receive_columns_.size() - begin, file);
    }
    const std::vector<std::uint32_t> block_element_ids =
        to_column_block<std::uint32_t>(element_ids, 1, H5TypeOf<std::uint32_t>::mpi());

    collectively(file_.comm(), [&] {
        ReportObjects objects = create_report_objects(file_.file(), population, total_nodes, total_elements_, units, values, errors);
        const bool writer = file_.rank() == 0;   // rank 0 writes the mapping every rank knows
        file_.write_slice(objects.node_ids.get(), 0,
                          writer ? std::span<const std::uint64_t>(sorted_nodes) : std::span<const std::uint64_t>());
        file_.write_slice(objects.index_pointers.get(), 0,
                          writer ? std::span<const std::uint64_t>(index_pointers) : std::span<const std::uint64_t>());
        file_.write_slice(objects.element_ids.get(), block_begin_, std::span<const std::uint32_t>(block_element_ids));
        const std::vector<double> times = {tstart, tstop, dt};
        file_.write_slice(objects.time.get(), 0, writer ? std::span<const double>(times) : std::span<const double>());
        data_ = std::move(objects.data);
    });
}

template <class T>
std::vector<T> SonataReportWriter::to_column_block(std::span<const T> rows, std::size_t nrows, MPI_Datatype type) const {
    if (file_.size() == 1) {
        // One rank: the block is this rank's values put in column order.
        std::vector<T> block(nrows * block_columns_);
        for (std::size_t row = 0; row < nrows; ++row) {
            const T* in = rows.data() + row * local_elements_;
            T* out = block.data() + row * block_columns_;
            for (std::size_t j = 0; j < send_order_.size(); ++j) out[receive_columns_[j]] = in[send_order_[j]];
        }
        return block;
    }
    const std::string& file = file_.errors().file();
    const auto ranks = static_cast<std::size_t>(file_.size());
    std::vector<int> send_counts(ranks), send_displacements(ranks), receive_counts(ranks), receive_displacements(ranks);
    std::size_t sent = 0;
    std::size_t received = 0;
    for (std::size_t r = 0; r < ranks; ++r) {
        send_displacements[r] = as_mpi_count(sent, file);
        send_counts[r] = as_mpi_count(nrows * static_cast<std::size_t>(send_columns_[r]), file);
        sent += static_cast<std::size_t>(send_counts[r]);
        receive_displacements[r] = as_mpi_count(received, file);
        receive_counts[r] = as_mpi_count(nrows * static_cast<std::size_t>(receive_column_counts_[r]), file);
        received += static_cast<std::size_t>(receive_counts[r]);
    }
    // Pack: each destination's columns are a contiguous stretch of send_order_; row by row.
    std::vector<T> send(sent);
    std::size_t position = 0;
    std::size_t stretch = 0;
    for (std::size_t r = 0; r < ranks; ++r) {
        const auto columns = static_cast<std::size_t>(send_columns_[r]);
        for (std::size_t row = 0; row < nrows; ++row) {
            const T* in = rows.data() + row * local_elements_;
            for (std::size_t j = stretch; j < stretch + columns; ++j) send[position++] = in[send_order_[j]];
        }
        stretch += columns;
    }
    std::vector<T> incoming(received);
    MPI_Alltoallv(send.data(), send_counts.data(), send_displacements.data(), type, incoming.data(),
                  receive_counts.data(), receive_displacements.data(), type, file_.comm());
    // Unpack into the nrows x block_columns_ block.
    std::vector<T> block(nrows * block_columns_);
    position = 0;
    stretch = 0;
    for (std::size_t source = 0; source < ranks; ++source) {
        const auto columns = static_cast<std::size_t>(receive_column_counts_[source]);
        for (std::size_t row = 0; row < nrows; ++row) {
            T* out = block.data() + row * block_columns_;
            for (std::size_t j = stretch; j < stretch + columns; ++j) out[receive_columns_[j]] = incoming[position++];
        }
        stretch += columns;
    }
    return block;
}

template <class T>
void SonataReportWriter::append_values(std::span<const T> rows, std::size_t nrows) {
    if (finished_) throw std::logic_error("SonataReportWriter::append after finish");
    H5QuietErrors quiet;
    const H5Errors& errors = file_.errors();
    const std::uint64_t count =
        agree_report_rows(file_.comm(), rows.size(), nrows, local_elements_, total_elements_, rows_written_, expected_rows_,
                          std::max<std::uint64_t>(local_elements_, block_columns_), errors.file());
    if (count == 0) return;
    const std::vector<T> block = to_column_block<T>(rows, count, H5TypeOf<T>::mpi());
    collectively(file_.comm(), [&] {
        const hsize_t new_size[2] = {rows_written_ + count, total_elements_};
        file_.extend(data_.get(), new_size);
        H5Dataspace file_space(errors.id(H5Dget_space(data_.get()), "get a dataset's dataspace"));
        const hsize_t start[2] = {rows_written_, block_begin_};
        const hsize_t size[2] = {block_columns_ > 0 ? count : 0, block_columns_};
        H5Dataspace memory_space(errors.id(H5Screate_simple(2, size, nullptr), "create a dataspace"));
        if (block_columns_ > 0) {
            errors.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr),
                          "select this rank's columns");
        } else {
            errors.status(H5Sselect_none(file_space.get()), "select nothing in a dataset");
            errors.status(H5Sselect_none(memory_space.get()), "select nothing in memory");
        }
        const T nothing = 0;
        errors.status(H5Dwrite(data_.get(), H5TypeOf<T>::memory(), memory_space.get(), file_space.get(),
                               file_.transfer(), block.empty() ? &nothing : block.data()),
                      "write the report data");
    });
    rows_written_ += count;
}

template void SonataReportWriter::append_values<float>(std::span<const float>, std::size_t);
template void SonataReportWriter::append_values<double>(std::span<const double>, std::size_t);

void SonataReportWriter::finish() {
    if (finished_) throw std::logic_error("SonataReportWriter::finish called twice");
    H5QuietErrors quiet;
    if (rows_written_ != expected_rows_) {
        throw input_error(file_.errors().file() + ": the report holds " + std::to_string(rows_written_) +
                          " rows but its time range needs " + std::to_string(expected_rows_) +
                          "; the file is not kept");
    }
    close_objects();
    file_.commit();
    finished_ = true;
}

void SonataReportWriter::close_objects() noexcept { data_.close(); }

SonataReportWriter::~SonataReportWriter() {
    if (finished_ || !file_.is_open()) return;
    if (file_.all_ranks_discarding()) {
        // Shrunk to no rows first, so that HDF5 drops its cached chunks (see SonataSpikeWriter).
        H5QuietErrors quiet;
        const hsize_t nothing[2] = {0, total_elements_};
        H5Dset_extent(data_.get(), nothing);
        close_objects();
        file_.close_and_remove();
    } else {
        data_.release();
        file_.abandon();
    }
}

}  // namespace parnet::io
