// The per_rank saving strategy: every rank writes its own serial HDF5 file (no MPI-IO) in its
// own folder, <output>/ranks/rank-<r>/<file>, as the run goes; finish() completes the parts and
// rank 0 writes <output>/ranks/<file>.manifest.json. The `consolidate` program merges the parts
// into the SONATA file the collective strategy would have written (io/consolidation.hpp).
//
// What a part holds beyond the SONATA layout, so consolidation can reproduce the collective file:
//   spikes: /parnet_part/append_counts, uint64 (appends x populations): this rank's spikes of
//           each append (the collective unsorted order is append by append, rank 0 first);
//           sorted at finish(true) within the part (consolidation merges the sorted parts).
//   report: only this rank's nodes, columns in ascending node id (a SONATA report of its own).
#include <algorithm>
#include <climits>
#include <numeric>
#include <system_error>

#include "io/collective_output_file.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/per_rank_parts.hpp"
#include "io/serial_sonata_files.hpp"
#include "io/sonata_report_writer.hpp"
#include "io/strategy_sinks.hpp"

namespace parnet::io {

namespace {

void make_part_folder(const std::filesystem::path& part) {
    std::error_code error;
    std::filesystem::create_directories(part.parent_path(), error);
    if (error || !std::filesystem::is_directory(part.parent_path())) {
        throw input_error(part.parent_path().string() + ": cannot create this rank's output folder" +
                          (error ? ": " + error.message() : ""));
    }
}

nlohmann::json part_list(int ranks, const std::string& file_name) {
    nlohmann::json parts = nlohmann::json::array();
    for (int r = 0; r < ranks; ++r) parts.push_back("rank-" + std::to_string(r) + "/" + file_name);
    return parts;
}

class PerRankSpikeSink final : public SpikeSink {
public:
    PerRankSpikeSink(MPI_Comm comm, std::filesystem::path final_path, std::vector<SpikePopulation> populations)
        : comm_(comm),
          path_(validated_spike_file(comm_.get(), std::move(final_path), populations)),
          ranks_dir_(ranks_folder(path_)),
          file_name_(path_.filename().string()),
          manifest_(manifest_path(ranks_dir_, file_name_)),
          token_(agree_run_token(comm_.get())),
          router_(std::move(populations)) {
        collectively(comm_.get(), [&] {
            if (comm_.rank() == 0) remove_stale_outputs(path_, manifest_);
        });
        collectively(comm_.get(), [&] {
            const std::filesystem::path part = part_path(ranks_dir_, comm_.rank(), file_name_);
            make_part_folder(part);
            file_ = std::make_unique<SerialSpikeFile>(part, router_.populations());
            write_part_attributes(file_->file(), "spikes", comm_.rank(), comm_.size(), token_, file_->errors());
        });
    }

    void append(std::span<const Spike> local_spikes) override {
        if (finished_) throw std::logic_error("per-rank spike sink: append after finish");
        std::uint64_t local_total = 0;
        collectively(comm_.get(), [&] {
            H5QuietErrors quiet;
            router_.split(local_spikes, times_, node_ids_, file_->errors().file());
            for (std::size_t p = 0; p < times_.size(); ++p) {
                file_->append(p, times_[p], node_ids_[p]);
                append_counts_.push_back(times_[p].size());
                local_total += times_[p].size();
            }
        });
        std::uint64_t total = 0;
        MPI_Allreduce(&local_total, &total, 1, MPI_UINT64_T, MPI_SUM, comm_.get());
        written_ += total;
    }

    void flush() override {
        collectively(comm_.get(), [&] {
            H5QuietErrors quiet;
            if (file_) file_->errors().status(H5Fflush(file_->file(), H5F_SCOPE_LOCAL), "write to the disk (is it full?)");
        });
    }

    void finish(bool sort_by_time) override {
        if (finished_) throw std::logic_error("per-rank spike sink: finish called twice");
        collectively(comm_.get(), [&] {
            H5QuietErrors quiet;
            const H5Errors& errors = file_->errors();
            H5Group group(errors.id(H5Gcreate2(file_->file(), "parnet_part", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                    "create group /parnet_part"));
            const hsize_t dims[2] = {append_counts_.size() / router_.populations().size(), router_.populations().size()};
            H5Dataspace space(errors.id(H5Screate_simple(2, dims, nullptr), "create a dataspace"));
            H5Dataset counts(errors.id(H5Dcreate2(group.get(), "append_counts", H5TypeOf<std::uint64_t>::file(),
                                                  space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                       "create dataset /parnet_part/append_counts"));
            write_whole<std::uint64_t>(counts.get(), append_counts_, errors);
            counts.close();
            group.close();
            if (sort_by_time) file_->sort_by_time();
            file_->finish(sort_by_time ? SpikeSorting::by_time : SpikeSorting::none);
        });
        collectively(comm_.get(), [&] {
            if (comm_.rank() != 0) return;
            nlohmann::json manifest;
            manifest["format"] = manifest_format;
            manifest["kind"] = "spikes";
            manifest["file"] = file_name_;
            manifest["ranks"] = comm_.size();
            manifest["run_token"] = token_;
            manifest["sorting"] = sort_by_time ? "by_time" : "none";
            manifest["appends"] = append_counts_.size() / router_.populations().size();
            manifest["spikes"] = written_;
            nlohmann::json populations = nlohmann::json::array();
            for (const auto& population : router_.populations()) {
                populations.push_back({{"name", population.name}, {"first", population.first}, {"count", population.count}});
            }
            manifest["populations"] = populations;
            manifest["parts"] = part_list(comm_.size(), file_name_);
            manifest["complete"] = true;
            write_manifest(manifest_, manifest);
        });
        finished_ = true;
    }

    std::uint64_t spikes_written() const noexcept override { return written_; }

private:
    MpiComm comm_;
    std::filesystem::path path_;
    std::filesystem::path ranks_dir_;
    std::string file_name_;
    std::filesystem::path manifest_;
    std::string token_;
    SpikeRouter router_;
    std::unique_ptr<SerialSpikeFile> file_;   // destroyed unfinished, removes its ".part" (rank-local)
    std::vector<std::vector<double>> times_;
    std::vector<std::vector<std::uint64_t>> node_ids_;
    std::vector<std::uint64_t> append_counts_;   // appends x populations, this rank
    std::uint64_t written_ = 0;
    bool finished_ = false;
};

class PerRankReportSink final : public ReportSink {
public:
    PerRankReportSink(MPI_Comm comm, std::filesystem::path final_path, std::string population,
                      std::span<const std::uint64_t> node_ids, std::span<const std::uint32_t> element_counts,
                      std::span<const std::uint32_t> element_ids, double tstart, double tstop, double dt,
                      std::string units)
        : comm_(comm),
          path_(validated_report_file(comm_.get(), std::move(final_path), population, node_ids, element_counts,
                                      element_ids, tstart, tstop, dt, units)),
          ranks_dir_(ranks_folder(path_)),
          file_name_(path_.filename().string()),
          manifest_(manifest_path(ranks_dir_, file_name_)),
          token_(agree_run_token(comm_.get())),
          population_(std::move(population)),
          local_elements_(element_ids.size()),
          expected_rows_(SonataReportWriter::rows_for(tstart, tstop, dt)) {
        const std::string file = path_.string();
        // Every rank checks that no node is recorded twice anywhere, as the collective writer does.
        const auto ranks = static_cast<std::size_t>(comm_.size());
        const int my_nodes = static_cast<int>(node_ids.size());
        std::vector<int> node_counts(ranks);
        MPI_Allgather(&my_nodes, 1, MPI_INT, node_counts.data(), 1, MPI_INT, comm_.get());
        std::vector<int> displacements(ranks, 0);
        std::partial_sum(node_counts.begin(), node_counts.end() - 1, displacements.begin() + 1);
        const auto total_nodes = static_cast<std::size_t>(displacements.back() + node_counts.back());
        std::vector<std::uint64_t> all_nodes(total_nodes);
        std::vector<std::uint32_t> all_counts(total_nodes);
        MPI_Allgatherv(node_ids.data(), my_nodes, MPI_UINT64_T, all_nodes.data(), node_counts.data(),
                       displacements.data(), MPI_UINT64_T, comm_.get());
        MPI_Allgatherv(element_counts.data(), my_nodes, MPI_UINT32_T, all_counts.data(), node_counts.data(),
                       displacements.data(), MPI_UINT32_T, comm_.get());
        total_elements_ = build_report_mapping(all_nodes, all_counts, file, population_).total_elements;

        // This rank's part: its own nodes in ascending node id.
        const ReportMapping local = build_report_mapping(node_ids, element_counts, file, population_);
        column_of_value_.resize(local_elements_);
        std::vector<std::uint32_t> ids_by_column(local_elements_);
        std::size_t value = 0;
        for (std::size_t i = 0; i < node_ids.size(); ++i) {
            for (std::uint32_t k = 0; k < element_counts[i]; ++k, ++value) {
                column_of_value_[value] = local.column_of[i] + k;
                ids_by_column[column_of_value_[value]] = element_ids[value];
            }
        }
        collectively(comm_.get(), [&] {
            if (comm_.rank() == 0) remove_stale_outputs(path_, manifest_);
        });
        collectively(comm_.get(), [&] {
            const std::filesystem::path part = part_path(ranks_dir_, comm_.rank(), file_name_);
            make_part_folder(part);
            file_ = std::make_unique<SerialReportFile>(part, population_, local, ids_by_column, tstart, tstop, dt, units);
            write_part_attributes(file_->file(), "report", comm_.rank(), comm_.size(), token_, file_->errors());
        });
    }

    void append(std::span<const float> rows, std::size_t nrows) override {
        if (finished_) throw std::logic_error("per-rank report sink: append after finish");
        const std::uint64_t count = agree_report_rows(comm_.get(), rows.size(), nrows, local_elements_, total_elements_,
                                                      rows_written_, expected_rows_, 0, path_.string());
        if (count == 0) return;
        collectively(comm_.get(), [&] {
            // Ranks that record nothing still grow their (empty-column) data by the same rows.
            block_.resize(count * local_elements_);
            for (std::size_t row = 0; row < (local_elements_ > 0 ? count : 0); ++row) {
                const float* in = rows.data() + row * local_elements_;
                float* out = block_.data() + row * local_elements_;
                for (std::size_t j = 0; j < local_elements_; ++j) out[column_of_value_[j]] = in[j];
            }
            file_->append_rows(block_, count);
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
        if (finished_) throw std::logic_error("per-rank report sink: finish called twice");
        if (rows_written_ != expected_rows_) {
            throw input_error(path_.string() + ": the report holds " + std::to_string(rows_written_) +
                              " rows but its time range needs " + std::to_string(expected_rows_) +
                              "; the file is not kept");
        }
        collectively(comm_.get(), [&] { file_->finish(); });
        collectively(comm_.get(), [&] {
            if (comm_.rank() != 0) return;
            nlohmann::json manifest;
            manifest["format"] = manifest_format;
            manifest["kind"] = "report";
            manifest["file"] = file_name_;
            manifest["population"] = population_;
            manifest["ranks"] = comm_.size();
            manifest["run_token"] = token_;
            manifest["rows"] = rows_written_;
            manifest["elements"] = total_elements_;
            manifest["parts"] = part_list(comm_.size(), file_name_);
            manifest["complete"] = true;
            write_manifest(manifest_, manifest);
        });
        finished_ = true;
    }

    std::uint64_t expected_rows() const noexcept override { return expected_rows_; }
    std::uint64_t rows_written() const noexcept override { return rows_written_; }
    std::uint64_t total_elements() const noexcept override { return total_elements_; }

private:
    MpiComm comm_;
    std::filesystem::path path_;
    std::filesystem::path ranks_dir_;
    std::string file_name_;
    std::filesystem::path manifest_;
    std::string token_;
    std::string population_;
    std::size_t local_elements_ = 0;
    std::uint64_t total_elements_ = 0;
    std::uint64_t expected_rows_ = 0;
    std::uint64_t rows_written_ = 0;
    std::vector<std::uint64_t> column_of_value_;   // part column of each of this rank's values
    std::vector<float> block_;
    std::unique_ptr<SerialReportFile> file_;
    bool finished_ = false;
};

}  // namespace

std::unique_ptr<SpikeSink> make_per_rank_spike_sink(MPI_Comm comm, std::filesystem::path final_path,
                                                    std::vector<SpikePopulation> populations) {
    return std::make_unique<PerRankSpikeSink>(comm, std::move(final_path), std::move(populations));
}

std::unique_ptr<ReportSink> make_per_rank_report_sink(MPI_Comm comm, std::filesystem::path final_path,
                                                      std::string population,
                                                      std::span<const std::uint64_t> local_node_ids,
                                                      std::span<const std::uint32_t> local_element_counts,
                                                      std::span<const std::uint32_t> local_element_ids, double tstart,
                                                      double tstop, double dt, std::string units) {
    return std::make_unique<PerRankReportSink>(comm, std::move(final_path), std::move(population), local_node_ids,
                                               local_element_counts, local_element_ids, tstart, tstop, dt,
                                               std::move(units));
}

}  // namespace parnet::io
