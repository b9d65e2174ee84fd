#include "io/output_sinks.hpp"

#include "io/sonata_report_writer.hpp"
#include "io/strategy_sinks.hpp"

namespace parnet::io {

namespace {

// The collective strategy is the collective writers themselves.
class CollectiveSpikeSink final : public SpikeSink {
public:
    CollectiveSpikeSink(MPI_Comm comm, std::filesystem::path path, std::vector<SpikePopulation> populations)
        : writer_(comm, std::move(path), std::move(populations)) {}
    void append(std::span<const Spike> local_spikes) override { writer_.append(local_spikes); }
    void finish(bool sort_by_time) override { writer_.finish(sort_by_time); }
    void flush() override { writer_.flush(); }
    std::uint64_t spikes_written() const noexcept override { return writer_.spikes_written(); }

private:
    SonataSpikeWriter writer_;
};

class CollectiveReportSink final : public ReportSink {
public:
    template <class... Args>
    explicit CollectiveReportSink(Args&&... args) : writer_(std::forward<Args>(args)...) {}
    void append(std::span<const float> rows, std::size_t nrows) override { writer_.append(rows, nrows); }
    void finish() override { writer_.finish(); }
    void flush() override { writer_.flush(); }
    std::uint64_t expected_rows() const noexcept override { return writer_.expected_rows(); }
    std::uint64_t rows_written() const noexcept override { return writer_.rows_written(); }
    std::uint64_t total_elements() const noexcept override { return writer_.total_elements(); }

private:
    SonataReportWriter writer_;
};

}  // namespace

std::unique_ptr<SpikeSink> make_spike_sink(SavingStrategy strategy, MPI_Comm comm, std::filesystem::path final_path,
                                           std::vector<SpikePopulation> populations) {
    switch (strategy) {
        case SavingStrategy::per_rank: return make_per_rank_spike_sink(comm, std::move(final_path), std::move(populations));
        case SavingStrategy::rank0: return make_rank0_spike_sink(comm, std::move(final_path), std::move(populations));
        case SavingStrategy::collective: break;
    }
    return std::make_unique<CollectiveSpikeSink>(comm, std::move(final_path), std::move(populations));
}

std::unique_ptr<ReportSink> make_report_sink(SavingStrategy strategy, MPI_Comm comm, std::filesystem::path final_path,
                                             std::string population, std::span<const std::uint64_t> local_node_ids,
                                             std::span<const std::uint32_t> local_element_counts,
                                             std::span<const std::uint32_t> local_element_ids, double tstart,
                                             double tstop, double dt, std::string units) {
    switch (strategy) {
        case SavingStrategy::per_rank:
            return make_per_rank_report_sink(comm, std::move(final_path), std::move(population), local_node_ids,
                                             local_element_counts, local_element_ids, tstart, tstop, dt, std::move(units));
        case SavingStrategy::rank0:
            return make_rank0_report_sink(comm, std::move(final_path), std::move(population), local_node_ids,
                                          local_element_counts, local_element_ids, tstart, tstop, dt, std::move(units));
        case SavingStrategy::collective: break;
    }
    return std::make_unique<CollectiveReportSink>(comm, std::move(final_path), std::move(population), local_node_ids,
                                                  local_element_counts, local_element_ids, tstart, tstop, dt,
                                                  std::move(units));
}

}  // namespace parnet::io
