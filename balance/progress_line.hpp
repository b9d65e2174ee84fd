#pragma once
// A progress line for long planning steps: printed to stderr at most every `interval` seconds,
// and only once a step has run for longer than that, so short plans stay quiet.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace parnet::balance {

class ProgressLine {
public:
    // interval <= 0 turns the line off.
    explicit ProgressLine(double interval = 2.0) : interval_(interval) {}

    // Starts a new step; `total` is in the step's own units (cells, ...).
    void start(std::string step, std::uint64_t total) {
        step_ = std::move(step);
        total_ = total;
        started_ = last_ = Clock::now();
    }

    // Called from one thread only.
    void update(std::uint64_t done) {
        if (interval_ <= 0) return;
        const auto now = Clock::now();
        if (seconds(now - last_) < interval_) return;
        last_ = now;
        const double elapsed = seconds(now - started_);
        const double fraction = total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 0.0;
        const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
        std::fprintf(stderr, "  %s: %llu / %llu (%3.0f%%), %.0f s, about %.0f s left\n", step_.c_str(),
                     static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                     100.0 * fraction, elapsed, eta);
    }

    double interval() const { return interval_; }

private:
    using Clock = std::chrono::steady_clock;
    static double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
    double interval_;
    std::string step_;
    std::uint64_t total_ = 0;
    Clock::time_point started_{}, last_{};
};

}  // namespace parnet::balance
