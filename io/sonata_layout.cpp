#include "io/sonata_layout.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "io/output_file.hpp"
#include "io/hdf5_attributes.hpp"

namespace parnet::io {

namespace {

// Target chunk of the report data: 64 Ki values (256 KiB), as wide as the report up to 1024
// columns, so a time block of a few hundred rows fills whole chunks.
constexpr hsize_t report_chunk_values = 1u << 16;
constexpr hsize_t report_chunk_max_columns = 1024;

H5Datatype sorting_enum_type(const H5Errors& errors) {
    H5Datatype type(errors.id(H5Tenum_create(H5T_STD_U8LE), "create the sorting enum type"));
    const std::pair<const char*, SpikeSorting> members[] = {
        {"none", SpikeSorting::none}, {"by_id", SpikeSorting::by_id}, {"by_time", SpikeSorting::by_time}};
    for (const auto& [name, value] : members) {
        const auto raw = static_cast<std::uint8_t>(value);
        errors.status(H5Tenum_insert(type.get(), name, &raw), "add a member to the sorting enum type");
    }
    return type;
}

bool valid_link_name(const std::string& name) {
    return !name.empty() && name != "." && name.find('/') == std::string::npos;
}

std::string describe_spike_file(const std::filesystem::path& path, const std::vector<SpikePopulation>& populations) {
    std::ostringstream text;
    text << path.string();
    for (const auto& population : populations) text << '\n' << population.name << ' ' << population.first << ' ' << population.count << ' ' << population.detector;
    return text.str();
}

std::string describe_report(const std::filesystem::path& path, const std::string& population, double tstart,
                            double tstop, double dt, const std::string& units) {
    std::ostringstream text;
    text << path.string() << '\n'
         << population << '\n'
         << std::bit_cast<std::uint64_t>(tstart) << ' ' << std::bit_cast<std::uint64_t>(tstop) << ' '
         << std::bit_cast<std::uint64_t>(dt) << '\n'
         << units;
    return text.str();
}

}  // namespace

bool spike_record_order(const SpikeRecord& a, const SpikeRecord& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.node_id != b.node_id) return a.node_id < b.node_id;
    // -0.0 == +0.0: order them too, so the bytes in the file never depend on the rank count.
    return std::signbit(a.time) && !std::signbit(b.time);
}

void write_spike_sorting(hid_t group, SpikeSorting sorting, bool create, const H5Errors& errors) {
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

SpikeSorting read_spike_sorting(hid_t group, const H5Errors& errors) {
    H5Attribute attribute(errors.id(H5Aopen(group, "sorting", H5P_DEFAULT), "open attribute 'sorting'"));
    H5Datatype type = sorting_enum_type(errors);
    std::uint8_t raw = 0;
    errors.status(H5Aread(attribute.get(), type.get(), &raw), "read attribute 'sorting'");
    return static_cast<SpikeSorting>(raw);
}

SpikePopulationObjects create_spike_population(hid_t spikes_group, const std::string& name, const H5Errors& errors) {
    const std::string where = "/spikes/" + name;
    SpikePopulationObjects objects;
    objects.group = H5Group(errors.id(H5Gcreate2(spikes_group, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                      "create group " + where));
    const hsize_t initial = 0;
    const hsize_t unlimited = H5S_UNLIMITED;
    H5Dataspace space(errors.id(H5Screate_simple(1, &initial, &unlimited), "create an extendible dataspace"));
    H5PropertyList creation(errors.id(H5Pcreate(H5P_DATASET_CREATE), "create a dataset creation property list"));
    errors.status(H5Pset_chunk(creation.get(), 1, &spike_chunk_elements), "set the chunk size");
    // Every element is written; filling new chunks first would only cost time.
    errors.status(H5Pset_fill_time(creation.get(), H5D_FILL_TIME_NEVER), "turn off fill values");
    objects.timestamps = H5Dataset(errors.id(H5Dcreate2(objects.group.get(), "timestamps", H5TypeOf<double>::file(),
                                                        space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
                                             "create dataset " + where + "/timestamps"));
    write_string_attribute(objects.timestamps.get(), "units", "ms", errors);
    objects.node_ids = H5Dataset(errors.id(H5Dcreate2(objects.group.get(), "node_ids", H5TypeOf<std::uint64_t>::file(),
                                                      space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
                                           "create dataset " + where + "/node_ids"));
    write_spike_sorting(objects.group.get(), SpikeSorting::none, true, errors);
    return objects;
}

std::filesystem::path validated_spike_file(MPI_Comm comm, std::filesystem::path path,
                                           const std::vector<SpikePopulation>& populations) {
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
        // Populations of one detector must not share gids (those of a cell's further detectors
        // cover the same gids as its own population).
        std::sort(by_first.begin(), by_first.end(), [](auto* a, auto* b) {
            return a->detector < b->detector || (a->detector == b->detector && a->first < b->first);
        });
        for (std::size_t i = 1; i < by_first.size(); ++i) {
            const auto* previous = by_first[i - 1];
            if (previous->detector == by_first[i]->detector &&
                std::uint64_t{previous->first} + previous->count > by_first[i]->first) {
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
    if (!same_on_every_rank(comm, describe_spike_file(path, populations))) {
        throw input_error(path.string() + ": the ranks passed different file names or populations to the spike writer");
    }
    return path;
}

SpikeRouter::SpikeRouter(std::vector<SpikePopulation> populations) : populations_(std::move(populations)) {
    order_.resize(populations_.size());
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
        const auto& x = populations_[a];
        const auto& y = populations_[b];
        return x.detector < y.detector || (x.detector == y.detector && x.first < y.first);
    });
}

void SpikeRouter::split(std::span<const Spike> spikes, std::vector<std::vector<double>>& times,
                        std::vector<std::vector<std::uint64_t>>& node_ids, const std::string& file) const {
    times.resize(populations_.size());
    node_ids.resize(populations_.size());
    for (auto& column : times) column.clear();
    for (auto& column : node_ids) column.clear();
    for (const Spike& spike : spikes) {
        // The population of the spike's detector with the largest first gid <= spike.source, if it
        // holds the gid.
        const auto after = std::upper_bound(order_.begin(), order_.end(), spike, [&](const Spike& x, std::size_t p) {
            const auto& pop = populations_[p];
            return x.detector < pop.detector || (x.detector == pop.detector && x.source < pop.first);
        });
        if (after == order_.begin()) continue;
        const std::size_t p = *(after - 1);
        const SpikePopulation& population = populations_[p];
        if (population.detector != spike.detector || spike.source - population.first >= population.count) continue;
        if (!std::isfinite(spike.time)) {
            throw input_error(file + ": spike of gid " + std::to_string(spike.source) +
                              " has a time that is not a finite number");
        }
        times[p].push_back(spike.time);
        node_ids[p].push_back(spike.source - population.first);
    }
}

ReportMapping build_report_mapping(std::span<const std::uint64_t> node_ids,
                                   std::span<const std::uint32_t> element_counts, const std::string& file,
                                   const std::string& population) {
    const std::size_t total_nodes = node_ids.size();
    std::vector<std::size_t> by_node(total_nodes);
    std::iota(by_node.begin(), by_node.end(), std::size_t{0});
    std::sort(by_node.begin(), by_node.end(), [&](std::size_t a, std::size_t b) { return node_ids[a] < node_ids[b]; });
    for (std::size_t i = 1; i < total_nodes; ++i) {
        if (node_ids[by_node[i]] == node_ids[by_node[i - 1]]) {
            throw input_error(file + ": node " + std::to_string(node_ids[by_node[i]]) + " of population '" +
                              population + "' is recorded twice");
        }
    }
    ReportMapping mapping;
    mapping.node_ids.resize(total_nodes);
    mapping.index_pointers.assign(total_nodes + 1, 0);
    mapping.column_of.resize(total_nodes);
    for (std::size_t i = 0; i < total_nodes; ++i) {
        mapping.node_ids[i] = node_ids[by_node[i]];
        mapping.column_of[by_node[i]] = mapping.index_pointers[i];
        mapping.index_pointers[i + 1] = mapping.index_pointers[i] + element_counts[by_node[i]];
    }
    mapping.total_elements = mapping.index_pointers.back();
    return mapping;
}

ReportValueType parse_report_value_type(std::string_view name) {
    if (name == "float32") return ReportValueType::float32;
    if (name == "float64") return ReportValueType::float64;
    throw input_error("unknown report value type '" + std::string(name) + "': expected float32 or float64");
}

const char* report_value_type_name(ReportValueType type) {
    return type == ReportValueType::float64 ? "float64" : "float32";
}

ReportObjects create_report_objects(hid_t file, const std::string& population, std::uint64_t nodes,
                                    std::uint64_t elements, const std::string& units, ReportValueType values,
                                    const H5Errors& errors) {
    const std::string where = "/report/" + population;
    H5Group report(errors.id(H5Gcreate2(file, "report", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create group /report"));
    H5Group group(errors.id(H5Gcreate2(report.get(), population.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                            "create group " + where));
    H5Group mapping(errors.id(H5Gcreate2(group.get(), "mapping", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                              "create group " + where + "/mapping"));
    auto fixed_dataset = [&](const char* name, hid_t type, hsize_t size) {
        H5Dataspace space(errors.id(H5Screate_simple(1, &size, nullptr), "create a dataspace"));
        return H5Dataset(errors.id(H5Dcreate2(mapping.get(), name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                   "create dataset " + where + "/mapping/" + name));
    };
    ReportObjects objects;
    objects.node_ids = fixed_dataset("node_ids", H5TypeOf<std::uint64_t>::file(), nodes);
    // libsonata skips re-sorting the mapping when this flag is set.
    write_scalar_attribute<std::uint8_t>(objects.node_ids.get(), "sorted", 1, errors);
    objects.index_pointers = fixed_dataset("index_pointers", H5TypeOf<std::uint64_t>::file(), nodes + 1);
    objects.element_ids = fixed_dataset("element_ids", H5TypeOf<std::uint32_t>::file(), elements);
    objects.time = fixed_dataset("time", H5TypeOf<double>::file(), 3);
    write_string_attribute(objects.time.get(), "units", "ms", errors);

    // data: [time, element], extendible in time.
    const hsize_t columns = elements;
    const hsize_t initial[2] = {0, columns};
    const hsize_t maximum[2] = {H5S_UNLIMITED, columns > 0 ? columns : H5S_UNLIMITED};
    const hsize_t chunk_columns = std::clamp<hsize_t>(columns, 1, report_chunk_max_columns);
    const hsize_t chunk[2] = {std::max<hsize_t>(1, report_chunk_values / chunk_columns), chunk_columns};
    H5Dataspace space(errors.id(H5Screate_simple(2, initial, maximum), "create an extendible dataspace"));
    H5PropertyList creation(errors.id(H5Pcreate(H5P_DATASET_CREATE), "create a dataset creation property list"));
    errors.status(H5Pset_chunk(creation.get(), 2, chunk), "set the chunk size");
    errors.status(H5Pset_fill_time(creation.get(), H5D_FILL_TIME_NEVER), "turn off fill values");
    const hid_t type = values == ReportValueType::float64 ? H5TypeOf<double>::file() : H5TypeOf<float>::file();
    objects.data = H5Dataset(errors.id(
        H5Dcreate2(group.get(), "data", type, space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
        "create dataset " + where + "/data"));
    write_string_attribute(objects.data.get(), "units", units, errors);
    return objects;
}

std::filesystem::path validated_report_file(MPI_Comm comm, std::filesystem::path path, const std::string& population,
                                            std::span<const std::uint64_t> node_ids,
                                            std::span<const std::uint32_t> element_counts,
                                            std::span<const std::uint32_t> element_ids, double tstart, double tstop,
                                            double dt, const std::string& units) {
    collectively(comm, [&] {
        const std::string file = path.string();
        if (!valid_link_name(population)) {
            throw input_error(file + ": population name '" + population +
                              "' cannot name an HDF5 group (empty, '.' or containing '/')");
        }
        if (!(std::isfinite(tstart) && std::isfinite(tstop) && std::isfinite(dt)) || dt <= 0 || tstop <= tstart) {
            std::ostringstream message;
            message << file << ": report times must satisfy tstart < tstop and dt > 0, got tstart " << tstart
                    << ", tstop " << tstop << ", dt " << dt;
            throw input_error(message.str());
        }
        if (element_counts.size() != node_ids.size()) {
            throw std::invalid_argument(file + ": " + std::to_string(node_ids.size()) + " node ids but " +
                                        std::to_string(element_counts.size()) + " element counts");
        }
        const std::uint64_t elements =
            std::accumulate(element_counts.begin(), element_counts.end(), std::uint64_t{0});
        if (elements != element_ids.size()) {
            throw std::invalid_argument(file + ": element counts add up to " + std::to_string(elements) + " but " +
                                        std::to_string(element_ids.size()) + " element ids were given");
        }
        if (elements > UINT32_MAX) throw std::invalid_argument(file + ": more than 2^32 report values on one rank");
    });
    if (!same_on_every_rank(comm, describe_report(path, population, tstart, tstop, dt, units))) {
        throw input_error(path.string() +
                          ": the ranks passed different file names, populations, times or units to the report writer");
    }
    return path;
}

}  // namespace parnet::io

namespace parnet::io {

std::uint64_t agree_report_rows(MPI_Comm comm, std::size_t values, std::size_t nrows, std::size_t local_elements,
                                std::uint64_t total_elements, std::uint64_t rows_written, std::uint64_t expected_rows,
                                std::uint64_t widest, const std::string& file) {
    // [max nrows, max nrows of ranks with values, ~min nrows of ranks with values]
    const bool has_values = local_elements > 0;
    const std::uint64_t mine[3] = {nrows, has_values ? nrows : 0, has_values ? ~std::uint64_t{nrows} : 0};
    std::uint64_t largest[3] = {0, 0, 0};
    MPI_Allreduce(mine, largest, 3, MPI_UINT64_T, MPI_MAX, comm);
    const std::uint64_t count = largest[0];
    collectively(comm, [&] {
        if (values != local_elements * nrows) {
            throw std::invalid_argument(file + ": append got " + std::to_string(values) + " values for " +
                                        std::to_string(nrows) + " rows of " + std::to_string(local_elements) +
                                        " values on this rank");
        }
        if (total_elements > 0 && (largest[1] != count || ~largest[2] != count)) {
            throw input_error(file + ": ranks appended different numbers of rows (from " + std::to_string(~largest[2]) +
                              " to " + std::to_string(count) + ") in one append");
        }
        if (rows_written + count > expected_rows) {
            throw input_error(file + ": appending " + std::to_string(count) + " rows to " + std::to_string(rows_written) +
                              " would pass the " + std::to_string(expected_rows) + " rows of the report's time range");
        }
        if (count * widest > static_cast<std::uint64_t>(INT_MAX)) {
            throw std::length_error(file + ": one append of " + std::to_string(count) +
                                    " rows is too large to exchange; append fewer rows at a time");
        }
    });
    return count;
}

}  // namespace parnet::io
