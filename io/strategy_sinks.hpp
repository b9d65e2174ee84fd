#pragma once
// The sink of each saving strategy; make_spike_sink / make_report_sink (io/output_sinks.hpp)
// choose among them. Arguments and contracts as there.
#include "io/output_sinks.hpp"

namespace parnet::io {

std::unique_ptr<SpikeSink> make_rank0_spike_sink(MPI_Comm comm, std::filesystem::path final_path,
                                                 std::vector<SpikePopulation> populations);
std::unique_ptr<SpikeSink> make_per_rank_spike_sink(MPI_Comm comm, std::filesystem::path final_path,
                                                    std::vector<SpikePopulation> populations);

std::unique_ptr<ReportSink> make_rank0_report_sink(MPI_Comm comm, std::filesystem::path final_path,
                                                   std::string population, std::span<const std::uint64_t> local_node_ids,
                                                   std::span<const std::uint32_t> local_element_counts,
                                                   std::span<const std::uint32_t> local_element_ids, double tstart,
                                                   double tstop, double dt, std::string units);
std::unique_ptr<ReportSink> make_per_rank_report_sink(MPI_Comm comm, std::filesystem::path final_path,
                                                      std::string population,
                                                      std::span<const std::uint64_t> local_node_ids,
                                                      std::span<const std::uint32_t> local_element_counts,
                                                      std::span<const std::uint32_t> local_element_ids, double tstart,
                                                      double tstop, double dt, std::string units);

}  // namespace parnet::io
