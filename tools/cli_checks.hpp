#pragma once
// Command-line checks the programs share.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdlib>
#include <string>

namespace parnet::tools {

// CLI11's PositiveNumber lets nan and inf through; a run length or interval must be a real number.
inline const CLI::Validator finite_positive(
    [](const std::string& text) -> std::string {
        double x = 0;
        if (!CLI::detail::lexical_cast(text, x) || !std::isfinite(x) || !(x > 0))
            return "expected a positive finite number, got " + text;
        return {};
    },
    "POSITIVE");
inline const CLI::Validator finite_non_negative(
    [](const std::string& text) -> std::string {
        double x = 0;
        if (!CLI::detail::lexical_cast(text, x) || !std::isfinite(x) || !(x >= 0))
            return "expected a finite number >= 0, got " + text;
        return {};
    },
    "NONNEGATIVE");

// OMP_NUM_THREADS when set, else 1.
inline int default_threads() {
    if (const char* env = std::getenv("OMP_NUM_THREADS")) {
        const int n = std::atoi(env);
        if (n > 0) return n;
    }
    return 1;
}

}  // namespace parnet::tools
