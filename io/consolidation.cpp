#include "io/consolidation.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <queue>
#include <system_error>

#include <nlohmann/json.hpp>

#include "engine/errors.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/per_rank_parts.hpp"
#include "io/output_claim.hpp"
#include "io/sonata_report_writer.hpp"
#include "io/sonata_spike_writer.hpp"

namespace parnet::io {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Records moved per read or write while merging: 1 MiB of spikes.
constexpr std::size_t spike_block = 1u << 16;
// Report values held per block of rows: 16 MiB.
constexpr std::uint64_t report_block_values = 1u << 22;

json read_manifest(const fs::path& path) {
    std::ifstream in(path);
    if (!in) throw input_error(path.string() + ": cannot open the manifest");
    json manifest;
    try {
        in >> manifest;
    } catch (const json::exception& error) {
        throw input_error(path.string() + ": not a valid manifest (" + error.what() + ")");
    }
    auto require = [&](const char* key) -> const json& {
        if (!manifest.is_object() || !manifest.contains(key)) {
            throw input_error(path.string() + ": the manifest has no '" + key + "'");
        }
        return manifest.at(key);
    };
    if (require("format") != manifest_format) throw input_error(path.string() + ": not a parnet per-rank manifest");
    if (require("complete") != true) throw input_error(path.string() + ": the run did not finish writing its parts");
    for (const char* key : {"kind", "file", "ranks", "run_token", "parts"}) require(key);
    if (!manifest["ranks"].is_number_unsigned() || manifest["ranks"].get<int>() < 1 || !manifest["parts"].is_array() ||
        manifest["parts"].size() != manifest["ranks"].get<std::size_t>()) {
        throw input_error(path.string() + ": 'parts' must list one file per rank");
    }
    const auto file = manifest["file"].get<std::string>();
    if (file.empty() || file.find('/') != std::string::npos || file == "." || file == "..") {
        throw input_error(path.string() + ": 'file' must be a plain file name, got '" + file + "'");
    }
    // Parts are where the engine puts them, inside the ranks folder: a manifest cannot send
    // consolidate elsewhere ("../", absolute paths).
    for (std::size_t r = 0; r < manifest["parts"].size(); ++r) {
        const std::string expected = "rank-" + std::to_string(r) + "/" + file;
        const json& part = manifest["parts"][r];
        if (!part.is_string() || part.get<std::string>() != expected)
            throw input_error(path.string() + ": parts[" + std::to_string(r) + "]: expected \"" + expected + "\", got " +
                              part.dump());
    }
    return manifest;
}

// Opens rank r's part after checking it is there, complete and of this run.
H5File open_part(const fs::path& manifest_file, const json& manifest, int rank) {
    const fs::path ranks_dir = manifest_file.parent_path();
    const auto ranks = manifest["ranks"].get<int>();
    const fs::path part = ranks_dir / manifest["parts"][static_cast<std::size_t>(rank)].get<std::string>();
    const std::string who = "rank " + std::to_string(rank) + " of " + std::to_string(ranks);
    if (!fs::exists(part)) {
        const fs::path partial = part.string() + ".part";
        if (fs::exists(partial)) {
            throw input_error(part.string() + ": the part of " + who + " is incomplete (only " + partial.string() +
                              " exists: that rank did not finish writing it)");
        }
        throw input_error(part.string() + ": the part of " + who + " is missing (" + manifest_file.string() +
                          " lists " + std::to_string(ranks) +
                          " parts; copy every rank's folder into the ranks folder, or point --ranks-dir at it)");
    }
    H5File file(H5Fopen(part.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    const H5Errors errors(part.string());
    if (!file) errors.fail("open the part of " + who + " (not an HDF5 file, or damaged)");
    const std::string kind = read_string_attribute(file.get(), "/", "parnet_part_kind", errors);
    const auto part_rank = read_scalar_attribute<std::uint32_t>(file.get(), "/", "parnet_part_rank", H5T_INTEGER, errors);
    const auto part_ranks = read_scalar_attribute<std::uint32_t>(file.get(), "/", "parnet_part_ranks", H5T_INTEGER, errors);
    const std::string token = read_string_attribute(file.get(), "/", "parnet_run_token", errors);
    if (kind != manifest["kind"].get<std::string>() || part_rank != static_cast<std::uint32_t>(rank) ||
        part_ranks != static_cast<std::uint32_t>(ranks)) {
        throw input_error(part.string() + ": expected the " + manifest["kind"].get<std::string>() + " part of " + who +
                          ", found the " + kind + " part of rank " + std::to_string(part_rank) + " of " +
                          std::to_string(part_ranks));
    }
    if (token != manifest["run_token"].get<std::string>()) {
        throw input_error(part.string() + ": this part belongs to another run (run token " + token + ", " +
                          manifest_file.string() + " says " + manifest["run_token"].get<std::string>() + ")");
    }
    return file;
}

template <class T>
void read_slice(hid_t dataset, std::uint64_t offset, std::span<T> values, const H5Errors& errors) {
    if (values.empty()) return;
    H5Dataspace file_space(errors.id(H5Dget_space(dataset), "get a dataset's dataspace"));
    const hsize_t start = offset;
    const hsize_t count = values.size();
    H5Dataspace memory_space(errors.id(H5Screate_simple(1, &count, nullptr), "create a dataspace"));
    errors.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
                  "select part of a dataset");
    errors.status(H5Dread(dataset, H5TypeOf<T>::memory(), memory_space.get(), file_space.get(), H5P_DEFAULT,
                          values.data()),
                  "read a dataset");
}

template <class T>
std::vector<T> read_whole(hid_t dataset, const H5Errors& errors) {
    H5Dataspace space(errors.id(H5Dget_space(dataset), "get a dataset's dataspace"));
    const hssize_t points = H5Sget_simple_extent_npoints(space.get());
    if (points < 0) errors.fail("count a dataset's values");
    std::vector<T> values(static_cast<std::size_t>(points));
    if (!values.empty())
        errors.status(H5Dread(dataset, H5TypeOf<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                      "read a dataset");
    return values;
}

H5Dataset open_dataset(hid_t file, const std::string& path, const H5Errors& errors) {
    return H5Dataset(errors.id(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open dataset " + path));
}

std::uint64_t length_of(hid_t dataset, const H5Errors& errors) {
    H5Dataspace space(errors.id(H5Dget_space(dataset), "get a dataset's dataspace"));
    const hssize_t points = H5Sget_simple_extent_npoints(space.get());
    if (points < 0) errors.fail("count a dataset's values");
    return static_cast<std::uint64_t>(points);
}

// Reads one population of one part in blocks.
class SpikeCursor {
public:
    SpikeCursor(hid_t file, const std::string& population, const H5Errors& errors) : errors_(&errors) {
        const std::string where = "/spikes/" + population;
        times_ = open_dataset(file, where + "/timestamps", errors);
        ids_ = open_dataset(file, where + "/node_ids", errors);
        size_ = length_of(times_.get(), errors);
        if (length_of(ids_.get(), errors) != size_) {
            throw input_error(errors.file() + ": " + where + ": timestamps and node_ids differ in length");
        }
    }
    std::uint64_t size() const noexcept { return size_; }
    bool done() const noexcept { return position_ == block_times_.size() && read_ == size_; }
    SpikeRecord peek() {
        fill();
        return {block_times_[position_], block_ids_[position_]};
    }
    void pop() { ++position_; }

private:
    void fill() {
        if (position_ < block_times_.size()) return;
        const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(spike_block, size_ - read_));
        block_times_.resize(count);
        block_ids_.resize(count);
        read_slice<double>(times_.get(), read_, block_times_, *errors_);
        read_slice<std::uint64_t>(ids_.get(), read_, block_ids_, *errors_);
        read_ += count;
        position_ = 0;
    }

    const H5Errors* errors_;
    H5Dataset times_;
    H5Dataset ids_;
    std::uint64_t size_ = 0;
    std::uint64_t read_ = 0;
    std::vector<double> block_times_;
    std::vector<std::uint64_t> block_ids_;
    std::size_t position_ = 0;
};

// Collects merged records of one population and appends them to the output in blocks.
class SpikeOutput {
public:
    SpikeOutput(SonataSpikeWriter& writer, const SpikePopulation& population, const std::string& part)
        : writer_(writer), population_(population), part_(part) {}
    void push(const SpikeRecord& record) {
        if (record.node_id >= population_.count)
            throw input_error(part_ + ": /spikes/" + population_.name + " holds node " + std::to_string(record.node_id) +
                              ", outside the population's " + std::to_string(population_.count) + " nodes");
        spikes_.push_back({static_cast<Gid>(population_.first + record.node_id), population_.detector, record.time});
        if (spikes_.size() >= spike_block) flush();
    }
    void flush() {
        writer_.append(spikes_);
        spikes_.clear();
    }

private:
    SonataSpikeWriter& writer_;
    const SpikePopulation& population_;
    const std::string& part_;
    std::vector<Spike> spikes_;
};

fs::path consolidate_spikes(const fs::path& manifest_file, const json& manifest, const fs::path& output) {
    const auto ranks = manifest["ranks"].get<int>();
    std::vector<SpikePopulation> populations;
    for (const auto& entry : manifest.at("populations")) {
        populations.push_back({entry.at("name").get<std::string>(), entry.at("first").get<Gid>(),
                               entry.at("count").get<Gid>(), entry.value("detector", std::uint32_t{0})});
    }
    const bool sorted = manifest.at("sorting") == "by_time";
    const auto appends = manifest.at("appends").get<std::uint64_t>();
    std::vector<H5File> parts;
    std::vector<H5Errors> part_errors;
    std::vector<std::vector<std::uint64_t>> append_counts;   // per part: appends x populations
    for (int r = 0; r < ranks; ++r) {
        parts.push_back(open_part(manifest_file, manifest, r));
        const fs::path part = manifest_file.parent_path() / manifest["parts"][static_cast<std::size_t>(r)].get<std::string>();
        part_errors.emplace_back(part.string());
        H5Dataset counts = open_dataset(parts.back().get(), "/parnet_part/append_counts", part_errors.back());
        append_counts.push_back(read_whole<std::uint64_t>(counts.get(), part_errors.back()));
        if (append_counts.back().size() != appends * populations.size()) {
            throw input_error(part.string() + ": /parnet_part/append_counts holds " +
                              std::to_string(append_counts.back().size()) + " counts, expected " +
                              std::to_string(appends) + " appends x " + std::to_string(populations.size()) +
                              " populations");
        }
        for (const auto& population : populations) {
            H5Group group(part_errors.back().id(
                H5Gopen2(parts.back().get(), ("/spikes/" + population.name).c_str(), H5P_DEFAULT),
                "open group /spikes/" + population.name));
            const SpikeSorting sorting = read_spike_sorting(group.get(), part_errors.back());
            if ((sorting == SpikeSorting::by_time) != sorted) {
                throw input_error(part.string() + ": /spikes/" + population.name +
                                  " is not sorted as the manifest says (" + manifest["sorting"].get<std::string>() + ")");
            }
        }
    }

    SonataSpikeWriter out(MPI_COMM_SELF, output, populations, OutputDriver::serial);
    for (std::size_t p = 0; p < populations.size(); ++p) {
        std::vector<SpikeCursor> cursors;
        for (int r = 0; r < ranks; ++r) {
            cursors.emplace_back(parts[static_cast<std::size_t>(r)].get(), populations[p].name,
                                 part_errors[static_cast<std::size_t>(r)]);
            std::uint64_t counted = 0;
            for (std::uint64_t a = 0; a < appends; ++a) counted += append_counts[static_cast<std::size_t>(r)][a * populations.size() + p];
            if (counted != cursors.back().size()) {
                throw input_error(part_errors[static_cast<std::size_t>(r)].file() + ": /spikes/" + populations[p].name +
                                  " holds " + std::to_string(cursors.back().size()) + " spikes but its appends add up to " +
                                  std::to_string(counted));
            }
        }
        SpikeOutput merged(out, populations[p], manifest_file.string());
        if (sorted) {
            // k-way merge; equal records are identical bytes, so ties need no rule.
            using Head = std::pair<SpikeRecord, std::size_t>;
            auto later = [](const Head& a, const Head& b) { return spike_record_order(b.first, a.first); };
            std::priority_queue<Head, std::vector<Head>, decltype(later)> heads(later);
            for (std::size_t r = 0; r < cursors.size(); ++r) {
                if (!cursors[r].done()) heads.push({cursors[r].peek(), r});
            }
            while (!heads.empty()) {
                const auto [record, r] = heads.top();
                heads.pop();
                merged.push(record);
                cursors[r].pop();
                if (!cursors[r].done()) {
                    const SpikeRecord next = cursors[r].peek();
                    if (spike_record_order(next, record)) {
                        throw input_error(part_errors[r].file() + ": /spikes/" + populations[p].name +
                                          " says sorting = by_time but is not sorted");
                    }
                    heads.push({next, r});
                }
            }
        } else {
            // The collective writer's order: append by append, rank 0 first.
            for (std::uint64_t a = 0; a < appends; ++a) {
                for (std::size_t r = 0; r < cursors.size(); ++r) {
                    const std::uint64_t count = append_counts[r][a * populations.size() + p];
                    for (std::uint64_t k = 0; k < count; ++k) {
                        merged.push(cursors[r].peek());
                        cursors[r].pop();
                    }
                }
            }
        }
        merged.flush();
    }
    if (sorted) {
        out.finish_sorted();
    } else {
        out.finish(false);
    }
    return output;
}

struct ReportPart {
    H5File file;
    H5Errors errors{""};
    std::vector<std::uint64_t> node_ids;
    std::vector<std::uint64_t> index_pointers;
    std::vector<std::uint32_t> element_ids;
    std::vector<double> time;
    std::string units;
    H5Dataset data;
    std::size_t value_size = 0;   // 4: float32, 8: float64
    std::uint64_t rows = 0;
    std::uint64_t columns = 0;
};

fs::path consolidate_report(const fs::path& manifest_file, const json& manifest, const fs::path& output) {
    const auto ranks = manifest["ranks"].get<int>();
    const auto population = manifest.at("population").get<std::string>();
    const std::string where = "/report/" + population;
    std::vector<ReportPart> parts(static_cast<std::size_t>(ranks));
    for (int r = 0; r < ranks; ++r) {
        ReportPart& part = parts[static_cast<std::size_t>(r)];
        part.file = open_part(manifest_file, manifest, r);
        part.errors = H5Errors(
            (manifest_file.parent_path() / manifest["parts"][static_cast<std::size_t>(r)].get<std::string>()).string());
        const H5Errors& errors = part.errors;
        auto read = [&](const std::string& name, auto tag) {
            H5Dataset dataset = open_dataset(part.file.get(), where + "/mapping/" + name, errors);
            return read_whole<decltype(tag)>(dataset.get(), errors);
        };
        part.node_ids = read("node_ids", std::uint64_t{});
        part.index_pointers = read("index_pointers", std::uint64_t{});
        part.element_ids = read("element_ids", std::uint32_t{});
        part.time = read("time", double{});
        part.data = open_dataset(part.file.get(), where + "/data", errors);
        part.units = read_string_attribute(part.data.get(), where + "/data", "units", errors);
        H5Datatype stored(errors.id(H5Dget_type(part.data.get()), "get the report data's type"));
        part.value_size = H5Tget_size(stored.get());
        H5Dataspace space(errors.id(H5Dget_space(part.data.get()), "get a dataset's dataspace"));
        hsize_t dims[2] = {0, 0};
        if (H5Sget_simple_extent_ndims(space.get()) != 2) throw input_error(errors.file() + ": " + where + "/data is not 2-D");
        H5Sget_simple_extent_dims(space.get(), dims, nullptr);
        part.rows = dims[0];
        part.columns = dims[1];
        if (part.time.size() != 3 || part.index_pointers.size() != part.node_ids.size() + 1 ||
            part.index_pointers.back() != part.element_ids.size() || part.columns != part.element_ids.size()) {
            throw input_error(errors.file() + ": " + where + ": the mapping does not match the data");
        }
        const ReportPart& first = parts.front();
        if (std::memcmp(part.time.data(), first.time.data(), 3 * sizeof(double)) != 0 || part.units != first.units ||
            part.value_size != first.value_size) {
            throw input_error(errors.file() + ": " + where + ": times, units or value type differ from rank 0's part");
        }
        const std::uint64_t expected = SonataReportWriter::rows_for(part.time[0], part.time[1], part.time[2]);
        if (part.rows != expected) {
            throw input_error(errors.file() + ": the part is incomplete: it holds " + std::to_string(part.rows) +
                              " rows of the " + std::to_string(expected) + " its time range needs");
        }
    }
    // The writer is given every part's nodes one part after the other and puts the columns in
    // ascending node id, as the collective writer does.
    std::vector<std::uint64_t> all_nodes;
    std::vector<std::uint32_t> all_counts;
    std::vector<std::uint32_t> all_element_ids;
    std::uint64_t columns = 0;
    for (const ReportPart& part : parts) {
        for (std::size_t i = 0; i < part.node_ids.size(); ++i) {
            all_nodes.push_back(part.node_ids[i]);
            all_counts.push_back(static_cast<std::uint32_t>(part.index_pointers[i + 1] - part.index_pointers[i]));
        }
        all_element_ids.insert(all_element_ids.end(), part.element_ids.begin(), part.element_ids.end());
        columns += part.columns;
    }
    const ReportPart& first = parts.front();
    const ReportValueType values = first.value_size == sizeof(double) ? ReportValueType::float64 : ReportValueType::float32;
    SonataReportWriter out(MPI_COMM_SELF, output, population, all_nodes, all_counts, all_element_ids, first.time[0],
                           first.time[1], first.time[2], first.units, values, OutputDriver::serial);
    const std::uint64_t block_rows = std::max<std::uint64_t>(1, report_block_values / std::max<std::uint64_t>(columns, 1));
    // Rows in blocks, each row every part's values one part after the other, in the stored type.
    auto merge = [&]<class T>(T) {
        std::vector<T> block;
        std::vector<T> piece;
        for (std::uint64_t row = 0; row < first.rows; row += block_rows) {
            const std::uint64_t count = std::min(block_rows, first.rows - row);
            block.resize(count * columns);
            std::uint64_t column = 0;
            for (const ReportPart& part : parts) {
                if (part.columns == 0) continue;
                piece.resize(count * part.columns);
                H5Dataspace file_space(part.errors.id(H5Dget_space(part.data.get()), "get a dataset's dataspace"));
                const hsize_t start[2] = {row, 0};
                const hsize_t size[2] = {count, part.columns};
                H5Dataspace memory_space(part.errors.id(H5Screate_simple(2, size, nullptr), "create a dataspace"));
                part.errors.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr),
                                   "select rows of the report data");
                part.errors.status(H5Dread(part.data.get(), H5TypeOf<T>::memory(), memory_space.get(), file_space.get(),
                                           H5P_DEFAULT, piece.data()),
                                   "read the report data");
                for (std::uint64_t i = 0; i < count; ++i)
                    std::copy_n(piece.data() + i * part.columns, part.columns, block.data() + i * columns + column);
                column += part.columns;
            }
            out.append(std::span<const T>(block), count);
        }
    };
    if (values == ReportValueType::float64) {
        merge(double{});
    } else {
        merge(float{});
    }
    out.finish();
    return output;
}

}  // namespace

fs::path consolidate_manifest(const fs::path& manifest_file, const fs::path& output_dir) {
    H5QuietErrors quiet;
    const json manifest = read_manifest(manifest_file);
    const fs::path output = output_dir / manifest["file"].get<std::string>();
    // The parts must be of the run that claimed the output folder (io/output_claim.hpp): an
    // earlier run's parts cannot be put over a later run's files.
    const std::string token = claimed_token(output_dir);
    const fs::path marker = output_dir / run_marker_name;
    if (token.empty())
        throw input_error(marker.string() + ": missing: " + output_dir.string() +
                          " is not the output folder of a parnet run, so the parts in " +
                          manifest_file.parent_path().string() + " cannot be shown to belong to it");
    if (manifest["run_token"] != token)
        throw input_error(manifest_file.string() + ": these parts belong to another run (run token " +
                          manifest["run_token"].get<std::string>() + ") than the one that claimed " + output_dir.string() +
                          " (" + marker.string() + " says " + token + "); nothing is merged");
    const std::string kind = manifest["kind"].get<std::string>();
    try {
        if (kind == "spikes") return consolidate_spikes(manifest_file, manifest, output);
        if (kind == "report") return consolidate_report(manifest_file, manifest, output);
    } catch (const json::exception& error) {
        throw input_error(manifest_file.string() + ": a field of the manifest is missing or of the wrong type (" +
                          error.what() + ")");
    }
    throw input_error(manifest_file.string() + ": unknown kind '" + kind + "' (expected spikes or report)");
}

std::vector<fs::path> consolidate_output(const fs::path& output_dir, const fs::path& ranks_dir) {
    std::error_code error;
    if (!fs::is_directory(ranks_dir, error)) {
        throw input_error(ranks_dir.string() + ": no such folder (the per-rank parts of a run made with --saving per-rank)");
    }
    std::vector<fs::path> manifests;
    for (const auto& entry : fs::directory_iterator(ranks_dir)) {
        const std::string name = entry.path().filename().string();
        const std::string suffix = ".manifest.json";
        if (name.size() > suffix.size() && name.ends_with(suffix)) manifests.push_back(entry.path());
    }
    if (manifests.empty()) {
        throw input_error(ranks_dir.string() +
                          ": no manifest (<file>.manifest.json): rank 0 writes it when every rank has completed its "
                          "part, so the run did not finish, or this is not a per-rank output folder");
    }
    std::sort(manifests.begin(), manifests.end());
    std::vector<fs::path> written;
    for (const auto& manifest : manifests) written.push_back(consolidate_manifest(manifest, output_dir));
    return written;
}

}  // namespace parnet::io
