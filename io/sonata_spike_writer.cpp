#include "io/sonata_spike_writer.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "io/hdf5_attributes.hpp"

namespace parnet::io {

namespace {

// Elements per chunk of the extendible spike datasets: 512 KiB per chunk, few chunks per file.
constexpr hsize_t spike_chunk_elements = 1u << 16;

enum class Sorting : std::uint8_t { none = 0, by_id = 1, by_time = 2 };

// One spike as sorted at finish(): (time, node_id); ties of equal value are identical records.
struct SpikeRecord {
    double time;
    std::uint64_t node_id;
};
static_assert(sizeof(SpikeRecord) == 16);

bool record_order(const SpikeRecord& a, const SpikeRecord& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.node_id != b.node_id) return a.node_id < b.node_id;
    // -0.0 == +0.0: order them too, so the bytes in the file never depend on the rank count.
    return std::signbit(a.time) && !std::signbit(b.time);
}

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
// record_order; on return rank r holds the r-th slice of the global order (the slices' sizes
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
    std::sort(all_samples.begin(), all_samples.end(), record_order);

    // Bucket j receives [splitter j-1, splitter j); buckets are in global order.
    std::vector<int> send_counts(ranks, 0);
    std::size_t bucket_begin = 0;
    for (std::size_t j = 0; j < ranks; ++j) {
        std::size_t bucket_end = local.size();
        if (j + 1 < ranks && !all_samples.empty()) {
            const SpikeRecord& splitter = all_samples[(j + 1) * all_samples.size() / ranks];
            bucket_end = static_cast<std::size_t>(
                std::lower_bound(local.begin(), local.end(), splitter, record_order) - local.begin());
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
    std::sort(mine.begin(), mine.end(), record_order);
    return mine;
}

H5Datatype sorting_enum_type(const H5Errors& errors) {
    H5Datatype type(errors.id(H5Tenum_create(H5T_STD_U8LE), "create the sorting enum type"));
    const std::pair<const char*, Sorting> members[] = {
        {"none", Sorting::none}, {"by_id", Sorting::by_id}, {"by_time", Sorting::by_time}};
    for (const auto& [name, value] : members) {
        const auto raw = static_cast<std::uint8_t>(value);
        errors.status(H5Tenum_insert(type.get(), name, &raw), "add a member to the sorting enum type");
    }
    return type;
}

void write_sorting(hid_t group, Sorting sorting, bool create, const H5Errors& errors) {
    H5Datatype type = sorting_enum_type(errors);
    H5Attribute attribute;
    if (create) {
        H5Dataspace space(errors.id(H5Screate(H5S_SCALAR), "create a scalar dataspace"));
        attribute = H5Attribute(errors.id(H5Acreate2(group, "sorting", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                          "create attribute 'sorting'"));
    } else {
        attribute = H5Attribute(errors.id(H5Aopen(group, "sorting", H5P_DEFAULT), "open attribute 'sorting'"));
    }
    const auto raw = static_cast<std::uint8_t>(sorting);
    errors.status(H5Awrite(attribute.get(), type.get(), &raw), "write attribute 'sorting'");
}

bool valid_link_name(const std::string& name) {
    return !name.empty() && name != "." && name.find('/') == std::string::npos;
}

// Checks the populations on this rank and returns the path; every rank must agree (checked by
// the constructor afterwards).
std::string describe(const std::filesystem::path& path, const std::vector<SpikePopulation>& populations) {
    std::ostringstream text;
    text << path.string();
    for (const auto& population : populations) text << '\n' << population.name << ' ' << population.first << ' ' << population.count;
    return text.str();
}

std::filesystem::path validated(MPI_Comm comm, std::filesystem::path path, const std::vector<SpikePopulation>& populations) {
    collectively(comm, [&] {
        const std::string file = path.string();
        if (populations.empty()) throw input_error(file + ": a spike file needs at least one population");
        std::vector<const SpikePopulation*> by_first;
        for (const auto& population : populations) {
            if (!valid_link_name(population.name)) {
                throw input_error(file + ": population name '" + population.name +
                                  "' cannot name an HDF5 group (empty, '.' or containing '/')");
            }
            if (std::uint64_t{population.first} + population.count > std::uint64_t{std::numeric_limits<Gid>::max()} + 1) {
                throw input_error(file + ": population '" + population.name + "' runs past the largest gid");
            }
            by_first.push_back(&population);
        }
        std::sort(by_first.begin(), by_first.end(), [](auto* a, auto* b) { return a->first < b->first; });
        for (std::size_t i = 1; i < by_first.size(); ++i) {
            const auto* previous = by_first[i - 1];
            if (std::uint64_t{previous->first} + previous->count > by_first[i]->first) {
                throw input_error(file + ": populations '" + previous->name + "' and '" + by_first[i]->name +
                                  "' share gids");
            }
        }
        for (std::size_t i = 0; i < populations.size(); ++i) {
            for (std::size_t j = i + 1; j < populations.size(); ++j) {
                if (populations[i].name == populations[j].name) {
                    throw input_error(file + ": population '" + populations[i].name + "' is listed twice");
                }
            }
        }
    });
    if (!same_on_every_rank(comm, describe(path, populations))) {
        throw input_error(path.string() + ": the ranks passed different file names or populations to the spike writer");
    }
    return path;
}

}  // namespace

SonataSpikeWriter::SonataSpikeWriter(MPI_Comm comm, std::filesystem::path path, std::vector<SpikePopulation> pops)
    : file_(comm, validated(comm, std::move(path), pops)),
      populations_(std::move(pops)),
      times_(populations_.size()),
      node_ids_(populations_.size()) {
    H5QuietErrors quiet;
    population_order_.resize(populations_.size());
    std::iota(population_order_.begin(), population_order_.end(), std::size_t{0});
    std::sort(population_order_.begin(), population_order_.end(),
              [&](std::size_t a, std::size_t b) { return populations_[a].first < populations_[b].first; });
    data_.reserve(populations_.size());
    collectively(file_.comm(), [&] {
        const H5Errors& errors = file_.errors();
        H5Group spikes(errors.id(H5Gcreate2(file_.file(), "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                 "create group /spikes"));
        for (const auto& population : populations_) create_population(population, spikes.get());
    });
}

void SonataSpikeWriter::create_population(const SpikePopulation& population, hid_t spikes_group) {
    const H5Errors& errors = file_.errors();
    const std::string where = "/spikes/" + population.name;
    PopulationData data;
    data.group = H5Group(errors.id(H5Gcreate2(spikes_group, population.name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                   "create group " + where));
    const hsize_t initial = 0;
    const hsize_t unlimited = H5S_UNLIMITED;
    H5Dataspace space(errors.id(H5Screate_simple(1, &initial, &unlimited), "create an extendible dataspace"));
    H5PropertyList creation(errors.id(H5Pcreate(H5P_DATASET_CREATE), "create a dataset creation property list"));
    errors.status(H5Pset_chunk(creation.get(), 1, &spike_chunk_elements), "set the chunk size");
    // Every element is written; filling new chunks first would only cost time.
    errors.status(H5Pset_fill_time(creation.get(), H5D_FILL_TIME_NEVER), "turn off fill values");
    data.timestamps = H5Dataset(errors.id(H5Dcreate2(data.group.get(), "timestamps", H5TypeOf<double>::file(), space.get(),
                                                     H5P_DEFAULT, creation.get(), H5P_DEFAULT),
                                          "create dataset " + where + "/timestamps"));
    write_string_attribute(data.timestamps.get(), "units", "ms", errors);
    data.node_ids = H5Dataset(errors.id(H5Dcreate2(data.group.get(), "node_ids", H5TypeOf<std::uint64_t>::file(),
                                                   space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
                                        "create dataset " + where + "/node_ids"));
    write_sorting(data.group.get(), Sorting::none, true, errors);
    data_.push_back(std::move(data));
}

void SonataSpikeWriter::append(std::span<const Spike> local_spikes) {
    if (finished_) throw std::logic_error("SonataSpikeWriter::append after finish");
    H5QuietErrors quiet;
    const std::size_t count = populations_.size();
    std::vector<std::uint64_t> local_counts(count, 0);
    collectively(file_.comm(), [&] {
        for (auto& times : times_) times.clear();
        for (auto& ids : node_ids_) ids.clear();
        for (const Spike& spike : local_spikes) {
            // The population with the largest first gid <= spike.source, if it holds the gid.
            const auto after = std::upper_bound(population_order_.begin(), population_order_.end(), spike.source,
                                                [&](Gid gid, std::size_t p) { return gid < populations_[p].first; });
            if (after == population_order_.begin()) continue;
            const std::size_t p = *(after - 1);
            const SpikePopulation& population = populations_[p];
            if (spike.source - population.first >= population.count) continue;
            if (!std::isfinite(spike.time)) {
                throw input_error(file_.errors().file() + ": spike of gid " + std::to_string(spike.source) +
                                  " has a time that is not a finite number");
            }
            times_[p].push_back(spike.time);
            node_ids_[p].push_back(spike.source - population.first);
        }
        for (std::size_t p = 0; p < count; ++p) local_counts[p] = times_[p].size();
    });
    std::vector<std::uint64_t> offsets(count, 0);
    std::vector<std::uint64_t> totals(count, 0);
    MPI_Exscan(local_counts.data(), offsets.data(), static_cast<int>(count), MPI_UINT64_T, MPI_SUM, file_.comm());
    if (file_.rank() == 0) std::fill(offsets.begin(), offsets.end(), 0);   // MPI_Exscan leaves rank 0's undefined
    MPI_Allreduce(local_counts.data(), totals.data(), static_cast<int>(count), MPI_UINT64_T, MPI_SUM, file_.comm());
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
        std::sort(records.begin(), records.end(), record_order);
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
    collectively(file_.comm(), [&] {
        for (auto& data : data_) {
            write_sorting(data.group.get(), sort_by_time ? Sorting::by_time : Sorting::none, false, file_.errors());
        }
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
