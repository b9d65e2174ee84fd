#pragma once
// ln(x) for positive normal x in plain arithmetic that compilers vectorize (as exp_inline: the
// same code in every lane and loop part, so results do not depend on the lane). Used for the
// Nernst potential of calcium in every compartment and step. Accuracy: a few ulp.
#include <bit>
#include <cstdint>

namespace parnet::cable {

inline double log_inline(double x) {
    constexpr double ln2_hi = 6.93147180369123816490e-01;   // e * ln2_hi exact for |e| < 2^11
    constexpr double ln2_lo = 1.90821492927058770002e-10;
    constexpr double sqrt2 = 1.41421356237309504880;
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    // x = 2^e m with m in [1, 2); the exponent as a double without an integer conversion.
    double e = std::bit_cast<double>((bits >> 52) | 0x4330000000000000ull) - (0x1p52 + 1023.0);
    double m = std::bit_cast<double>((bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull);
    const bool high = m > sqrt2;   // m into [sqrt(1/2), sqrt(2))
    m = high ? m * 0.5 : m;
    e = high ? e + 1.0 : e;
    // ln m = 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.172: odd series to s^19 (next term
    // below 3e-17 relative).
    const double s = (m - 1.0) / (m + 1.0);
    const double s2 = s * s;
    double p = 1.0 / 19.0;
    p = p * s2 + 1.0 / 17.0;
    p = p * s2 + 1.0 / 15.0;
    p = p * s2 + 1.0 / 13.0;
    p = p * s2 + 1.0 / 11.0;
    p = p * s2 + 1.0 / 9.0;
    p = p * s2 + 1.0 / 7.0;
    p = p * s2 + 1.0 / 5.0;
    p = p * s2 + 1.0 / 3.0;
    const double ln_m = 2.0 * s + 2.0 * s * s2 * p;
    return e * ln2_hi + (ln_m + e * ln2_lo);
}

}  // namespace parnet::cable
