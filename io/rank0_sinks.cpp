// The rank0 saving strategy: every append is gathered to rank 0 (MPI_Gatherv), which writes one
// serial HDF5 file in the layout of the collective writers. Memory on rank 0: one append of all
// ranks, and at finish(true) the whole spike file (16 bytes per spike) to sort it.
#include <climits>
#include <numeric>

#include "io/collective_output_file.hpp"
#include "io/serial_sonata_files.hpp"
#include "io/sonata_report_writer.hpp"
#include "io/strategy_sinks.hpp"

namespace parnet::io {

namespace {

int as_count(std::uint64_t count, const std::string& file) {
    if (count > static_cast<std::uint64_t>(INT_MAX)) {
        throw std::length_error(file + ": more than 2^31 values would be gathered to rank 0 in one append");
    }
    return static_cast<int>(count);
}

// Displacements of gathered blocks; throws if the sum passes INT_MAX.
std::vector<int> displacements_of(const std::vector<int>& counts, const std::string& file) {
    std::vector<int> displacements(counts.size(), 0);
    std::uint64_t sum = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
        displacements[r] = as_count(sum, file);
        sum += static_cast<std::uint64_t>(counts[r]);
    }
    as_count(sum, file);
    return displacements;
}

class Rank0SpikeSink final : public SpikeSink {
public:
    Rank0SpikeSink(MPI_Comm comm, std::filesystem::path final_path, std::vector<SpikePopulation> populations)
        : comm_(comm),
          path_(validated_spike_file(comm_.get(), std::move(final_path), populations)),
          router_(std::move(populations)) {
        collectively(comm_.get(), [&] {
            if (comm_.rank() == 0) file_ = std::make_unique<SerialSpikeFile>(path_, router_.populations());
        });
    }

    void append(std::span<const Spike> local_spikes) override {
        if (finished_) throw std::logic_error("rank0 spike sink: append after finish");
        const std::string file = path_.string();
        const std::size_t count = router_.populations().size();
        std::vector<int> local_counts(count, 0);
        collectively(comm_.get(), [&] {
            router_.split(local_spikes, times_, node_ids_, file);
            for (std::size_t p = 0; p < count; ++p) local_counts[p] = as_count(times_[p].size(), file);
        });
        const auto ranks = static_cast<std::size_t>(comm_.size());
        std::vector<int> all_counts(comm_.rank() == 0 ? ranks * count : 0);
        MPI_Gather(local_counts.data(), static_cast<int>(count), MPI_INT, all_counts.data(), static_cast<int>(count),
                   MPI_INT, 0, comm_.get());
        std::uint64_t local_total = std::accumulate(local_counts.begin(), local_counts.end(), std::uint64_t{0});
        std::uint64_t total = 0;
        MPI_Allreduce(&local_total, &total, 1, MPI_UINT64_T, MPI_SUM, comm_.get());
        for (std::size_t p = 0; p < count; ++p) {
            std::vector<int> counts;
            std::vector<int> displacements;
            bool any = false;
            collectively(comm_.get(), [&] {
                if (comm_.rank() != 0) return;
                for (std::size_t r = 0; r < ranks; ++r) counts.push_back(all_counts[r * count + p]);
                displacements = displacements_of(counts, file);
            });
            if (comm_.rank() == 0) any = displacements.back() + counts.back() > 0;
            std::vector<double> times(any ? static_cast<std::size_t>(displacements.back() + counts.back()) : 0);
            std::vector<std::uint64_t> ids(times.size());
            MPI_Gatherv(times_[p].data(), local_counts[p], MPI_DOUBLE, times.data(), counts.data(),
                        displacements.data(), MPI_DOUBLE, 0, comm_.get());
            MPI_Gatherv(node_ids_[p].data(), local_counts[p], MPI_UINT64_T, ids.data(), counts.data(),
                        displacements.data(), MPI_UINT64_T, 0, comm_.get());
            collectively(comm_.get(), [&] {
                if (comm_.rank() == 0) file_->append(p, times, ids);
            });
        }
        written_ += total;
    }

    void flush() override {
        collectively(comm_.get(), [&] {
            H5QuietErrors quiet;
            if (file_) file_->errors().status(H5Fflush(file_->file(), H5F_SCOPE_LOCAL), "write to the disk (is it full?)");
        });
    }

    void finish(bool sort_by_time) override {
        if (finished_) throw std::logic_error("rank0 spike sink: finish called twice");
        collectively(comm_.get(), [&] {
            if (comm_.rank() != 0) return;
            if (sort_by_time) file_->sort_by_time();
            file_->finish(sort_by_time ? SpikeSorting::by_time : SpikeSorting::none);
        });
        finished_ = true;
    }

    std::uint64_t spikes_written() const noexcept override { return written_; }

private:
    MpiComm comm_;
    std::filesystem::path path_;
    SpikeRouter router_;
    std::unique_ptr<SerialSpikeFile> file_;   // rank 0 only; destroyed unfinished, removes its ".part"
    std::vector<std::vector<double>> times_;
    std::vector<std::vector<std::uint64_t>> node_ids_;
    std::uint64_t written_ = 0;
    bool finished_ = false;
};

class Rank0ReportSink final : public ReportSink {
public:
    Rank0ReportSink(MPI_Comm comm, std::filesystem::path final_path, std::string population,
                    std::span<const std::uint64_t> node_ids, std::span<const std::uint32_t> element_counts,
                    std::span<const std::uint32_t> element_ids, double tstart, double tstop, double dt,
                    std::string units)
        : comm_(comm),
          path_(validated_report_file(comm_.get(), std::move(final_path), population, node_ids, element_counts,
                                      element_ids, tstart, tstop, dt, units)),
          local_elements_(element_ids.size()),
          expected_rows_(SonataReportWriter::rows_for(tstart, tstop, dt)) {
        const std::string file = path_.string();
        const auto ranks = static_cast<std::size_t>(comm_.size());
        const bool root = comm_.rank() == 0;
        const int my_nodes = as_count(node_ids.size(), file);
        const int my_elements = as_count(element_ids.size(), file);
        std::vector<int> node_counts(ranks);
        MPI_Allgather(&my_nodes, 1, MPI_INT, node_counts.data(), 1, MPI_INT, comm_.get());
        element_counts_.resize(ranks);
        MPI_Allgather(&my_elements, 1, MPI_INT, element_counts_.data(), 1, MPI_INT, comm_.get());
        total_elements_ = std::accumulate(element_counts_.begin(), element_counts_.end(), std::uint64_t{0});
        std::vector<int> node_displacements;
        collectively(comm_.get(), [&] {
            node_displacements = displacements_of(node_counts, file);
            element_displacements_ = displacements_of(element_counts_, file);
        });
        const std::size_t total_nodes = static_cast<std::size_t>(node_displacements.back() + node_counts.back());
        std::vector<std::uint64_t> all_nodes(root ? total_nodes : 0);
        std::vector<std::uint32_t> all_counts(root ? total_nodes : 0);
        std::vector<std::uint32_t> all_element_ids(root ? total_elements_ : 0);
        MPI_Gatherv(node_ids.data(), my_nodes, MPI_UINT64_T, all_nodes.data(), node_counts.data(),
                    node_displacements.data(), MPI_UINT64_T, 0, comm_.get());
        MPI_Gatherv(element_counts.data(), my_nodes, MPI_UINT32_T, all_counts.data(), node_counts.data(),
                    node_displacements.data(), MPI_UINT32_T, 0, comm_.get());
        MPI_Gatherv(element_ids.data(), my_elements, MPI_UINT32_T, all_element_ids.data(), element_counts_.data(),
                    element_displacements_.data(), MPI_UINT32_T, 0, comm_.get());
        collectively(comm_.get(), [&] {
            if (!root) return;
            const ReportMapping mapping = build_report_mapping(all_nodes, all_counts, file, population);
            // Column of every gathered value (rank-major, each rank's values in its own order).
            column_of_value_.resize(total_elements_);
            std::size_t value = 0;
            for (std::size_t i = 0; i < total_nodes; ++i) {
                for (std::uint32_t k = 0; k < all_counts[i]; ++k) column_of_value_[value++] = mapping.column_of[i] + k;
            }
            std::vector<std::uint32_t> ids_by_column(total_elements_);
            for (std::size_t v = 0; v < total_elements_; ++v) ids_by_column[column_of_value_[v]] = all_element_ids[v];
            file_ = std::make_unique<SerialReportFile>(path_, population, mapping, ids_by_column, tstart, tstop, dt,
                                                       units);
        });
    }

    void append(std::span<const float> rows, std::size_t nrows) override {
        if (finished_) throw std::logic_error("rank0 report sink: append after finish");
        const std::string file = path_.string();
        const std::uint64_t count =
            agree_report_rows(comm_.get(), rows.size(), nrows, local_elements_, total_elements_, rows_written_,
                              expected_rows_, comm_.rank() == 0 ? total_elements_ : local_elements_, file);
        if (count == 0) return;
        const bool root = comm_.rank() == 0;
        std::vector<int> counts(root ? element_counts_.size() : 0);
        std::vector<int> displacements(counts.size());
        for (std::size_t r = 0; r < counts.size(); ++r) {
            counts[r] = static_cast<int>(count) * element_counts_[r];
            displacements[r] = static_cast<int>(count) * element_displacements_[r];
        }
        std::vector<float> gathered(root ? count * total_elements_ : 0);
        const int mine = local_elements_ > 0 ? static_cast<int>(count * local_elements_) : 0;
        MPI_Gatherv(rows.data(), mine, MPI_FLOAT, gathered.data(), counts.data(), displacements.data(), MPI_FLOAT, 0,
                    comm_.get());
        collectively(comm_.get(), [&] {
            if (!root) return;
            std::vector<float> block(count * total_elements_);
            for (std::size_t r = 0; r < element_counts_.size(); ++r) {
                const auto width = static_cast<std::size_t>(element_counts_[r]);
                const auto first = static_cast<std::size_t>(element_displacements_[r]);
                const float* in = gathered.data() + count * first;
                for (std::size_t row = 0; row < count; ++row) {
                    float* out = block.data() + row * total_elements_;
                    for (std::size_t j = 0; j < width; ++j) out[column_of_value_[first + j]] = in[row * width + j];
                }
            }
            file_->append_rows(block, count);
        });
        rows_written_ += count;
    }

    void flush() override {
        collectively(comm_.get(), [&] {
            H5QuietErrors quiet;
            if (file_) file_->errors().status(H5Fflush(file_->file(), H5F_SCOPE_LOCAL), "write to the disk (is it full?)");
        });
    }

    void finish() override {
        if (finished_) throw std::logic_error("rank0 report sink: finish called twice");
        if (rows_written_ != expected_rows_) {
            throw input_error(path_.string() + ": the report holds " + std::to_string(rows_written_) +
                              " rows but its time range needs " + std::to_string(expected_rows_) +
                              "; the file is not kept");
        }
        collectively(comm_.get(), [&] {
            if (comm_.rank() == 0) file_->finish();
        });
        finished_ = true;
    }

    std::uint64_t expected_rows() const noexcept override { return expected_rows_; }
    std::uint64_t rows_written() const noexcept override { return rows_written_; }
    std::uint64_t total_elements() const noexcept override { return total_elements_; }

private:
    MpiComm comm_;
    std::filesystem::path path_;
    std::size_t local_elements_ = 0;
    std::uint64_t total_elements_ = 0;
    std::uint64_t expected_rows_ = 0;
    std::uint64_t rows_written_ = 0;
    std::vector<int> element_counts_;          // values per row of each rank
    std::vector<int> element_displacements_;   // first gathered value of each rank
    std::vector<std::uint64_t> column_of_value_;   // rank 0: column of each gathered value
    std::unique_ptr<SerialReportFile> file_;       // rank 0 only
    bool finished_ = false;
};

}  // namespace

std::unique_ptr<SpikeSink> make_rank0_spike_sink(MPI_Comm comm, std::filesystem::path final_path,
                                                 std::vector<SpikePopulation> populations) {
    return std::make_unique<Rank0SpikeSink>(comm, std::move(final_path), std::move(populations));
}

std::unique_ptr<ReportSink> make_rank0_report_sink(MPI_Comm comm, std::filesystem::path final_path,
                                                   std::string population, std::span<const std::uint64_t> local_node_ids,
                                                   std::span<const std::uint32_t> local_element_counts,
                                                   std::span<const std::uint32_t> local_element_ids, double tstart,
                                                   double tstop, double dt, std::string units) {
    return std::make_unique<Rank0ReportSink>(comm, std::move(final_path), std::move(population), local_node_ids,
                                             local_element_counts, local_element_ids, tstart, tstop, dt,
                                             std::move(units));
}

}  // namespace parnet::io
