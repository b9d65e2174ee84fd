#include "balance/firing_rates.hpp"

#include "engine/errors.hpp"
#include "io/json_fields.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <span>

namespace parnet::balance {

double spike_source_rate(const Recipe& recipe, Gid g) {
    const double tstop = recipe.settings().tstop;
    if (!(tstop > 0)) return 0.0;
    double spikes = 0.0;
    switch (recipe.source_model(g)) {
    case SourceModel::poisson: {
        const double start = std::max(0.0, recipe.parameter(g, "start"));
        const double stop = std::min(tstop, recipe.parameter(g, "stop"));
        spikes = recipe.parameter(g, "rate") * std::max(0.0, stop - start) / 1000.0;
        break;
    }
    case SourceModel::regular: {
        const double start = recipe.parameter(g, "start");
        const double interval = recipe.parameter(g, "interval");
        const double number = std::floor(recipe.parameter(g, "number"));
        if (start >= tstop || number <= 0) break;
        const double fit = interval > 0 ? std::floor((tstop - start) / interval) + 1.0 : number;
        spikes = std::min(number, fit);
        break;
    }
    case SourceModel::replay: {
        const std::span<const double> times = recipe.replay_times(g);
        spikes = static_cast<double>(std::count_if(times.begin(), times.end(), [&](double t) { return t < tstop; }));
        break;
    }
    }
    return spikes / (tstop / 1000.0);
}

std::vector<float> expected_rates(const Recipe& recipe, const RateAssumptions& assumptions) {
    std::vector<float> rates(recipe.cell_count(), 0.0f);
    for (const PopulationRange& pop : recipe.populations()) {
        auto given = assumptions.population_rates.find(pop.name);
        for (Gid g = pop.first; g < pop.first + pop.count; ++g) {
            double rate = assumptions.assumed_rate_hz;
            if (given != assumptions.population_rates.end()) rate = given->second;
            else if (recipe.kind(g) == CellKind::spike_source) rate = spike_source_rate(recipe, g);
            rates[g] = static_cast<float>(rate);
        }
    }
    return rates;
}

std::map<std::string, double> rates_from_report(const std::filesystem::path& path) {
    const std::string file = path.string();
    std::ifstream in(path);
    if (!in) throw input_error(file + ": cannot open the run report");
    io::json doc;
    try {
        doc = io::json::parse(in);
    } catch (const io::json::parse_error& e) {
        throw input_error(file + ": not valid JSON: " + e.what());
    }
    if (!doc.is_object() || !doc.contains("populations") || !doc["populations"].is_array())
        throw input_error(file + ": populations: missing; expected a run report written by `engine`");
    std::map<std::string, double> rates;
    const auto& pops = doc["populations"];
    for (std::size_t i = 0; i < pops.size(); ++i) {
        const io::JsonObject p(pops[i], "populations[" + std::to_string(i) + "]", file);
        rates[p.string("name")] = p.non_negative("mean_rate_hz", 0.0);
    }
    return rates;
}

}  // namespace parnet::balance
