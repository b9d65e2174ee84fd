#pragma once
// exp(x) in plain arithmetic that compilers vectorize: the same inline code runs in SIMD loop
// bodies and in any scalar remainder, so a value never depends on which lane or loop part
// computed it (a SIMD library exp in the body and libm's exp in the remainder would).
// Accuracy: about 1-2 ulp for |x| < 708; the argument is clamped to [-708, 709].
#include <bit>
#include <cstdint>

namespace parnet::cable {

inline double exp_inline(double x) {
    constexpr double log2e = 1.4426950408889634074;
    // ln 2 split so that k * ln2_hi is exact for |k| < 2^11.
    constexpr double ln2_hi = 6.93147180369123816490e-01;
    constexpr double ln2_lo = 1.90821492927058770002e-10;
    constexpr double shifter = 0x1.8p52;   // adding it rounds to an integer kept in the low bits
    x = x < -708.0 ? -708.0 : x;
    x = x > 709.0 ? 709.0 : x;
    const double kd = x * log2e + shifter;
    const double k = kd - shifter;
    const double r = (x - k * ln2_hi) - k * ln2_lo;   // |r| <= ln2 / 2
    // Taylor series to degree 12: truncation error below 2e-16 relative on |r| <= 0.347.
    double p = 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // 2^k from the integer held in kd's low mantissa bits: the biased exponent k + 1023.
    const std::uint64_t bits = (std::bit_cast<std::uint64_t>(kd) + 1023u) << 52;
    return p * std::bit_cast<double>(bits);
}

}  // namespace parnet::cable
