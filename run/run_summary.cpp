#include "run/run_summary.hpp"

#include "tools/number_format.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace parnet::run {

using tools::thousands;

void say_summary(const io::RunReport& report, io::SavingStrategy saving, bool wrote_files,
                 const std::filesystem::path& out_dir, const Say& say) {
    std::uint64_t cells = 0, connections = 0;
    double exchange = 0, waiting = 0, output = 0, setup = 0, rss = 0;
    for (const auto& s : report.rank_stats) {
        cells += s.cells;
        connections += s.connections;
        exchange = std::max(exchange, s.exchange);
        waiting = std::max(waiting, s.waiting);
        output = std::max(output, s.output);
        setup = std::max(setup, s.setup);
        rss = std::max(rss, s.peak_rss_mb);
    }
    const double seconds = report.tstop / 1000.0;
    // Rates of the first populations; the report lists them all.
    std::ostringstream kinds;
    constexpr std::size_t shown = 6;
    for (std::size_t i = 0; i < std::min(shown, report.populations.size()); ++i) {
        const auto& p = report.populations[i];
        const double rate = static_cast<double>(p.spikes) / static_cast<double>(p.cells) / seconds;
        kinds << (i > 0 ? ", " : "") << p.name << " " << format("%.2f", rate) << " Hz";
    }
    if (report.populations.size() > shown) {
        kinds << ", and " << report.populations.size() - shown << " more populations";
        if (wrote_files) kinds << " in " << (out_dir / "report.json").string();
    }
    const std::uint64_t spikes = report.total_spikes();
    // The cells' spikes (a cable cell's further detectors are in `spikes`, not in the rates).
    std::uint64_t cell_spikes = 0;
    for (const auto& p : report.populations) cell_spikes += p.spikes;
    const std::string further =
        spikes > cell_spikes ? format(" (%s of further detectors)", thousands(spikes - cell_spikes).c_str()) : "";
    say(format("  model    %s cells, %s connections", thousands(cells).c_str(), thousands(connections).c_str()));
    say(format("  run      %.1f ms simulated in %.2f s wall (%.1f ms per wall second; set-up %.2f s)", report.tstop,
               report.wall, report.tstop / report.wall, setup));
    say(format("  spikes   %s%s, mean rate %.2f Hz (%s)", thousands(spikes).c_str(), further.c_str(),
               static_cast<double>(cell_spikes) / static_cast<double>(cells) / seconds, kinds.str().c_str()));
    say(format("  balance  compute imbalance (max/mean) %.3f in wall time, %.3f in CPU time; most waiting %.2f s, "
               "exchange %.2f s, output %.2f s",
               report.imbalance(), report.imbalance_cpu(), waiting, exchange, output));
    say(format("  traffic  %s spike bytes received per rank per epoch (largest rank), sent to %s ranks at most",
               thousands(report.max_bytes_per_epoch()).c_str(), thousands(report.max_destinations()).c_str()));
    say(format("  memory   peak resident %.0f MB on the largest rank", rss));
    if (!wrote_files) return;
    if (saving == io::SavingStrategy::per_rank)
        say(format("  saving   per rank under %s/ranks/: run `consolidate %s` to make the SONATA files", out_dir.c_str(),
                   out_dir.c_str()));
    std::string files;
    for (const auto& f : report.outputs) files += (files.empty() ? "" : ", ") + f;
    say("  output   " + files);
}

}  // namespace parnet::run
