#pragma once
// The summary a run says at its end (rank 0): cells and connections, speed, spikes and rates,
// balance, traffic, memory and the files written — all from the run report.
#include "io/run_report.hpp"
#include "io/saving_strategy.hpp"
#include "run/run_options.hpp"

#include <filesystem>

namespace parnet::run {

void say_summary(const io::RunReport& report, io::SavingStrategy saving, bool wrote_files,
                 const std::filesystem::path& out_dir, const Say& say);

// printf into a std::string.
template <class... Args>
std::string format(const char* fmt, Args... args) {
    const int n = std::snprintf(nullptr, 0, fmt, args...);
    std::string out(static_cast<std::size_t>(n), '\0');
    std::snprintf(out.data(), out.size() + 1, fmt, args...);
    return out;
}

}  // namespace parnet::run
