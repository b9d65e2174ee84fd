#include "memory_estimate.hpp"

#include "cable/cable_cell.hpp"
#include "errors.hpp"
#include "step_count.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace parnet {

namespace {
std::string count_text(double n) {
    char text[32];
    std::snprintf(text, sizeof text, n < 1e6 ? "%.0f" : "%.3g", n);
    return text;
}

std::string indexed(const char* array, std::size_t i) { return std::string(array) + "[" + std::to_string(i) + "]"; }

double connections_of(const Model& model, const Projection& proj) {
    const double sources = model.populations[proj.source].count;
    const double targets = model.populations[proj.target].count;
    switch (proj.rule.kind) {
    case ConnectionRule::Kind::one_to_one: return targets;
    case ConnectionRule::Kind::fixed_indegree: return targets * proj.rule.indegree;
    case ConnectionRule::Kind::pairwise: return sources * targets * proj.rule.probability;
    case ConnectionRule::Kind::explicit_pairs: return static_cast<double>(proj.rule.pairs.size());
    }
    return 0.0;
}

// Spikes a source population fires over the run (poisson at its largest rate, regular at its
// shortest interval).
double source_spikes(const Population& pop, double tstop) {
    if (pop.kind != CellKind::spike_source) return 0.0;
    switch (pop.source_model) {
    case SourceModel::poisson: {
        const Distribution& rate = pop.params.at("rate");
        const double hz = rate.is_constant() || rate.kind == Distribution::Kind::uniform ? rate.upper_bound()
                                                                                         : rate.a + 3 * rate.b;
        return static_cast<double>(pop.count) * std::max(0.0, hz) * tstop / 1000.0;
    }
    case SourceModel::regular: {
        const double interval = pop.params.at("interval").lower_bound();
        return interval > 0 ? static_cast<double>(pop.count) * tstop / interval : 0.0;
    }
    case SourceModel::replay: return 0.0;  // already in memory as the model's times
    }
    return 0.0;
}
}  // namespace

double MemoryEstimate::total_bytes() const {
    return std::accumulate(items.begin(), items.end(), 0.0,
                           [](double sum, const MemoryItem& item) { return sum + item.bytes; });
}

MemoryEstimate estimate_memory(const Model& model, double flush_ms) {
    MemoryEstimate out;
    for (std::size_t p = 0; p < model.populations.size(); ++p) {
        const Population& pop = model.populations[p];
        const double cells = pop.count;
        if (pop.kind == CellKind::cable && pop.cable) {
            const double compartments = cells * static_cast<double>(pop.cable->compartment_count());
            out.items.push_back({indexed("populations", p) + ".cell",
                                 count_text(compartments) + " compartments (" + count_text(cells) + " cells x " +
                                     count_text(static_cast<double>(pop.cable->compartment_count())) + ")",
                                 compartments * bytes_per_compartment});
        } else {
            out.items.push_back({indexed("populations", p) + ".count", count_text(cells) + " cells",
                                 cells * bytes_per_point_cell});
        }
        const double spikes = source_spikes(pop, model.run.tstop);
        if (spikes > 0)
            out.items.push_back({indexed("populations", p) + ".params." +
                                     (pop.source_model == SourceModel::poisson ? "rate" : "interval"),
                                 count_text(spikes) + " spikes over tstop", spikes * bytes_per_spike});
    }
    for (std::size_t i = 0; i < model.projections.size(); ++i) {
        const double n = connections_of(model, model.projections[i]);
        const ConnectionRule::Kind kind = model.projections[i].rule.kind;
        const char* field = kind == ConnectionRule::Kind::fixed_indegree ? ".rule.indegree"
                          : kind == ConnectionRule::Kind::pairwise       ? ".rule.probability"
                          : kind == ConnectionRule::Kind::explicit_pairs ? ".rule.pairs"
                                                                         : ".rule";
        out.items.push_back({indexed("projections", i) + field, count_text(n) + " connections", n * bytes_per_connection});
    }
    const double held_ms = std::min(model.run.tstop, std::max(flush_ms, max_epoch_ms));
    for (std::size_t i = 0; i < model.recordings.traces.size(); ++i) {
        const TraceRecording& rec = model.recordings.traces[i];
        const double columns =
            rec.cells.empty() ? model.populations[rec.population].count : static_cast<double>(rec.cells.size());
        const double rows = static_cast<double>(sample_rows(0.0, held_ms, rec.interval));
        out.items.push_back({indexed("recordings.traces", i),
                             count_text(rows) + " rows x " + count_text(columns) + " cells held between writes",
                             rows * columns * bytes_per_trace_value * (rec.float64 ? 2 : 1)});
    }
    std::stable_sort(out.items.begin(), out.items.end(),
                     [](const MemoryItem& a, const MemoryItem& b) { return a.bytes > b.bytes; });
    return out;
}

MemoryItem estimate_output_bytes(const Model& model) {
    double spikes = 0.0, values = 0.0, value_bytes = 0.0;
    for (const Population& pop : model.populations) spikes += source_spikes(pop, model.run.tstop);
    for (const TraceRecording& rec : model.recordings.traces) {
        const double columns =
            rec.cells.empty() ? model.populations[rec.population].count : static_cast<double>(rec.cells.size());
        const double rows_values = columns * static_cast<double>(sample_rows(0.0, model.run.tstop, rec.interval));
        values += rows_values;
        value_bytes += rows_values * bytes_per_trace_value * (rec.float64 ? 2 : 1);
    }
    return {"recordings", count_text(spikes) + " source spikes and " + count_text(values) + " trace values",
            spikes * bytes_per_spike + value_bytes};
}

std::string format_bytes(double bytes) {
    const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (bytes >= 1000 && u < 6) {
        bytes /= 1000;
        ++u;
    }
    char text[48];
    std::snprintf(text, sizeof text, bytes < 1e4 ? "%.3g %s" : "%.3g %s", bytes, units[u]);
    return text;
}

double node_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

void refuse_if_too_large(const Model& model, const MemoryEstimate& estimate, int ranks, double bytes_per_rank,
                         const std::string& limit_source, const std::string& advice) {
    const double total = estimate.total_bytes();
    const double per_rank = total / std::max(1, ranks);
    if (!(per_rank > bytes_per_rank) || estimate.items.empty()) return;
    const MemoryItem& largest = estimate.items.front();
    std::string message = model.file + ": " + largest.field + ": " + largest.what + " need about " +
                          format_bytes(largest.bytes) + "; the model needs about " + format_bytes(total) + " on " +
                          std::to_string(ranks) + (ranks == 1 ? " rank" : " ranks") + " (" + format_bytes(per_rank) +
                          " per rank), more than the " + format_bytes(bytes_per_rank) + " a rank has (" + limit_source +
                          ")";
    for (std::size_t i = 1; i < std::min<std::size_t>(3, estimate.items.size()); ++i)
        if (estimate.items[i].bytes > 0.01 * total)
            message += "; " + estimate.items[i].field + ": " + estimate.items[i].what + ", about " +
                       format_bytes(estimate.items[i].bytes);
    message += ". " + advice;
    throw input_error(message);
}

}  // namespace parnet
