#pragma once
// What a run hands back to its front end: the spikes and traces gathered in memory (on the ranks
// RunOptions::results_rank names), per-population totals and the run's layout, and the files
// written. The engine program uses the totals; the Python module turns it all into numpy arrays.
#include "engine/types.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace parnet::run {

// One trace recording, all ranks' columns in ascending gid order.
struct TraceResult {
    std::string name;
    std::string population;
    std::string variable;
    std::vector<Gid> gids;        // the columns
    std::vector<double> times;    // the rows (ms)
    std::vector<float> values;    // rows x columns, row-major (time-major, as SONATA stores it)
    bool float64 = false;         // a "dtype": "float64" recording: wide_values instead of values
    std::vector<double> wide_values;
};

struct PopulationTotal {
    std::string name;
    Gid first = 0;
    Gid cells = 0;
    std::uint64_t spikes = 0;     // all its cells' spikes, recorded or not
};

struct RunResult {
    bool holds_results = false;   // this rank received the spikes and traces
    std::vector<Gid> spike_gids;  // the recorded populations' spikes, sorted by (time, gid)
    std::vector<double> spike_times;
    std::vector<TraceResult> traces;
    // The same on every rank:
    std::vector<PopulationTotal> populations;
    double tstop = 0.0, dt = 0.0, min_delay = 0.0, epoch = 0.0, wall = 0.0;
    int ranks = 1, threads = 1;
    std::string exchange;
    bool overlap = false;
    std::vector<std::string> outputs;  // files written
    bool stopped = false;         // by a signal, at a checkpoint: continue with RunOptions::restore
};

}  // namespace parnet::run
