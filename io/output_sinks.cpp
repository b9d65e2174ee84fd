#include "io/output_sinks.hpp"

#include <climits>
#include <cstring>
#include <optional>
#include <system_error>

#include <nlohmann/json.hpp>

#include "io/output_claim.hpp"
#include "io/per_rank_parts.hpp"
#include "io/sonata_report_writer.hpp"
#include "io/sonata_spike_writer.hpp"

namespace parnet::io {

namespace {

namespace fs = std::filesystem;

int as_count(std::uint64_t count, const std::string& file) {
    if (count > static_cast<std::uint64_t>(INT_MAX)) {
        throw std::length_error(file + ": more than 2^31 values would be gathered to rank 0 in one append");
    }
    return static_cast<int>(count);
}

// Rank 0 receives every rank's `values` (rank 0's first); `counts` on rank 0 gets each rank's
// count. Collective; a count too large for MPI throws on every rank.
template <class T>
std::vector<T> gather_to_root(MPI_Comm comm, std::span<const T> values, MPI_Datatype type, const std::string& file,
                              std::vector<int>* counts_out = nullptr) {
    int rank = 0;
    int ranks = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    int mine = 0;
    collectively(comm, [&] { mine = as_count(values.size(), file); });
    std::vector<int> counts(rank == 0 ? static_cast<std::size_t>(ranks) : 0);
    MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm);
    std::vector<int> displacements(counts.size(), 0);
    std::uint64_t total = 0;
    collectively(comm, [&] {
        for (std::size_t r = 0; r < counts.size(); ++r) {
            displacements[r] = as_count(total, file);
            total += static_cast<std::uint64_t>(counts[r]);
        }
        as_count(total, file);
    });
    std::vector<T> all(total);
    MPI_Gatherv(values.data(), mine, type, all.data(), counts.data(), displacements.data(), type, 0, comm);
    if (counts_out != nullptr) *counts_out = std::move(counts);
    return all;
}

void broadcast(MPI_Comm comm, std::string& text) {
    int length = static_cast<int>(text.size());
    MPI_Bcast(&length, 1, MPI_INT, 0, comm);
    text.resize(static_cast<std::size_t>(length));
    MPI_Bcast(text.data(), length, MPI_CHAR, 0, comm);
}

// A saving strategy as a policy over the one writer path: which ranks run the writer, on which
// communicator and into which file, and what a per-rank part adds.
class Placement {
public:
    Placement(SavingStrategy strategy, MPI_Comm comm, fs::path final_path)
        : strategy_(strategy), comm_(comm), final_path_(std::move(final_path)) {
        // The run that claimed the folder (io/output_claim.hpp); a folder nobody claimed gets a
        // token of its own, which ties per-rank parts to their manifest all the same.
        collectively(comm_.get(), [&] {
            if (root()) token_ = claimed_token(final_path_.parent_path());
        });
        broadcast(comm_.get(), token_);
        claimed_ = !token_.empty();
        if (!claimed_) token_ = agree_run_token(comm_.get());
    }

    SavingStrategy strategy() const noexcept { return strategy_; }
    MPI_Comm comm() const noexcept { return comm_.get(); }
    int rank() const noexcept { return comm_.rank(); }
    int ranks() const noexcept { return comm_.size(); }
    bool root() const noexcept { return comm_.rank() == 0; }
    const fs::path& final_path() const noexcept { return final_path_; }
    const std::string& file() const noexcept { return final_path_.native(); }
    const std::string& token() const noexcept { return token_; }
    bool per_rank() const noexcept { return strategy_ == SavingStrategy::per_rank; }
    bool rank0() const noexcept { return strategy_ == SavingStrategy::rank0; }
    bool collective() const noexcept { return strategy_ == SavingStrategy::collective; }

    // The writer runs on every rank (collective), on this rank alone (per_rank), or on rank 0
    // alone (rank0).
    MPI_Comm writer_comm() const noexcept { return collective() ? comm_.get() : MPI_COMM_SELF; }
    OutputDriver driver() const noexcept { return collective() ? OutputDriver::mpio : OutputDriver::serial; }
    bool writes_here() const noexcept { return !rank0() || root(); }
    fs::path writer_path() const {
        return per_rank() ? part_path(ranks_folder(final_path_), rank(), final_path_.filename().string()) : final_path_;
    }

    // Runs `step` where the writer lives, with its failure agreed by every rank. (The collective
    // writer agrees by itself.)
    template <class Step>
    void at_writer(Step&& step) const {
        if (collective()) {
            step();
            return;
        }
        collectively(comm_.get(), [&] {
            if (writes_here()) step();
        });
    }

    // Collective: before the writer exists. A per-rank run removes an earlier merged file and
    // manifest (neither may pass for this run's) and makes this rank's folder.
    void prepare() const {
        if (!per_rank()) return;
        collectively(comm_.get(), [&] {
            if (root()) remove_stale_outputs(final_path_, manifest());
        });
        collectively(comm_.get(), [&] {
            const fs::path folder = writer_path().parent_path();
            std::error_code error;
            fs::create_directories(folder, error);
            if (error || !fs::is_directory(folder))
                throw input_error(folder.string() + ": cannot create this rank's output folder" +
                                  (error ? ": " + error.message() : ""));
        });
    }

    // Collective: the file may only be put in place while the folder is still this run's.
    void check_claim() const {
        if (!claimed_) return;
        collectively(comm_.get(), [&] {
            if (root()) check_still_claimed(final_path_.parent_path(), token_, file());
        });
    }

    // Collective: a per-rank part names its run, kind and rank.
    void mark_part(hid_t file, std::string_view kind, const H5Errors& errors) const {
        write_part_attributes(file, kind, rank(), ranks(), token_, errors);
    }

    // Collective: rank 0 completes a per-rank output with its manifest (fields common to both
    // kinds filled in here).
    void write_manifest_of(nlohmann::json manifest) const {
        collectively(comm_.get(), [&] {
            if (!root()) return;
            manifest["format"] = manifest_format;
            manifest["file"] = final_path_.filename().string();
            manifest["ranks"] = ranks();
            manifest["run_token"] = token_;
            nlohmann::json parts = nlohmann::json::array();
            for (int r = 0; r < ranks(); ++r) parts.push_back("rank-" + std::to_string(r) + "/" + final_path_.filename().string());
            manifest["parts"] = parts;
            manifest["complete"] = true;
            write_manifest(this->manifest(), manifest);
        });
    }

private:
    fs::path manifest() const { return manifest_path(ranks_folder(final_path_), final_path_.filename().string()); }

    SavingStrategy strategy_;
    MpiComm comm_;
    fs::path final_path_;
    std::string token_;
    bool claimed_ = false;
};

class StrategySpikeSink final : public SpikeSink {
public:
    StrategySpikeSink(SavingStrategy strategy, MPI_Comm comm, fs::path final_path, std::vector<SpikePopulation> populations)
        : place_(strategy, comm, std::move(final_path)), populations_(std::move(populations)) {
        if (!place_.collective()) validated_spike_file(place_.comm(), place_.final_path(), populations_);
        place_.prepare();
        place_.at_writer([&] {
            writer_.emplace(place_.writer_comm(), place_.writer_path(), populations_, place_.driver());
            if (place_.per_rank()) place_.mark_part(writer_->file(), "spikes", writer_->errors());
        });
        sizes_.assign(populations_.size(), 0);
    }

    void append(std::span<const Spike> local_spikes) override {
        if (finished_) throw std::logic_error("spike sink: append after finish");
        std::vector<Spike> gathered;
        if (place_.rank0()) {
            // Rank-major, each rank's spikes in its order: the collective file's order.
            const auto bytes = std::as_bytes(local_spikes);
            std::vector<std::byte> all = gather_to_root(place_.comm(), bytes, MPI_BYTE, place_.file());
            gathered.resize(all.size() / sizeof(Spike));
            if (!all.empty()) std::memcpy(gathered.data(), all.data(), all.size());
        }
        place_.at_writer([&] {
            writer_->append(place_.rank0() ? std::span<const Spike>(gathered) : local_spikes);
            if (!place_.per_rank()) return;
            for (std::size_t p = 0; p < populations_.size(); ++p) {
                append_counts_.push_back(writer_->population_size(p) - sizes_[p]);
                sizes_[p] = writer_->population_size(p);
            }
        });
        if (place_.collective()) {
            written_ = writer_->spikes_written();
        } else {
            const std::uint64_t mine = writer_ ? writer_->spikes_written() : 0;
            MPI_Allreduce(&mine, &written_, 1, MPI_UINT64_T, MPI_SUM, place_.comm());
        }
        if (!flushed_ && written_ > 0) {
            flush();
            flushed_ = true;
        }
    }

    void flush() override {
        place_.at_writer([&] { writer_->flush(); });
    }

    void finish(bool sort_by_time) override {
        if (finished_) throw std::logic_error("spike sink: finish called twice");
        place_.check_claim();
        place_.at_writer([&] {
            if (place_.per_rank()) write_append_counts();
            writer_->finish(sort_by_time);
        });
        if (place_.per_rank()) {
            nlohmann::json populations = nlohmann::json::array();
            for (const auto& population : populations_)
                populations.push_back({{"name", population.name}, {"first", population.first}, {"count", population.count},
                                       {"detector", population.detector}});
            place_.write_manifest_of({{"kind", "spikes"},
                                      {"sorting", sort_by_time ? "by_time" : "none"},
                                      {"appends", append_counts_.size() / populations_.size()},
                                      {"spikes", written_},
                                      {"populations", populations}});
        }
        finished_ = true;
    }

    std::uint64_t spikes_written() const noexcept override { return written_; }

private:
    // A per-rank part's /parnet_part/append_counts, uint64 (appends x populations): this rank's
    // spikes of each append, from which consolidation rebuilds the collective file's order.
    void write_append_counts() const {
        H5QuietErrors quiet;
        const H5Errors& errors = writer_->errors();
        H5Group group(errors.id(H5Gcreate2(writer_->file(), "parnet_part", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                "create group /parnet_part"));
        const hsize_t dims[2] = {append_counts_.size() / populations_.size(), populations_.size()};
        H5Dataspace space(errors.id(H5Screate_simple(2, dims, nullptr), "create a dataspace"));
        H5Dataset counts(errors.id(H5Dcreate2(group.get(), "append_counts", H5TypeOf<std::uint64_t>::file(), space.get(),
                                              H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                   "create dataset /parnet_part/append_counts"));
        if (!append_counts_.empty())
            errors.status(H5Dwrite(counts.get(), H5TypeOf<std::uint64_t>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                   append_counts_.data()),
                          "write dataset /parnet_part/append_counts");
    }

    Placement place_;
    std::vector<SpikePopulation> populations_;
    std::optional<SonataSpikeWriter> writer_;    // where place_.writes_here()
    std::vector<std::uint64_t> sizes_;           // per_rank: population sizes after the last append
    std::vector<std::uint64_t> append_counts_;   // per_rank: appends x populations
    std::uint64_t written_ = 0;
    bool flushed_ = false;
    bool finished_ = false;
};

class StrategyReportSink final : public ReportSink {
public:
    StrategyReportSink(SavingStrategy strategy, MPI_Comm comm, fs::path final_path, std::string population,
                       std::span<const std::uint64_t> node_ids, std::span<const std::uint32_t> element_counts,
                       std::span<const std::uint32_t> element_ids, double tstart, double tstop, double dt,
                       std::string units, ReportValueType values)
        : place_(strategy, comm, std::move(final_path)),
          local_elements_(element_ids.size()),
          expected_rows_(SonataReportWriter::rows_for(tstart, tstop, dt)) {
        if (place_.collective()) {
            writer_.emplace(place_.comm(), place_.final_path(), population, node_ids, element_counts, element_ids, tstart,
                            tstop, dt, units, values);
            total_elements_ = writer_->total_elements();
            return;
        }
        validated_report_file(place_.comm(), place_.final_path(), population, node_ids, element_counts, element_ids,
                              tstart, tstop, dt, units);
        // Rank 0 learns every node: for rank0 its writer's mapping; for per_rank the check that no
        // node is recorded twice, which the collective writer makes.
        const std::string& file = place_.file();
        const auto all_nodes = gather_to_root(place_.comm(), node_ids, MPI_UINT64_T, file);
        const auto all_counts = gather_to_root(place_.comm(), element_counts, MPI_UINT32_T, file);
        const auto all_ids = gather_to_root(place_.comm(), element_ids, MPI_UINT32_T, file, &rank_elements_);
        const std::uint64_t mine = local_elements_;
        MPI_Allreduce(&mine, &total_elements_, 1, MPI_UINT64_T, MPI_SUM, place_.comm());
        if (place_.per_rank()) {
            collectively(place_.comm(), [&] {
                if (place_.root()) build_report_mapping(all_nodes, all_counts, file, population);
            });
        }
        place_.prepare();
        place_.at_writer([&] {
            if (place_.rank0()) {
                writer_.emplace(MPI_COMM_SELF, place_.final_path(), population, all_nodes, all_counts, all_ids, tstart,
                                tstop, dt, units, values, OutputDriver::serial);
            } else {
                writer_.emplace(MPI_COMM_SELF, place_.writer_path(), population, node_ids, element_counts, element_ids,
                                tstart, tstop, dt, units, values, OutputDriver::serial);
                place_.mark_part(writer_->file(), "report", writer_->errors());
            }
        });
        population_ = std::move(population);
    }

    void append(std::span<const float> rows, std::size_t nrows) override { append_values(rows, nrows); }
    void append(std::span<const double> rows, std::size_t nrows) override { append_values(rows, nrows); }

    void flush() override {
        place_.at_writer([&] { writer_->flush(); });
    }

    void finish() override {
        if (finished_) throw std::logic_error("report sink: finish called twice");
        if (rows_written_ != expected_rows_) {
            throw input_error(place_.file() + ": the report holds " + std::to_string(rows_written_) +
                              " rows but its time range needs " + std::to_string(expected_rows_) +
                              "; the file is not kept");
        }
        place_.check_claim();
        place_.at_writer([&] { writer_->finish(); });
        if (place_.per_rank()) {
            place_.write_manifest_of(
                {{"kind", "report"}, {"population", population_}, {"rows", rows_written_}, {"elements", total_elements_}});
        }
        finished_ = true;
    }

    std::uint64_t expected_rows() const noexcept override { return expected_rows_; }
    std::uint64_t rows_written() const noexcept override { return rows_written_; }
    std::uint64_t total_elements() const noexcept override { return total_elements_; }

private:
    template <class T>
    void append_values(std::span<const T> rows, std::size_t nrows) {
        if (finished_) throw std::logic_error("report sink: append after finish");
        std::uint64_t count = 0;
        if (place_.collective()) {
            const std::uint64_t before = writer_->rows_written();
            writer_->append(rows, nrows);
            count = writer_->rows_written() - before;
        } else {
            // Every rank appends the same rows: a rank that records nothing grows its part too.
            const std::uint64_t widest = place_.rank0() ? (place_.root() ? total_elements_ : local_elements_) : 0;
            count = agree_report_rows(place_.comm(), rows.size(), nrows, local_elements_, total_elements_, rows_written_,
                                      expected_rows_, widest, place_.file());
            if (count == 0) return;
            std::vector<T> concatenated;
            if (place_.rank0()) concatenated = gather_rows(rows, count);
            place_.at_writer([&] { writer_->append(place_.rank0() ? std::span<const T>(concatenated) : rows, count); });
        }
        rows_written_ += count;
        if (!flushed_ && count > 0) {
            flush();
            flushed_ = true;
        }
    }

    // rank0: every rank's rows on rank 0, each row the ranks' values one after the other (the
    // order of the nodes rank 0's writer was given).
    template <class T>
    std::vector<T> gather_rows(std::span<const T> rows, std::uint64_t count) const {
        const std::span<const T> mine = local_elements_ > 0 ? rows : std::span<const T>();
        const std::vector<T> blocks = gather_to_root(place_.comm(), mine, H5TypeOf<T>::mpi(), place_.file());
        if (!place_.root()) return {};
        std::vector<T> concatenated(count * total_elements_);
        std::size_t block = 0;
        std::size_t column = 0;
        for (const int elements : rank_elements_) {
            const auto width = static_cast<std::size_t>(elements);
            for (std::size_t row = 0; row < count; ++row)
                std::copy_n(blocks.data() + block + row * width, width, concatenated.data() + row * total_elements_ + column);
            block += count * width;
            column += width;
        }
        return concatenated;
    }

    Placement place_;
    std::string population_;
    std::optional<SonataReportWriter> writer_;   // where place_.writes_here()
    std::vector<int> rank_elements_;             // rank0, on rank 0: values per row of each rank
    std::size_t local_elements_ = 0;
    std::uint64_t total_elements_ = 0;
    std::uint64_t expected_rows_ = 0;
    std::uint64_t rows_written_ = 0;
    bool flushed_ = false;
    bool finished_ = false;
};

}  // namespace

std::unique_ptr<SpikeSink> make_spike_sink(SavingStrategy strategy, MPI_Comm comm, std::filesystem::path final_path,
                                           std::vector<SpikePopulation> populations) {
    return std::make_unique<StrategySpikeSink>(strategy, comm, std::move(final_path), std::move(populations));
}

std::unique_ptr<ReportSink> make_report_sink(SavingStrategy strategy, MPI_Comm comm, std::filesystem::path final_path,
                                             std::string population, std::span<const std::uint64_t> local_node_ids,
                                             std::span<const std::uint32_t> local_element_counts,
                                             std::span<const std::uint32_t> local_element_ids, double tstart,
                                             double tstop, double dt, std::string units, ReportValueType values) {
    return std::make_unique<StrategyReportSink>(strategy, comm, std::move(final_path), std::move(population),
                                                local_node_ids, local_element_counts, local_element_ids, tstart, tstop,
                                                dt, std::move(units), values);
}

}  // namespace parnet::io
