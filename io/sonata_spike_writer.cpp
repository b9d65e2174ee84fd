#include "io/sonata_spike_writer.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "io/hdf5_attributes.hpp"
#include "io/sonata_layout.hpp"

namespace parnet::io {

namespace {

class MpiRecordType {
public:
    MpiRecordType() {
        MPI_Type_contiguous(sizeof(SpikeRecord), MPI_BYTE, &type_);
        MPI_Type_commit(&type_);
    }
    MpiRecordType(const MpiRecordType&) = delete;
    MpiRecordType& operator=(const MpiRecordType&) = delete;
    ~MpiRecordType() { MPI_Type_free(&type_); }
    MPI_Datatype get() const { return type_; }

private:
    MPI_Datatype type_ = MPI_DATATYPE_NULL;
};

int as_mpi_count(std::size_t count) {
    if (count > static_cast<std::size_t>(INT_MAX)) {
        throw std::length_error("spike sort: more than 2^31 spikes would move between two ranks");
    }
    return static_cast<int>(count);
}

// Parallel sample sort with regular sampling. On entry each rank holds a block sorted by
// spike_record_order; on return rank r holds the r-th slice of the global order (the slices' sizes
// depend on the rank count, their concatenation does not).
std::vector<SpikeRecord> sample_sort(MPI_Comm comm, std::vector<SpikeRecord> local) {
    int rank = 0;
    int size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    const auto ranks = static_cast<std::size_t>(size);
    MpiRecordType record_type;

    // Up to ranks-1 evenly spaced samples per rank; every rank then picks the same splitters.
    std::vector<SpikeRecord> samples;
    const std::size_t sample_count = std::min(ranks - 1, local.size());
    for (std::size_t i = 1; i <= sample_count; ++i) samples.push_back(local[i * local.size() / (sample_count + 1)]);
    int my_samples = as_mpi_count(samples.size());
    std::vector<int> sample_counts(ranks);
    MPI_Allgather(&my_samples, 1, MPI_INT, sample_counts.data(), 1, MPI_INT, comm);
    std::vector<int> sample_displacements(ranks, 0);
    std::partial_sum(sample_counts.begin(), sample_counts.end() - 1, sample_displacements.begin() + 1);
    std::vector<SpikeRecord> all_samples(
        static_cast<std::size_t>(sample_displacements.back() + sample_counts.back()));
    MPI_Allgatherv(samples.data(), my_samples, record_type.get(), all_samples.data(), sample_counts.data(),
                   sample_displacements.data(), record_type.get(), comm);
    std::sort(all_samples.begin(), all_samples.end(), spike_record_order);

    // Bucket j receives [splitter j-1, splitter j); buckets are in global order.
    std::vector<int> send_counts(ranks, 0);
    std::size_t bucket_begin = 0;
    for (std::size_t j = 0; j < ranks; ++j) {
        std::size_t bucket_end = local.size();
        if (j + 1 < ranks && !all_samples.empty()) {
            const SpikeRecord& splitter = all_samples[(j + 1) * all_samples.size() / ranks];
            bucket_end = static_cast<std::size_t>(
                std::lower_bound(local.begin(), local.end(), splitter, spike_record_order) - local.begin());
            bucket_end = std::max(bucket_end, bucket_begin);
        }
        send_counts[j] = as_mpi_count(bucket_end - bucket_begin);
        bucket_begin = bucket_end;
    }
    std::vector<int> receive_counts(ranks);
    MPI_Alltoall(send_counts.data(), 1, MPI_INT, receive_counts.data(), 1, MPI_INT, comm);
    std::vector<int> send_displacements(ranks, 0);
    std::vector<int> receive_displacements(ranks, 0);
    std::size_t received = 0;
    for (std::size_t j = 0; j < ranks; ++j) {
        if (j > 0) {
            send_displacements[j] = send_displacements[j - 1] + send_counts[j - 1];
            receive_displacements[j] = as_mpi_count(received);
        }
        received += static_cast<std::size_t>(receive_counts[j]);
    }
    as_mpi_count(received);
    std::vector<SpikeRecord> mine(received);
    MPI_Alltoallv(local.data(), send_counts.data(), send_displacements.data(), record_type.get(), mine.data(),
                  receive_counts.data(), receive_displacements.data(), record_type.get(), comm);
    std::sort(mine.begin(), mine.end(), spike_record_order);
    return mine;
}

}  // namespace

SonataSpikeWriter::SonataSpikeWriter(MPI_Comm comm, std::filesystem::path path, std::vector<SpikePopulation> pops,
                                     OutputDriver driver)
    : file_(comm, validated_spike_file(comm, std::move(path), pops), driver), router_(std::move(pops)) {
    H5QuietErrors quiet;
    collectively(file_.comm(), [&] {
        const H5Errors& errors = file_.errors();
        H5Group spikes(errors.id(H5Gcreate2(file_.file(), "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                 "create group /spikes"));
        for (const auto& population : router_.populations()) {
            SpikePopulationObjects objects = create_spike_population(spikes.get(), population.name, errors);
            data_.push_back({std::move(objects.group), std::move(objects.timestamps), std::move(objects.node_ids), 0});
        }
    });
}

void SonataSpikeWriter::append(std::span<const Spike> local_spikes) {
    if (finished_) throw std::logic_error("SonataSpikeWriter::append after finish");
    H5QuietErrors quiet;
    const std::size_t count = data_.size();
    std::vector<std::uint64_t> local_counts(count, 0);
    collectively(file_.comm(), [&] {
        router_.split(local_spikes, times_, node_ids_, file_.errors().file());
        for (std::size_t p = 0; p < count; ++p) local_counts[p] = times_[p].size();
    });
    std::vector<std::uint64_t> offsets(count, 0);
    std::vector<std::uint64_t> totals = local_counts;
    if (file_.size() > 1) {
        MPI_Exscan(local_counts.data(), offsets.data(), static_cast<int>(count), MPI_UINT64_T, MPI_SUM, file_.comm());
        if (file_.rank() == 0) std::fill(offsets.begin(), offsets.end(), 0);   // MPI_Exscan leaves rank 0's undefined
        MPI_Allreduce(local_counts.data(), totals.data(), static_cast<int>(count), MPI_UINT64_T, MPI_SUM, file_.comm());
    }
    collectively(file_.comm(), [&] {
        for (std::size_t p = 0; p < count; ++p) {
            if (totals[p] == 0) continue;
            PopulationData& data = data_[p];
            const hsize_t new_size = data.size + totals[p];
            file_.extend(data.timestamps.get(), std::span(&new_size, 1));
            file_.extend(data.node_ids.get(), std::span(&new_size, 1));
            file_.write_slice(data.timestamps.get(), data.size + offsets[p], std::span<const double>(times_[p]));
            file_.write_slice(data.node_ids.get(), data.size + offsets[p], std::span<const std::uint64_t>(node_ids_[p]));
            data.size = new_size;
        }
    });
}

void SonataSpikeWriter::sort_population(PopulationData& data) {
    const std::uint64_t total = data.size;
    if (total == 0) return;
    const auto ranks = static_cast<std::uint64_t>(file_.size());
    const auto rank = static_cast<std::uint64_t>(file_.rank());
    // Rank r reads the r-th of `ranks` nearly equal blocks.
    auto block_start = [&](std::uint64_t r) { return (total / ranks) * r + std::min(r, total % ranks); };
    const std::uint64_t begin = block_start(rank);
    const std::uint64_t end = block_start(rank + 1);
    std::vector<SpikeRecord> records;
    collectively(file_.comm(), [&] {
        std::vector<double> times(end - begin);
        std::vector<std::uint64_t> ids(end - begin);
        file_.read_slice(data.timestamps.get(), begin, std::span<double>(times));
        file_.read_slice(data.node_ids.get(), begin, std::span<std::uint64_t>(ids));
        records.resize(times.size());
        for (std::size_t i = 0; i < times.size(); ++i) records[i] = SpikeRecord{times[i], ids[i]};
        std::sort(records.begin(), records.end(), spike_record_order);
    });
    if (file_.size() > 1) records = sample_sort(file_.comm(), std::move(records));
    std::uint64_t my_count = records.size();
    std::uint64_t offset = 0;
    MPI_Exscan(&my_count, &offset, 1, MPI_UINT64_T, MPI_SUM, file_.comm());
    if (file_.rank() == 0) offset = 0;
    collectively(file_.comm(), [&] {
        std::vector<double> times(records.size());
        std::vector<std::uint64_t> ids(records.size());
        for (std::size_t i = 0; i < records.size(); ++i) {
            times[i] = records[i].time;
            ids[i] = records[i].node_id;
        }
        records = {};
        file_.write_slice(data.timestamps.get(), offset, std::span<const double>(times));
        file_.write_slice(data.node_ids.get(), offset, std::span<const std::uint64_t>(ids));
    });
}

void SonataSpikeWriter::finish(bool sort_by_time) {
    if (finished_) throw std::logic_error("SonataSpikeWriter::finish called twice");
    H5QuietErrors quiet;
    if (sort_by_time) {
        for (auto& data : data_) sort_population(data);
    }
    complete(sort_by_time ? SpikeSorting::by_time : SpikeSorting::none);
}

void SonataSpikeWriter::finish_sorted() {
    if (finished_) throw std::logic_error("SonataSpikeWriter::finish called twice");
    H5QuietErrors quiet;
    complete(SpikeSorting::by_time);
}

void SonataSpikeWriter::complete(SpikeSorting sorting) {
    collectively(file_.comm(), [&] {
        for (auto& data : data_) write_spike_sorting(data.group.get(), sorting, false, file_.errors());
    });
    close_objects();
    file_.commit();
    finished_ = true;
}

std::uint64_t SonataSpikeWriter::spikes_written() const noexcept {
    std::uint64_t total = 0;
    for (const auto& data : data_) total += data.size;
    return total;
}

void SonataSpikeWriter::close_objects() noexcept {
    for (auto& data : data_) {
        data.timestamps.close();
        data.node_ids.close();
        data.group.close();
    }
}

SonataSpikeWriter::~SonataSpikeWriter() {
    if (finished_ || !file_.is_open()) return;
    if (file_.all_ranks_discarding()) {
        // Shrunk to nothing first: HDF5 then drops its cached chunks instead of writing them at
        // the close, which on a full disk would fail and leave the file open (a crash at exit).
        H5QuietErrors quiet;
        const hsize_t nothing = 0;
        for (auto& data : data_) {
            H5Dset_extent(data.timestamps.get(), &nothing);
            H5Dset_extent(data.node_ids.get(), &nothing);
        }
        close_objects();
        file_.close_and_remove();
    } else {
        for (auto& data : data_) {
            data.timestamps.release();
            data.node_ids.release();
            data.group.release();
        }
        file_.abandon();
    }
}

}  // namespace parnet::io
