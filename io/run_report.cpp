#include "run_report.hpp"

#include "engine/errors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <numeric>

namespace parnet::io {

namespace {
constexpr int stat_fields = 20;

std::array<double, stat_fields> pack(const RankStats& s) {
    return {s.setup, s.compute, s.waiting, s.exchange, s.output,
            static_cast<double>(s.cells), static_cast<double>(s.connections),
            static_cast<double>(s.source_gids), static_cast<double>(s.spikes_sent),
            static_cast<double>(s.spikes_received), static_cast<double>(s.events_delivered), s.peak_rss_mb,
            s.compute_cpu, static_cast<double>(s.bytes_received), static_cast<double>(s.epochs),
            static_cast<double>(s.destinations), s.rss_mb, s.split_exchange, s.split_exchange_cpu,
            static_cast<double>(s.split_bytes_per_step)};
}

RankStats unpack(const double* v) {
    RankStats s;
    s.setup = v[0];
    s.compute = v[1];
    s.waiting = v[2];
    s.exchange = v[3];
    s.output = v[4];
    s.cells = static_cast<std::uint64_t>(v[5]);
    s.connections = static_cast<std::uint64_t>(v[6]);
    s.source_gids = static_cast<std::uint64_t>(v[7]);
    s.spikes_sent = static_cast<std::uint64_t>(v[8]);
    s.spikes_received = static_cast<std::uint64_t>(v[9]);
    s.events_delivered = static_cast<std::uint64_t>(v[10]);
    s.peak_rss_mb = v[11];
    s.compute_cpu = v[12];
    s.bytes_received = static_cast<std::uint64_t>(v[13]);
    s.epochs = static_cast<std::uint64_t>(v[14]);
    s.destinations = static_cast<std::uint64_t>(v[15]);
    s.rss_mb = v[16];
    s.split_exchange = v[17];
    s.split_exchange_cpu = v[18];
    s.split_bytes_per_step = static_cast<std::uint64_t>(v[19]);
    return s;
}
}  // namespace

namespace {
template <class Field>
double max_over_mean(const std::vector<RankStats>& ranks, Field field) {
    if (ranks.empty()) return 1.0;
    double max = 0.0, sum = 0.0;
    for (const auto& s : ranks) {
        max = std::max(max, field(s));
        sum += field(s);
    }
    const double mean = sum / static_cast<double>(ranks.size());
    return mean > 0 ? max / mean : 1.0;
}
}  // namespace

double RunReport::imbalance() const {
    return max_over_mean(rank_stats, [](const RankStats& s) { return s.compute; });
}

double RunReport::imbalance_cpu() const {
    return max_over_mean(rank_stats, [](const RankStats& s) { return s.compute_cpu; });
}

std::uint64_t RunReport::total_spikes() const {
    std::uint64_t n = 0;
    for (const auto& s : rank_stats) n += s.spikes_sent;
    return n;
}

std::uint64_t RunReport::max_bytes_per_epoch() const {
    std::uint64_t out = 0;
    for (const auto& s : rank_stats) out = std::max(out, s.epochs ? s.bytes_received / s.epochs : 0);
    return out;
}

std::uint64_t RunReport::max_destinations() const {
    std::uint64_t out = 0;
    for (const auto& s : rank_stats) out = std::max(out, s.destinations);
    return out;
}

std::vector<RankStats> gather_rank_stats(const Communicator& comm, const RankStats& mine) {
    const auto packed = pack(mine);
    std::vector<double> all(comm.rank() == 0 ? stat_fields * comm.size() : 0);
    MPI_Gather(packed.data(), stat_fields, MPI_DOUBLE, all.data(), stat_fields, MPI_DOUBLE, 0, comm.comm());
    std::vector<RankStats> out;
    for (int r = 0; r < (comm.rank() == 0 ? comm.size() : 0); ++r) out.push_back(unpack(&all[r * stat_fields]));
    return out;
}

void write_run_report(const std::filesystem::path& file, const RunReport& report) {
    using nlohmann::json;
    json ranks = json::array();
    for (std::size_t r = 0; r < report.rank_stats.size(); ++r) {
        const auto& s = report.rank_stats[r];
        json entry{{"rank", r},
                   {"setup_s", s.setup},
                   {"compute_s", s.compute},
                   {"compute_cpu_s", s.compute_cpu},
                   {"waiting_s", s.waiting},
                   {"exchange_s", s.exchange},
                   {"output_s", s.output},
                   {"cells", s.cells},
                   {"connections", s.connections},
                   {"source_gids", s.source_gids},
                   {"spikes_sent", s.spikes_sent},
                   {"spikes_received", s.spikes_received},
                   {"bytes_received", s.bytes_received},
                   {"epochs", s.epochs},
                   {"destinations", s.destinations},
                   {"events_delivered", s.events_delivered},
                   {"peak_rss_mb", s.peak_rss_mb},
                   {"rss_mb", s.rss_mb}};
        if (s.split_exchange > 0 || s.split_bytes_per_step > 0) {
            entry["split_exchange_s"] = s.split_exchange;
            entry["split_exchange_cpu_s"] = s.split_exchange_cpu;
            entry["split_bytes_per_step"] = s.split_bytes_per_step;
        }
        if (r < report.predicted_load.size()) entry["predicted_load"] = report.predicted_load[r];
        ranks.push_back(entry);
    }
    json pops = json::array();
    for (const auto& p : report.populations) {
        const double rate = p.cells ? static_cast<double>(p.spikes) / static_cast<double>(p.cells) /
                                          (report.tstop / 1000.0)
                                    : 0.0;
        pops.push_back({{"name", p.name}, {"cells", p.cells}, {"spikes", p.spikes}, {"mean_rate_hz", rate}});
    }
    std::uint64_t cells = 0, connections = 0, events = 0;
    for (const auto& s : report.rank_stats) {
        cells += s.cells;
        connections += s.connections;
        events += s.events_delivered;
    }
    char fp[32];
    std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(report.fingerprint));
    json doc{{"model", report.model_file},
             {"fingerprint", fp},
             {"ranks", report.ranks},
             {"threads", report.threads},
             {"tstop_ms", report.tstop},
             {"dt_ms", report.dt},
             {"min_delay_ms", report.min_delay},
             {"epoch_ms", report.epoch},
             {"exchange", {{"method", report.exchange_method}, {"overlap", report.overlap}}},
             {"wall_s", report.wall},
             {"cells", cells},
             {"connections", connections},
             {"spikes", report.total_spikes()},
             {"events_delivered", events},
             {"imbalance", report.imbalance()},
             {"imbalance_cpu", report.imbalance_cpu()},
             {"plan", report.plan_file.empty() ? json(nullptr)
                                               : json{{"file", report.plan_file}, {"method", report.plan_method}}},
             {"populations", pops},
             {"per_rank", ranks},
             {"outputs", report.outputs}};
    if (!report.checkpoints.empty()) doc["checkpoints"] = report.checkpoints;
    if (!report.restored.is_null()) doc["restored"] = report.restored;
    if (!report.stopped_at_ms.is_null()) doc["stopped_at_ms"] = report.stopped_at_ms;
    const auto temp = std::filesystem::path(file.string() + ".part");
    {
        std::ofstream out(temp);
        out << doc.dump(2) << '\n';
        if (!out) throw input_error(file.string() + ": cannot write the run report");
    }
    std::error_code ec;
    std::filesystem::rename(temp, file, ec);
    if (ec) throw input_error(file.string() + ": cannot rename the run report into place: " + ec.message());
}

}  // namespace parnet::io
