#pragma once
// Number formatting for the programs' printed summaries.
#include <cstdint>
#include <string>

namespace parnet::tools {

// 1234567 -> "1,234,567"
inline std::string thousands(std::uint64_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

}  // namespace parnet::tools
