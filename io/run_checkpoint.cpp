#include "io/run_checkpoint.hpp"

#include "engine/errors.hpp"
#include "engine/exchange/spike_exchange.hpp"
#include "io/output_file.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/hdf5_handle.hpp"
#include "io/recording_mapping.hpp"
#include "io/spike_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <system_error>

namespace parnet::io {

namespace fs = std::filesystem;

namespace {

std::uint64_t rows_in_checkpoint(const CheckpointMetadata& checkpoint, const std::string& name, const fs::path& file) {
    for (const auto& [trace, rows] : checkpoint.traces)
        if (trace == name) return rows;
    throw input_error(file.string() + ": the checkpoint has no rows of trace \"" + name +
                      "\": it was taken for other recordings");
}

TraceRecording recording_named(const Recipe& recipe, const std::string& name) {
    for (const auto& r : recipe.recordings().traces)
        if (r.name == name) return r;
    throw std::logic_error("no trace recording named " + name);
}

// Values per report read at a time (floats): bounds the memory of carrying a report over.
constexpr std::uint64_t carry_chunk_values = std::uint64_t{1} << 22;

// The interrupted run's report, read with the serial driver.
class OldReport {
public:
    OldReport(const fs::path& file, const std::string& population) : errors_(file.string()) {
        H5QuietErrors quiet;
        file_ = H5File(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
        if (!file_) errors_.fail("open the interrupted run's report");
        const std::string base = "/report/" + population;
        data_ = H5Dataset(errors_.id(H5Dopen2(file_.get(), (base + "/data").c_str(), H5P_DEFAULT), "open " + base + "/data"));
        H5Dataspace space(errors_.id(H5Dget_space(data_.get()), "get the data's dataspace"));
        hsize_t dims[2] = {0, 0};
        if (H5Sget_simple_extent_ndims(space.get()) != 2) errors_.fail("read " + base + "/data as [time, element]");
        H5Sget_simple_extent_dims(space.get(), dims, nullptr);
        rows_ = dims[0];
        columns_ = dims[1];
        node_ids_ = read_all<std::uint64_t>(base + "/mapping/node_ids");
        pointers_ = read_all<std::uint64_t>(base + "/mapping/index_pointers");
        if (pointers_.size() != node_ids_.size() + 1) errors_.fail("read the report's mapping (index_pointers)");
    }
    std::uint64_t rows() const { return rows_; }
    std::uint64_t columns() const { return columns_; }
    // The report columns of node `id`, or throws.
    std::pair<std::uint64_t, std::uint64_t> columns_of(std::uint64_t id) const {
        const auto it = std::lower_bound(node_ids_.begin(), node_ids_.end(), id);
        if (it == node_ids_.end() || *it != id)
            throw input_error(errors_.file() + ": node " + std::to_string(id) +
                              " is not in the interrupted run's report: the outputs are of another model");
        const auto p = static_cast<std::size_t>(it - node_ids_.begin());
        return {pointers_[p], pointers_[p + 1]};
    }
    // As doubles, whether the report holds float32 or float64 values (both convert exactly).
    std::vector<double> read_rows(std::uint64_t first, std::uint64_t count) const {
        H5QuietErrors quiet;
        std::vector<double> out(count * columns_);
        if (out.empty()) return out;
        H5Dataspace space(errors_.id(H5Dget_space(data_.get()), "get the data's dataspace"));
        const hsize_t start[2] = {first, 0}, n[2] = {count, columns_};
        errors_.status(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, n, nullptr), "select rows");
        H5Dataspace memory(errors_.id(H5Screate_simple(2, n, nullptr), "create a dataspace"));
        errors_.status(H5Dread(data_.get(), H5T_NATIVE_DOUBLE, memory.get(), space.get(), H5P_DEFAULT, out.data()),
                       "read the interrupted run's report");
        return out;
    }

private:
    template <class T>
    std::vector<T> read_all(const std::string& path) const {
        H5Dataset set(errors_.id(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), "open " + path));
        H5Dataspace space(errors_.id(H5Dget_space(set.get()), "get a dataspace"));
        hsize_t n = 0;
        H5Sget_simple_extent_dims(space.get(), &n, nullptr);
        std::vector<T> out(n);
        if (n > 0)
            errors_.status(H5Dread(set.get(), H5TypeOf<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read " + path);
        return out;
    }

    H5Errors errors_;
    H5File file_;
    H5Dataset data_;
    std::uint64_t rows_ = 0, columns_ = 0;
    std::vector<std::uint64_t> node_ids_, pointers_;
};

void rename_on_rank0(MPI_Comm comm, const fs::path& from, const fs::path& to) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    collectively(comm, [&] {
        if (rank != 0) return;
        std::error_code ec;
        fs::rename(from, to, ec);
        if (ec) throw input_error(to.string() + ": cannot rename the interrupted run's output from " + from.string() +
                                  ": " + ec.message());
    });
}

}  // namespace

CheckpointWritten save_run_checkpoint(const Communicator& comm, const fs::path& folder, const Recipe& recipe,
                                      std::uint64_t fingerprint, const fs::path& output, const Simulation& sim, int threads, const Epoch& epoch, const SpikeSink& spikes,
                                      std::span<const TraceSinkRef> traces) {
    const double start = MPI_Wtime();
    RankCheckpoint state;
    collectively(comm.comm(), [&] { state = sim.checkpoint(); });
    CheckpointMetadata m;
    m.fingerprint = fingerprint;
    m.runid = recipe.settings().runid;
    m.dt = recipe.dt();
    m.step = epoch.end;
    m.time = epoch.t_end();
    m.epoch_steps = sim.epoch_steps();
    m.exchange = to_string(sim.exchange_method());
    m.overlap = sim.overlap_active();
    m.ranks = comm.size();
    m.threads = threads;
    m.model = recipe.origin();
    m.output = fs::absolute(output).lexically_normal().string();
    m.cells = recipe.cell_count();
    m.spikes_written = spikes.spikes_written();
    for (const auto& t : traces) m.traces.emplace_back(t.file.stem().string(), t.sink->rows_written());
    write_checkpoint(comm.comm(), folder, m, state);
    CheckpointWritten out;
    out.seconds = comm.max(MPI_Wtime() - start);
    out.words = comm.sum(static_cast<std::uint64_t>(state.words.size()));
    out.events = comm.sum(static_cast<std::uint64_t>(state.events.size()));
    out.in_flight = comm.sum(static_cast<std::uint64_t>(state.in_flight.size()));
    std::error_code ec;
    if (comm.rank() == 0) out.bytes = fs::file_size(checkpoint_file(folder), ec);
    return out;
}

CheckpointMetadata restore_run(const Communicator& comm, const fs::path& folder, const Recipe& recipe,
                               std::uint64_t fingerprint, Simulation& sim, std::span<const Gid> local) {
    CheckpointMetadata m;
    collectively(comm.comm(), [&] {
        m = read_checkpoint_metadata(folder);
        check_checkpoint(m, folder, fingerprint, recipe.settings().runid, recipe.dt(), recipe.cell_count());
        for (const auto& r : recipe.recordings().traces) rows_in_checkpoint(m, r.name, checkpoint_file(folder));
    });
    const RestoredState state = read_checkpoint_state(comm.comm(), folder, m, local);
    collectively(comm.comm(), [&] { sim.restore(state); });
    return m;
}

fs::path interrupted_name(const fs::path& output) { return output.string() + ".interrupted"; }

namespace {
bool same_folder(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec);
}
}  // namespace

fs::path interrupted_output(const CheckpointMetadata& checkpoint, const fs::path& file) {
    const fs::path there = fs::path(checkpoint.output) / file.filename();
    std::error_code ec;
    return fs::exists(interrupted_name(there), ec) ? interrupted_name(there) : there;
}

void set_aside_outputs(const fs::path& spike_file, std::span<const fs::path> trace_files,
                       const CheckpointMetadata& checkpoint, const Recipe& recipe) {
    std::vector<fs::path> files(trace_files.begin(), trace_files.end());
    files.push_back(spike_file);
    for (const fs::path& f : files) {
        std::error_code ec;
        if (!fs::exists(interrupted_output(checkpoint, f), ec))
            throw input_error(checkpoint.output + ": restoring appends to the interrupted run's outputs, but " +
                              f.filename().string() + ".interrupted (or " + f.filename().string() +
                              ") is not there: the checkpoint was written by a run into this folder");
    }
    const fs::path spikes_file = interrupted_output(checkpoint, spike_file);
    const auto spikes = read_spikes(spikes_file, recipe.populations(), {});
    if (spikes.size() != checkpoint.spikes_written)
        throw input_error(spikes_file.string() + ": holds " + std::to_string(spikes.size()) +
                          " spikes but the checkpoint was taken when " + std::to_string(checkpoint.spikes_written) +
                          " were written: the outputs in " + checkpoint.output +
                          " are not those of the checkpointed run");
    // Into the same folder: the restored run's files take the interrupted ones' names.
    if (!same_folder(spike_file.parent_path(), checkpoint.output)) return;
    for (const fs::path& f : files) {
        std::error_code ec;
        if (fs::exists(interrupted_name(f), ec)) continue;
        fs::rename(f, interrupted_name(f), ec);
        if (ec) throw input_error(interrupted_name(f).string() + ": cannot set the interrupted run's output aside: " +
                                  ec.message());
    }
}

std::vector<std::uint64_t> carry_over_outputs(const Communicator& comm, const CheckpointMetadata& checkpoint,
                                              const Recipe& recipe,
                                              const fs::path& spike_file, SpikeSink& spikes,
                                              std::span<const TraceSinkRef> traces, Simulation& sim) {
    std::vector<std::uint64_t> per_population(recipe.populations().size(), 0);
    std::vector<Spike> carried;
    collectively(comm.comm(), [&] {
        if (comm.rank() != 0) return;
        carried = read_spikes(interrupted_output(checkpoint, spike_file), recipe.populations(), {});
        for (const Spike& s : carried) ++per_population[recipe.population_index(s.source)];
    });
    spikes.append(carried);
    std::vector<Spike>().swap(carried);

    for (const TraceSinkRef& ref : traces) {
        const std::string name = ref.file.stem().string();
        const TraceRecording rec = recording_named(recipe, name);
        const std::uint64_t rows = rows_in_checkpoint(checkpoint, name, "the checkpoint");
        const TraceMapping mapping = trace_mapping(recipe, rec, sim.gids_holding(rec.section, rec.x));
        const fs::path old_file = interrupted_output(checkpoint, ref.file);
        std::unique_ptr<OldReport> old;
        std::vector<std::uint64_t> columns;   // the old report's column of each value this rank appends
        collectively(comm.comm(), [&] {
            old = std::make_unique<OldReport>(old_file, recipe.populations()[rec.population].name);
            if (old->rows() < rows)
                throw input_error(old_file.string() + ": holds " + std::to_string(old->rows()) +
                                  " rows but the checkpoint was taken after " + std::to_string(rows) + " were written");
            if (old->columns() != ref.sink->total_elements())
                throw input_error(old_file.string() + ": has " + std::to_string(old->columns()) +
                                  " values per row, this run's report " + std::to_string(ref.sink->total_elements()));
            for (std::size_t i = 0; i < mapping.node_ids.size(); ++i) {
                const auto [first, end] = old->columns_of(mapping.node_ids[i]);
                if (end - first != mapping.element_counts[i])
                    throw input_error(old_file.string() + ": node " + std::to_string(mapping.node_ids[i]) +
                                      " has another number of values in the interrupted run's report");
                for (std::uint64_t c = first; c < end; ++c) columns.push_back(c);
            }
        });
        const std::uint64_t chunk = std::max<std::uint64_t>(1, carry_chunk_values / std::max<std::uint64_t>(1, old->columns()));
        // A float64 trace carries its doubles over; a float32 one the floats its file holds.
        const bool wide = sim.traces()[ref.trace].float64();
        std::vector<double> mine;
        std::vector<float> narrow;
        for (std::uint64_t r0 = 0; r0 < rows; r0 += chunk) {
            const std::uint64_t n = std::min(chunk, rows - r0);
            collectively(comm.comm(), [&] {
                mine.clear();
                if (columns.empty()) return;
                const std::vector<double> block = old->read_rows(r0, n);
                mine.reserve(n * columns.size());
                for (std::uint64_t r = 0; r < n; ++r)
                    for (std::uint64_t c : columns) mine.push_back(block[r * old->columns() + c]);
            });
            if (wide) {
                ref.sink->append(mine, static_cast<std::size_t>(n));
            } else {
                narrow.assign(mine.begin(), mine.end());
                ref.sink->append(narrow, static_cast<std::size_t>(n));
            }
        }
        sim.traces()[ref.trace].start_at_row(rows);
    }
    return per_population;
}

void remove_interrupted(const CheckpointMetadata& checkpoint, const fs::path& spike_file,
                        std::span<const TraceSinkRef> traces) {
    if (!same_folder(spike_file.parent_path(), checkpoint.output)) return;   // the interrupted run's, left alone
    std::error_code ec;
    fs::remove(interrupted_name(spike_file), ec);
    for (const auto& t : traces) fs::remove(interrupted_name(t.file), ec);
}

void finish_interrupted_outputs(const Communicator& comm, const fs::path& spike_file, SpikeSink& spikes,
                                bool sort_by_time, std::span<const TraceSinkRef> traces, const Simulation& sim) {
    spikes.finish(sort_by_time);
    rename_on_rank0(comm.comm(), spike_file, interrupted_name(spike_file));
    for (const TraceSinkRef& t : traces) {
        const std::size_t columns = sim.traces()[t.trace].columns();
        const std::uint64_t chunk = std::max<std::uint64_t>(1, carry_chunk_values / std::max<std::uint64_t>(1, t.sink->total_elements()));
        while (t.sink->rows_written() < t.sink->expected_rows()) {
            const std::uint64_t n = std::min(chunk, t.sink->expected_rows() - t.sink->rows_written());
            const std::vector<float> padding(n * columns, std::numeric_limits<float>::quiet_NaN());
            t.sink->append(padding, static_cast<std::size_t>(n));
        }
        t.sink->finish();
        rename_on_rank0(comm.comm(), t.file, interrupted_name(t.file));
    }
}

}  // namespace parnet::io
