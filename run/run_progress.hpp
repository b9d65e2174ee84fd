#pragma once
// The run's progress line (simulated time, wall time, rate, eta, spikes), at most every `interval`
// wall seconds, handed to `say` (the engine prints it; the Python module passes it to print()).
#include "tools/number_format.hpp"

#include <omp.h>

#include <cstdio>
#include <functional>
#include <string>

namespace parnet::run {

class RunProgress {
public:
    using Say = std::function<void(const std::string&)>;
    // interval <= 0 turns the line off.
    RunProgress(double interval, double tstop, Say say)
        : interval_(interval), tstop_(tstop), say_(std::move(say)), start_(omp_get_wtime()), last_(start_) {}

    void update(double t, std::uint64_t spikes) {
        const double now = omp_get_wtime();
        if (interval_ <= 0 || now - last_ < interval_) return;
        last_ = now;
        const double wall = now - start_;
        const double rate = t / wall;
        char line[200];
        std::snprintf(line, sizeof line, "  t = %.1f / %.1f ms (%3.0f%%)  wall %.1f s  %.1f ms/s  eta %.0f s  spikes %s",
                      t, tstop_, 100.0 * t / tstop_, wall, rate, rate > 0 ? (tstop_ - t) / rate : 0.0,
                      tools::thousands(spikes).c_str());
        say_(line);
    }

private:
    double interval_, tstop_;
    Say say_;
    double start_, last_;
};

}  // namespace parnet::run
