#pragma once
// The objects of SONATA spike and report files exactly as parnet lays them out (types, chunking,
// attributes; docs/file-formats.md), shared by every way of writing them: the collective writers,
// the rank-0 and per-rank sinks, and the consolidation of per-rank files. Sharing the layout is
// what makes the three saving strategies give byte-for-byte the same datasets.
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/types.hpp"
#include "io/hdf5_handle.hpp"

namespace parnet::io {

// ---- spikes ----------------------------------------------------------------------------------

// A node population in the spike file: gids first .. first + count - 1, node_id = gid - first,
// spikes of detector `detector` (0: the cells' own; d >= 1: a cable cell's further detector d,
// written as a population of its own named "<population>.<detector name>", docs/file-formats.md).
struct SpikePopulation {
    std::string name;
    Gid first = 0;
    Gid count = 0;
    std::uint32_t detector = 0;
};

// Elements per chunk of the extendible spike datasets: 512 KiB per chunk, few chunks per file.
inline constexpr hsize_t spike_chunk_elements = 1u << 16;

// libsonata's `sorting` attribute values.
enum class SpikeSorting : std::uint8_t { none = 0, by_id = 1, by_time = 2 };

// One spike as sorted at finish(true): (time, node_id).
struct SpikeRecord {
    double time;
    std::uint64_t node_id;
};
static_assert(sizeof(SpikeRecord) == 16);

// The total order of a sorted spike file: time, then node id, then -0.0 before +0.0, so the
// bytes never depend on who sorted.
bool spike_record_order(const SpikeRecord& a, const SpikeRecord& b);

// Creates (create = true) or overwrites the `sorting` enum attribute of a population group.
void write_spike_sorting(hid_t group, SpikeSorting sorting, bool create, const H5Errors& errors);
// Reads it back (any value of the uint8 enum).
SpikeSorting read_spike_sorting(hid_t group, const H5Errors& errors);

// /spikes/<name> with its two empty extendible datasets and attributes (sorting = none).
struct SpikePopulationObjects {
    H5Group group;
    H5Dataset timestamps;
    H5Dataset node_ids;
};
SpikePopulationObjects create_spike_population(hid_t spikes_group, const std::string& name, const H5Errors& errors);

// Collective: checks the populations (names, overlaps) and that every rank passed the same path
// and populations; throws input_error on every rank otherwise. Returns `path`.
std::filesystem::path validated_spike_file(MPI_Comm comm, std::filesystem::path path,
                                           const std::vector<SpikePopulation>& populations);

// Sorts spikes into per-population (time, node_id) columns.
class SpikeRouter {
public:
    explicit SpikeRouter(std::vector<SpikePopulation> populations);
    const std::vector<SpikePopulation>& populations() const noexcept { return populations_; }
    // Clears and fills times[p], node_ids[p] for each population p; spikes of gids in no
    // population are skipped; a non-finite time throws input_error naming `file`.
    void split(std::span<const Spike> spikes, std::vector<std::vector<double>>& times,
               std::vector<std::vector<std::uint64_t>>& node_ids, const std::string& file) const;

private:
    std::vector<SpikePopulation> populations_;
    std::vector<std::size_t> order_;   // indices of populations_ by ascending first gid
};

// ---- reports ---------------------------------------------------------------------------------

// Columns of a report in ascending node id, from the recorded nodes in any order.
struct ReportMapping {
    std::vector<std::uint64_t> node_ids;         // ascending
    std::vector<std::uint64_t> index_pointers;   // node_ids.size() + 1
    std::vector<std::uint64_t> column_of;        // first column of input node i
    std::uint64_t total_elements = 0;
};
// Throws input_error (naming file and population) if a node appears twice.
ReportMapping build_report_mapping(std::span<const std::uint64_t> node_ids,
                                   std::span<const std::uint32_t> element_counts, const std::string& file,
                                   const std::string& population);

// /report/<population>/{data, mapping/{node_ids, index_pointers, element_ids, time}} with their
// attributes, empty (mapping datasets sized, data with 0 rows).
struct ReportObjects {
    H5Dataset node_ids;
    H5Dataset index_pointers;
    H5Dataset element_ids;
    H5Dataset time;
    H5Dataset data;
};
// The stored type of a report's data (the "dtype" of a trace, docs/model-format.md): float32 as
// NEURON's and libsonata's reports, float64 to keep every bit of the simulation's doubles.
enum class ReportValueType { float32, float64 };
ReportValueType parse_report_value_type(std::string_view name);   // "float32" | "float64"
const char* report_value_type_name(ReportValueType type);

ReportObjects create_report_objects(hid_t file, const std::string& population, std::uint64_t nodes,
                                    std::uint64_t elements, const std::string& units, ReportValueType values,
                                    const H5Errors& errors);

// Collective: the report writer's argument checks and the agreement of every rank on path,
// population, times and units. Returns `path`.
std::filesystem::path validated_report_file(MPI_Comm comm, std::filesystem::path path, const std::string& population,
                                            std::span<const std::uint64_t> node_ids,
                                            std::span<const std::uint32_t> element_counts,
                                            std::span<const std::uint32_t> element_ids, double tstart, double tstop,
                                            double dt, const std::string& units);

}  // namespace parnet::io

namespace parnet::io {

// Collective: the checks of one report append and the number of rows all ranks append (the
// largest nrows). `values` is rows.size() on this rank,
// `widest` the most values per row this rank moves in one message.
std::uint64_t agree_report_rows(MPI_Comm comm, std::size_t values, std::size_t nrows, std::size_t local_elements,
                                std::uint64_t total_elements, std::uint64_t rows_written, std::uint64_t expected_rows,
                                std::uint64_t widest, const std::string& file);

}  // namespace parnet::io
