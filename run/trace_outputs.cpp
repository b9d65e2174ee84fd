#include "run/trace_outputs.hpp"

#include "engine/errors.hpp"
#include "engine/step_count.hpp"
#include "io/recording_mapping.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace fs = std::filesystem;

namespace parnet::run {

std::vector<TraceOutput> open_traces(const Recipe& recipe, Simulation& sim,
                                     std::optional<io::SavingStrategy> saving, const Communicator& comm,
                                     const fs::path& out_dir, double tstop, const std::string& program) {
    const double dt = recipe.dt();
    const Recordings recordings = recipe.recordings();
    std::vector<TraceOutput> out;
    for (std::size_t r = 0; r < recordings.traces.size(); ++r) {
        const TraceRecording& rec = recordings.traces[r];
        const PopulationRange& pop = recipe.populations()[rec.population];
        const io::TraceMapping mapping = io::trace_mapping(recipe, rec, sim.gids_holding(rec.section, rec.x));
        // A replay may rebuild no cell of a traced population: such a trace has no file (a report
        // of no cells cannot be written), and the run says so.
        if (comm.sum(static_cast<std::uint64_t>(mapping.gids.size())) == 0) {
            if (comm.rank() == 0)
                std::fprintf(stderr, "%s: note: trace %s records no cell of this run (no replayed cell of %s): no file\n",
                             program.c_str(), rec.name.c_str(), pop.name.c_str());
            continue;
        }
        TraceOutput t;
        t.recording = r;
        t.gids = mapping.gids;
        t.stride = static_cast<Step>(std::llround(rec.interval / dt));
        t.trace = sim.add_trace(mapping.gids, rec.variable, rec.section, rec.x, t.stride, rec.float64);
        if (saving) {
            t.file = out_dir / (rec.name + ".h5");
            t.writer = io::make_report_sink(*saving, comm.comm(), t.file, pop.name, mapping.node_ids,
                                            mapping.element_counts, mapping.element_ids, 0.0, tstop, rec.interval,
                                            mapping.units,
                                            rec.float64 ? io::ReportValueType::float64 : io::ReportValueType::float32);
            // The rows the run will sample must be the rows the file's time range holds: checked
            // now, not found out after the whole simulation.
            const std::uint64_t steps = steps_covering(tstop, dt);
            const auto stride = static_cast<std::uint64_t>(t.stride);
            const std::uint64_t rows = (steps + stride - 1) / stride;
            if (t.writer->expected_rows() != rows)
                throw input_error(t.file.string() + ": the run samples " + std::to_string(rows) + " rows every " +
                                  std::to_string(stride) + " steps but the report's time range holds " +
                                  std::to_string(t.writer->expected_rows()));
        }
        out.push_back(std::move(t));
    }
    return out;
}

TraceResult gather_trace(const Communicator& comm, int root, const Recipe& recipe, const TraceOutput& t) {
    const TraceRecording rec = recipe.recordings().traces[t.recording];
    TraceResult out;
    out.name = rec.name;
    out.population = recipe.populations()[rec.population].name;
    out.variable = rec.variable;
    out.float64 = rec.float64;
    const std::size_t local_values = rec.float64 ? t.wide_rows.size() : t.rows.size();
    const std::size_t local_rows = t.gids.empty() ? 0 : local_values / t.gids.size();
    const auto rows = static_cast<std::size_t>(comm.max(static_cast<double>(local_rows)));
    const std::vector<std::uint64_t> mine{t.gids.size()};
    const std::vector<std::uint64_t> columns = comm.gather<std::uint64_t>(mine, root);
    const std::vector<Gid> gids = comm.gather<Gid>(t.gids, root);
    const std::vector<float> blocks = comm.gather<float>(t.rows, root);
    const std::vector<double> wide_blocks = comm.gather<double>(t.wide_rows, root);
    if (columns.empty()) return out;

    std::vector<std::size_t> order(gids.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return gids[a] < gids[b]; });
    std::vector<std::size_t> column_of(gids.size());  // position in `gids` -> output column
    for (std::size_t c = 0; c < order.size(); ++c) column_of[order[c]] = c;
    out.gids.resize(gids.size());
    for (std::size_t c = 0; c < order.size(); ++c) out.gids[c] = gids[order[c]];

    const std::size_t ncols = gids.size();
    const auto place = [&](const auto& from, auto& to) {
        to.assign(rows * ncols, 0);
        std::size_t block = 0, first_column = 0;  // where rank r's block and columns start
        for (std::uint64_t cols : columns) {
            for (std::size_t i = 0; i < rows; ++i)
                for (std::size_t j = 0; j < cols; ++j) to[i * ncols + column_of[first_column + j]] = from[block + i * cols + j];
            block += rows * cols;
            first_column += cols;
        }
    };
    if (rec.float64)
        place(wide_blocks, out.wide_values);
    else
        place(blocks, out.values);
    out.times.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) out.times[i] = static_cast<double>(static_cast<Step>(i) * t.stride) * recipe.dt();
    return out;
}

}  // namespace parnet::run
