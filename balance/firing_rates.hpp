#pragma once
// Expected firing rates, which turn in-degrees into expected events (cost) and connections into
// expected traffic (edge weights). Spike sources know their own rate; for the other cells it is
// assumed (--assumed-rate), given per population (--rate), or taken from an earlier run's report
// (--rates-from report.json).
#include "engine/recipe.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace parnet::balance {

struct RateAssumptions {
    double assumed_rate_hz = 5.0;                    // cells whose rate the model does not say
    std::map<std::string, double> population_rates;  // Hz by population name; beats everything else
};

// The mean rate (Hz) a spike source of the model fires at over [0, tstop].
double spike_source_rate(const Recipe& recipe, Gid g);

// Every gid's expected rate in Hz.
std::vector<float> expected_rates(const Recipe& recipe, const RateAssumptions& assumptions);

// Mean rates by population from a run report written by `engine` (populations[].mean_rate_hz).
std::map<std::string, double> rates_from_report(const std::filesystem::path& report);

}  // namespace parnet::balance
