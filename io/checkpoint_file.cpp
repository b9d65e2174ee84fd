#include "io/checkpoint_file.hpp"

#include "engine/errors.hpp"
#include "io/output_file.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/hdf5_handle.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <system_error>

namespace parnet::io {

namespace fs = std::filesystem;

namespace {

constexpr const char* format_name = "parnet checkpoint";
// 2: cable cells hold catalogue state only (the hand-written hh and synapse arrays went).
constexpr std::uint32_t format_version = 3;

// The checksum: a sum over every element of a strong hash of (dataset, position, bits), so that
// ranks hash their own shares and a reduction adds them up, and a changed, moved or missing
// element changes it.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
template <class T>
std::uint64_t bits_of(T x) {
    if constexpr (sizeof(T) == 8) return std::bit_cast<std::uint64_t>(x);
    else return static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(x));
}
template <class T>
std::uint64_t hash_elements(std::uint64_t tag, std::uint64_t first_index, std::span<const T> values) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < values.size(); ++i)
        sum += mix(mix(tag * 0x100000001b3ull + first_index + i) ^ bits_of(values[i]));
    return sum;
}
std::uint64_t hash_text(std::string_view text) {
    std::uint64_t h = 14695981039346656037ull;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return mix(h);
}

std::string metadata_text(const CheckpointMetadata& m) {
    std::string text = std::to_string(m.fingerprint) + "|" + std::to_string(m.runid) + "|" +
                       std::to_string(bits_of(m.dt)) + "|" + std::to_string(m.step) + "|" +
                       std::to_string(bits_of(m.time)) + "|" + std::to_string(m.epoch_steps) + "|" + m.exchange + "|" +
                       std::to_string(m.overlap) + "|" + std::to_string(m.ranks) + "|" + std::to_string(m.threads) +
                       "|" + m.model + "|" + m.output + "|" + std::to_string(m.cells) + "|" +
                       std::to_string(m.spikes_written);
    auto traces = m.traces;   // the file keeps them by name
    std::sort(traces.begin(), traces.end());
    for (const auto& [name, rows] : traces) text += "|" + name + "=" + std::to_string(rows);
    return text;
}

// Dataset tags of the checksum.
enum Tag : std::uint64_t { gids_tag = 1, sizes_tag, words_tag, target_tag, source_tag, connection_tag, synapse_tag,
                           time_tag, weight_tag, spike_source_tag, spike_time_tag };

void write_f64_attribute(hid_t object, const char* name, double value, const H5Errors& errors) {
    H5Dataspace space(errors.id(H5Screate(H5S_SCALAR), "create a scalar dataspace"));
    H5Attribute a(errors.id(H5Acreate2(object, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                            std::string("create attribute '") + name + "'"));
    errors.status(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value), std::string("write attribute '") + name + "'");
}
double read_f64_attribute(hid_t object, const char* name, const H5Errors& errors) {
    if (!errors.truth(H5Aexists(object, name), "look for an attribute"))
        throw input_error(errors.file() + ": not a complete checkpoint: attribute '" + name + "' is missing");
    H5Attribute a(errors.id(H5Aopen(object, name, H5P_DEFAULT), std::string("open attribute '") + name + "'"));
    double value = 0;
    errors.status(H5Aread(a.get(), H5T_NATIVE_DOUBLE, &value), std::string("read attribute '") + name + "'");
    return value;
}
std::uint64_t read_u64(hid_t object, const char* name, const H5Errors& errors) {
    return read_scalar_attribute<std::uint64_t>(object, "/", name, H5T_INTEGER, errors);
}

// Parallel writing of 1-D datasets: each rank's part at its offset (ranks in order).
class CheckpointWriter {
public:
    CheckpointWriter(MPI_Comm comm, hid_t file, const H5Errors& errors) : comm_(comm), file_(file), errors_(errors) {
        transfer_ = H5PropertyList(errors_.id(H5Pcreate(H5P_DATASET_XFER), "create a transfer property list"));
        errors_.status(H5Pset_dxpl_mpio(transfer_.get(), H5FD_MPIO_COLLECTIVE), "select collective transfers");
    }
    template <class T>
    void write(hid_t group, const char* name, std::span<const T> local, Tag tag) {
        std::uint64_t count = local.size(), offset = 0, total = 0;
        MPI_Exscan(&count, &offset, 1, MPI_UINT64_T, MPI_SUM, comm_);
        int rank = 0;
        MPI_Comm_rank(comm_, &rank);
        if (rank == 0) offset = 0;
        MPI_Allreduce(&count, &total, 1, MPI_UINT64_T, MPI_SUM, comm_);
        const hsize_t dims = total;
        H5Dataspace file_space(errors_.id(H5Screate_simple(1, &dims, nullptr), "create a dataspace"));
        H5Dataset set(errors_.id(H5Dcreate2(group, name, H5TypeOf<T>::file(), file_space.get(), H5P_DEFAULT,
                                            H5P_DEFAULT, H5P_DEFAULT),
                                 std::string("create dataset ") + name));
        if (total == 0) return;   // an empty dataset has no storage to write to (the same on every rank)
        const hsize_t start = offset, n = count;
        H5Dataspace memory(errors_.id(H5Screate_simple(1, &n, nullptr), "create a dataspace"));
        if (n > 0) {
            errors_.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr),
                           "select this rank's part");
        } else {
            errors_.status(H5Sselect_none(file_space.get()), "select nothing");
            errors_.status(H5Sselect_none(memory.get()), "select nothing");
        }
        const T nothing{};
        errors_.status(H5Dwrite(set.get(), H5TypeOf<T>::memory(), memory.get(), file_space.get(), transfer_.get(),
                                n > 0 ? local.data() : &nothing),
                       std::string("write dataset ") + name);
        checksum_ += hash_elements<T>(tag, offset, local);
    }
    std::uint64_t checksum() const { return checksum_; }   // this rank's share

private:
    MPI_Comm comm_;
    hid_t file_;
    const H5Errors& errors_;
    H5PropertyList transfer_;
    std::uint64_t checksum_ = 0;
};

template <class T, class F>
std::vector<T> field(const std::vector<SavedEvent>& events, F&& get) {
    std::vector<T> out;
    out.reserve(events.size());
    for (const auto& e : events) out.push_back(get(e));
    return out;
}

// Reading with the serial driver: every rank opens the file on its own.
class CheckpointReader {
public:
    explicit CheckpointReader(const fs::path& file) : errors_(file.string()) {
        H5QuietErrors quiet;
        std::error_code ec;
        if (!fs::exists(file, ec))
            throw input_error(file.string() + ": no checkpoint here (a checkpoint folder holds checkpoint.h5, "
                              "written by engine --checkpoint)");
        file_ = H5File(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
        if (!file_) {
            const std::string detail = take_hdf5_error_detail();
            throw input_error(file.string() + ": not a readable checkpoint (truncated or damaged?)" +
                              (detail.empty() ? "" : " (HDF5: " + detail + ")"));
        }
    }
    hid_t file() const { return file_.get(); }
    const H5Errors& errors() const { return errors_; }

    std::uint64_t length(const char* path) const {
        H5Dataset set = open(path);
        H5Dataspace space(errors_.id(H5Dget_space(set.get()), "get a dataspace"));
        hsize_t dims = 0;
        if (H5Sget_simple_extent_ndims(space.get()) != 1) fail(path, "a 1-D dataset");
        H5Sget_simple_extent_dims(space.get(), &dims, nullptr);
        return dims;
    }
    // Elements [first, first + count) of a 1-D dataset.
    template <class T>
    std::vector<T> read(const char* path, std::uint64_t first, std::uint64_t count) const {
        std::vector<T> out(count);
        if (count == 0) return out;
        H5Dataset set = open(path);
        H5Dataspace file_space(errors_.id(H5Dget_space(set.get()), "get a dataspace"));
        const hsize_t start = first, n = count;
        errors_.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr),
                       std::string("select part of ") + path);
        H5Dataspace memory(errors_.id(H5Screate_simple(1, &n, nullptr), "create a dataspace"));
        read_into(set.get(), memory.get(), file_space.get(), out.data(), path);
        return out;
    }
    template <class T>
    std::vector<T> read_all(const char* path) const { return read<T>(path, 0, length(path)); }
    // The elements of the given runs (start, count), ascending and disjoint, concatenated. Runs
    // close together are read as one block (HDF5 1.10's unions of many hyperslabs are quadratic):
    // at most max_block elements a read, gaps of up to max_gap read and dropped.
    template <class T>
    std::vector<T> read_runs(const char* path, const std::vector<std::pair<hsize_t, hsize_t>>& runs) const {
        constexpr hsize_t max_gap = hsize_t{1} << 16, max_block = hsize_t{1} << 22;
        std::vector<T> out;
        for (std::size_t first = 0; first < runs.size();) {
            std::size_t last = first + 1;
            hsize_t end = runs[first].first + runs[first].second;
            while (last < runs.size() && runs[last].first - end <= max_gap &&
                   runs[last].first + runs[last].second - runs[first].first <= max_block) {
                end = runs[last].first + runs[last].second;
                ++last;
            }
            const std::vector<T> block = read<T>(path, runs[first].first, end - runs[first].first);
            for (std::size_t r = first; r < last; ++r) {
                const auto from = block.begin() + static_cast<std::ptrdiff_t>(runs[r].first - runs[first].first);
                out.insert(out.end(), from, from + static_cast<std::ptrdiff_t>(runs[r].second));
            }
            first = last;
        }
        return out;
    }

private:
    H5Dataset open(const char* path) const {
        H5QuietErrors quiet;
        if (H5Lexists(file_.get(), path, H5P_DEFAULT) <= 0 && !group_path_exists(path))
            throw input_error(errors_.file() + ": not a complete checkpoint: dataset " + path + " is missing");
        hid_t id = H5Dopen2(file_.get(), path, H5P_DEFAULT);
        if (id < 0) throw input_error(errors_.file() + ": not a complete checkpoint: cannot open dataset " + path);
        return H5Dataset(id);
    }
    bool group_path_exists(const char* path) const {
        const std::string p(path);
        const auto slash = p.find('/', 1);
        if (slash == std::string::npos) return false;
        if (H5Lexists(file_.get(), p.substr(0, slash).c_str(), H5P_DEFAULT) <= 0) return false;
        return H5Lexists(file_.get(), path, H5P_DEFAULT) > 0;
    }
    template <class T>
    void read_into(hid_t set, hid_t memory, hid_t file_space, T* data, const char* path) const {
        H5QuietErrors quiet;
        if (H5Dread(set, H5TypeOf<T>::memory(), memory, file_space, H5P_DEFAULT, data) < 0) {
            const std::string detail = take_hdf5_error_detail();
            throw input_error(errors_.file() + ": cannot read dataset " + std::string(path) +
                              " of the checkpoint (truncated or damaged?)" +
                              (detail.empty() ? "" : " (HDF5: " + detail + ")"));
        }
    }
    [[noreturn]] void fail(const char* path, const char* expected) const {
        throw input_error(errors_.file() + ": " + path + ": expected " + expected);
    }

    H5Errors errors_;
    H5File file_;
};

// This rank's share [begin, end) of n elements.
std::pair<std::uint64_t, std::uint64_t> share(std::uint64_t n, int rank, int ranks) {
    const auto r = static_cast<std::uint64_t>(rank), R = static_cast<std::uint64_t>(ranks);
    return {n * r / R, n * (r + 1) / R};
}

}  // namespace

fs::path checkpoint_file(const fs::path& folder) { return folder / "checkpoint.h5"; }

void write_checkpoint(MPI_Comm comm, const fs::path& folder, const CheckpointMetadata& metadata,
                      const RankCheckpoint& state) {
    const fs::path final_path = checkpoint_file(folder);
    const fs::path part = final_path.string() + ".part";
    const H5Errors errors(final_path.string());
    H5QuietErrors quiet;
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    collectively(comm, [&] {
        if (rank != 0) return;
        std::error_code ec;
        fs::create_directories(folder, ec);
        if (!fs::is_directory(folder, ec))
            throw input_error(folder.string() + ": cannot create the checkpoint folder");
    });
    H5File file;
    collectively(comm, [&] {
        H5PropertyList access(errors.id(H5Pcreate(H5P_FILE_ACCESS), "create a file access property list"));
        errors.status(H5Pset_fapl_mpio(access.get(), comm, MPI_INFO_NULL), "select the MPI-IO driver");
        file = H5File(H5Fcreate(part.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()));
        if (!file) errors.fail("create the checkpoint (written as " + part.string() + " until complete)");
    });
    std::uint64_t local_sum = 0;
    collectively(comm, [&] {
        const hid_t root = file.get();
        CheckpointWriter writer(comm, root, errors);
        H5Group cells(errors.id(H5Gcreate2(root, "cells", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /cells"));
        writer.write<std::uint32_t>(cells.get(), "gids", state.gids, gids_tag);
        writer.write<std::uint32_t>(cells.get(), "sizes", state.sizes, sizes_tag);
        writer.write<std::uint64_t>(cells.get(), "words", state.words, words_tag);
        H5Group events(errors.id(H5Gcreate2(root, "events", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /events"));
        const auto& e = state.events;
        writer.write<std::uint32_t>(events.get(), "target", field<std::uint32_t>(e, [](auto& x) { return x.target; }), target_tag);
        writer.write<std::uint32_t>(events.get(), "source", field<std::uint32_t>(e, [](auto& x) { return x.source; }), source_tag);
        writer.write<std::uint32_t>(events.get(), "connection",
                                    field<std::uint32_t>(e, [](auto& x) { return x.connection; }), connection_tag);
        writer.write<std::uint32_t>(events.get(), "synapse", field<std::uint32_t>(e, [](auto& x) { return x.synapse; }), synapse_tag);
        writer.write<double>(events.get(), "time", field<double>(e, [](auto& x) { return x.time; }), time_tag);
        writer.write<double>(events.get(), "weight", field<double>(e, [](auto& x) { return x.weight; }), weight_tag);
        H5Group flight(errors.id(H5Gcreate2(root, "in_flight", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /in_flight"));
        std::vector<std::uint32_t> sources;
        std::vector<double> times;
        for (const Spike& s : state.in_flight) {
            sources.push_back(s.source);
            times.push_back(s.time);
        }
        writer.write<std::uint32_t>(flight.get(), "source", sources, spike_source_tag);
        writer.write<double>(flight.get(), "time", times, spike_time_tag);
        local_sum = writer.checksum();
    });
    std::uint64_t checksum = 0;
    MPI_Allreduce(&local_sum, &checksum, 1, MPI_UINT64_T, MPI_SUM, comm);
    checksum += hash_text(metadata_text(metadata));
    collectively(comm, [&] {
        const hid_t root = file.get();
        write_string_attribute(root, "format", format_name, errors);
        write_scalar_attribute<std::uint32_t>(root, "version", format_version, errors);
        write_scalar_attribute<std::uint64_t>(root, "fingerprint", metadata.fingerprint, errors);
        write_scalar_attribute<std::uint32_t>(root, "runid", metadata.runid, errors);
        write_f64_attribute(root, "dt", metadata.dt, errors);
        write_scalar_attribute<std::uint64_t>(root, "step", static_cast<std::uint64_t>(metadata.step), errors);
        write_f64_attribute(root, "time", metadata.time, errors);
        write_scalar_attribute<std::uint64_t>(root, "epoch_steps", static_cast<std::uint64_t>(metadata.epoch_steps), errors);
        write_string_attribute(root, "exchange", metadata.exchange, errors);
        write_scalar_attribute<std::uint32_t>(root, "overlap", metadata.overlap ? 1 : 0, errors);
        write_scalar_attribute<std::uint32_t>(root, "ranks", static_cast<std::uint32_t>(metadata.ranks), errors);
        write_scalar_attribute<std::uint32_t>(root, "threads", static_cast<std::uint32_t>(metadata.threads), errors);
        write_string_attribute(root, "model", metadata.model, errors);
        write_string_attribute(root, "output", metadata.output, errors);
        write_scalar_attribute<std::uint64_t>(root, "cells", metadata.cells, errors);
        write_scalar_attribute<std::uint64_t>(root, "spikes_written", metadata.spikes_written, errors);
        H5Group traces(errors.id(H5Gcreate2(root, "traces", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /traces"));
        for (const auto& [name, rows] : metadata.traces) write_scalar_attribute<std::uint64_t>(traces.get(), name, rows, errors);
        write_scalar_attribute<std::uint64_t>(root, "checksum", checksum, errors);
    });
    collectively(comm, [&] {
        if (file.close() < 0) errors.fail("close the checkpoint (data may not have reached the disk)");
    });
    collectively(comm, [&] {
        if (rank != 0) return;
        std::error_code ec;
        fs::rename(part, final_path, ec);   // replaces the previous checkpoint in one step
        if (ec) throw input_error(final_path.string() + ": cannot rename the finished checkpoint from " + part.string() +
                                  ": " + ec.message());
    });
}

CheckpointMetadata read_checkpoint_metadata(const fs::path& folder) {
    const CheckpointReader reader(checkpoint_file(folder));
    const H5Errors& errors = reader.errors();
    const hid_t root = reader.file();
    H5QuietErrors quiet;
    if (!errors.truth(H5Aexists(root, "format"), "look for the format attribute") ||
        read_string_attribute(root, "/", "format", errors) != format_name)
        throw input_error(errors.file() + ": not a parnet checkpoint (no format = \"" + format_name + "\" attribute)");
    const auto version = read_scalar_attribute<std::uint32_t>(root, "/", "version", H5T_INTEGER, errors);
    if (version != format_version)
        throw input_error(errors.file() + ": checkpoint format version " + std::to_string(version) +
                          "; this engine reads version " + std::to_string(format_version));
    CheckpointMetadata m;
    m.fingerprint = read_u64(root, "fingerprint", errors);
    m.runid = read_scalar_attribute<std::uint32_t>(root, "/", "runid", H5T_INTEGER, errors);
    m.dt = read_f64_attribute(root, "dt", errors);
    m.step = static_cast<Step>(read_u64(root, "step", errors));
    m.time = read_f64_attribute(root, "time", errors);
    m.epoch_steps = static_cast<Step>(read_u64(root, "epoch_steps", errors));
    m.exchange = read_string_attribute(root, "/", "exchange", errors);
    m.overlap = read_scalar_attribute<std::uint32_t>(root, "/", "overlap", H5T_INTEGER, errors) != 0;
    m.ranks = static_cast<int>(read_scalar_attribute<std::uint32_t>(root, "/", "ranks", H5T_INTEGER, errors));
    m.threads = static_cast<int>(read_scalar_attribute<std::uint32_t>(root, "/", "threads", H5T_INTEGER, errors));
    m.model = read_string_attribute(root, "/", "model", errors);
    m.output = read_string_attribute(root, "/", "output", errors);
    m.cells = read_u64(root, "cells", errors);
    m.spikes_written = read_u64(root, "spikes_written", errors);
    if (H5Lexists(root, "traces", H5P_DEFAULT) <= 0)
        throw input_error(errors.file() + ": not a complete checkpoint: group /traces is missing");
    H5Group traces(errors.id(H5Gopen2(root, "traces", H5P_DEFAULT), "open /traces"));
    H5O_info_t info{};
    errors.status(H5Oget_info(traces.get(), &info), "read /traces");
    for (hsize_t i = 0; i < info.num_attrs; ++i) {
        H5Attribute a(errors.id(H5Aopen_by_idx(traces.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT),
                                "open a trace attribute"));
        const ssize_t length = H5Aget_name(a.get(), 0, nullptr);
        std::string name(static_cast<std::size_t>(std::max<ssize_t>(length, 0)), '\0');
        H5Aget_name(a.get(), name.size() + 1, name.data());
        std::uint64_t rows = 0;
        errors.status(H5Aread(a.get(), H5T_NATIVE_UINT64, &rows), "read a trace attribute");
        m.traces.emplace_back(name, rows);
    }
    return m;
}

void check_checkpoint(const CheckpointMetadata& m, const fs::path& folder, std::uint64_t fingerprint,
                      std::uint32_t runid, double dt, std::uint64_t cells) {
    const std::string name = checkpoint_file(folder).string();
    if (m.runid != runid)
        throw input_error(name + ": the checkpoint is of runid " + std::to_string(m.runid) + " but this run has runid " +
                          std::to_string(runid) + " (run.runid): its random streams would not continue");
    if (m.dt != dt) {
        char text[160];
        std::snprintf(text, sizeof text, ": the checkpoint was taken with dt %.10g ms but this run has dt %.10g ms", m.dt, dt);
        throw input_error(name + text);
    }
    if (m.fingerprint != fingerprint) {
        char text[200];
        std::snprintf(text, sizeof text,
                      ": the checkpoint is of another model (fingerprint %016llx, this model's is %016llx; it was "
                      "written for ",
                      static_cast<unsigned long long>(m.fingerprint), static_cast<unsigned long long>(fingerprint));
        throw input_error(name + text + m.model + ")");
    }
    if (m.cells != cells)
        throw input_error(name + ": the checkpoint holds " + std::to_string(m.cells) + " cells but the model has " +
                          std::to_string(cells));
}

RestoredState read_checkpoint_state(MPI_Comm comm, const fs::path& folder, const CheckpointMetadata& metadata,
                                    std::span<const Gid> local_gids) {
    int rank = 0, ranks = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    const fs::path file = checkpoint_file(folder);
    RestoredState out;
    std::uint64_t local_sum = 0;
    std::uint64_t stored_checksum = 0;
    collectively(comm, [&] {
        const CheckpointReader reader(file);
        stored_checksum = read_u64(reader.file(), "checksum", reader.errors());
        const auto gids = reader.read_all<std::uint32_t>("/cells/gids");
        const auto sizes = reader.read_all<std::uint32_t>("/cells/sizes");
        const std::uint64_t word_count = reader.length("/cells/words");
        if (gids.size() != sizes.size())
            throw input_error(file.string() + ": /cells/gids and /cells/sizes differ in length: the file is damaged");
        // Each rank hashes its share of every dataset (those it reads whole too).
        const auto [g0, g1] = share(gids.size(), rank, ranks);
        local_sum += hash_elements<std::uint32_t>(gids_tag, g0, std::span(gids).subspan(g0, g1 - g0)) +
                     hash_elements<std::uint32_t>(sizes_tag, g0, std::span(sizes).subspan(g0, g1 - g0));
        std::vector<std::uint64_t> offsets(gids.size() + 1, 0);
        for (std::size_t i = 0; i < gids.size(); ++i) offsets[i + 1] = offsets[i] + sizes[i];
        if (offsets.back() != word_count)
            throw input_error(file.string() + ": the cell states hold " + std::to_string(word_count) +
                              " words but their sizes add up to " + std::to_string(offsets.back()) +
                              ": the file is damaged");
        // This rank's share of the words, for the checksum only.
        const auto [w0, w1] = share(word_count, rank, ranks);
        local_sum += hash_elements<std::uint64_t>(words_tag, w0, reader.read<std::uint64_t>("/cells/words", w0, w1 - w0));

        // Where each gid is (every gid once: a missing one is refused here, for every rank alike).
        std::vector<std::uint32_t> position(metadata.cells, UINT32_MAX);
        bool repeated = false;
        for (std::size_t i = 0; i < gids.size(); ++i) {
            if (gids[i] >= metadata.cells)
                throw input_error(file.string() + ": gid " + std::to_string(gids[i]) + " is not in the model (" +
                                  std::to_string(metadata.cells) + " cells): the file is damaged");
            repeated = repeated || position[gids[i]] != UINT32_MAX;
            position[gids[i]] = static_cast<std::uint32_t>(i);
        }
        for (Gid g = 0; g < metadata.cells; ++g)
            if (position[g] == UINT32_MAX)
                throw input_error(file.string() + ": the checkpoint holds no state for gid " + std::to_string(g) +
                                  ": it is incomplete");
        if (repeated) throw input_error(file.string() + ": a gid's state appears twice: the file is damaged");
        // The local gids' words, read in file order as a few runs.
        std::vector<std::pair<std::uint64_t, Gid>> by_position;
        for (Gid g : local_gids) by_position.emplace_back(position.at(g), g);
        std::sort(by_position.begin(), by_position.end());
        std::vector<std::pair<hsize_t, hsize_t>> runs;
        for (const auto& [p, g] : by_position) {
            const hsize_t start = offsets[p], count = sizes[p];
            if (count == 0) continue;
            if (!runs.empty() && runs.back().first + runs.back().second == start) runs.back().second += count;
            else runs.emplace_back(start, count);
        }
        const auto words = reader.read_runs<std::uint64_t>("/cells/words", runs);
        std::vector<std::uint64_t> at(local_gids.size());   // where each local gid's words start in `words`
        {
            std::uint64_t cursor = 0;
            std::vector<std::pair<Gid, std::uint64_t>> start_of;
            for (const auto& [p, g] : by_position) {
                start_of.emplace_back(g, cursor);
                cursor += sizes[p];
            }
            std::sort(start_of.begin(), start_of.end());
            out.gids.assign(local_gids.begin(), local_gids.end());
            out.offsets.assign(1, 0);
            for (std::size_t i = 0; i < local_gids.size(); ++i) {
                const std::uint64_t first = start_of[i].second, n = sizes[position[local_gids[i]]];
                out.words.insert(out.words.end(), words.begin() + static_cast<std::ptrdiff_t>(first),
                                 words.begin() + static_cast<std::ptrdiff_t>(first + n));
                out.offsets.push_back(out.words.size());
            }
        }

        const auto target = reader.read_all<std::uint32_t>("/events/target");
        const auto source = reader.read_all<std::uint32_t>("/events/source");
        const auto connection = reader.read_all<std::uint32_t>("/events/connection");
        const auto synapse = reader.read_all<std::uint32_t>("/events/synapse");
        const auto time = reader.read_all<double>("/events/time");
        const auto weight = reader.read_all<double>("/events/weight");
        const std::size_t events = target.size();
        if (source.size() != events || connection.size() != events || synapse.size() != events ||
            time.size() != events || weight.size() != events)
            throw input_error(file.string() + ": the /events datasets differ in length: the file is damaged");
        const auto [e0, e1] = share(events, rank, ranks);
        auto part = [&](const auto& v) { return std::span(v).subspan(e0, e1 - e0); };
        local_sum += hash_elements<std::uint32_t>(target_tag, e0, part(target)) +
                     hash_elements<std::uint32_t>(source_tag, e0, part(source)) +
                     hash_elements<std::uint32_t>(connection_tag, e0, part(connection)) +
                     hash_elements<std::uint32_t>(synapse_tag, e0, part(synapse)) +
                     hash_elements<double>(time_tag, e0, part(time)) + hash_elements<double>(weight_tag, e0, part(weight));
        for (std::size_t i = 0; i < events; ++i)
            if (std::binary_search(local_gids.begin(), local_gids.end(), target[i]))
                out.events.push_back(SavedEvent{target[i], source[i], connection[i], synapse[i], time[i], weight[i]});

        const auto spike_source = reader.read_all<std::uint32_t>("/in_flight/source");
        const auto spike_time = reader.read_all<double>("/in_flight/time");
        if (spike_source.size() != spike_time.size())
            throw input_error(file.string() + ": the /in_flight datasets differ in length: the file is damaged");
        const auto [s0, s1] = share(spike_source.size(), rank, ranks);
        local_sum += hash_elements<std::uint32_t>(spike_source_tag, s0, std::span(spike_source).subspan(s0, s1 - s0)) +
                     hash_elements<double>(spike_time_tag, s0, std::span(spike_time).subspan(s0, s1 - s0));
        for (std::size_t i = 0; i < spike_source.size(); ++i) out.in_flight.push_back(Spike{spike_source[i], spike_time[i]});
    });
    std::uint64_t checksum = 0;
    MPI_Allreduce(&local_sum, &checksum, 1, MPI_UINT64_T, MPI_SUM, comm);
    checksum += hash_text(metadata_text(metadata));
    collectively(comm, [&] {
        if (checksum != stored_checksum)
            throw input_error(file.string() + ": the checksum does not match the content: the checkpoint was changed "
                              "or damaged after it was written");
    });
    out.step = metadata.step;
    return out;
}

}  // namespace parnet::io
