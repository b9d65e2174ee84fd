#pragma once
// The rate functions of NEURON's hh.mod, exactly as written there, and the rate TABLE that hh.mod
// declares (FROM -100 TO 100 WITH 200: 201 points 1 mV apart, linearly interpolated, built at
// the current celsius) which NEURON uses by default.
#include <array>
#include <vector>

namespace parnet::cable {

struct HHRates {
    double minf, mtau, hinf, htau, ninf, ntau;
};

// hh.mod's q10 = 3^((celsius - 6.3)/10).
double hh_q10(double celsius);

// hh.mod's vtrap and rates(v), in libm arithmetic (used to build the table and in tests).
double hh_vtrap(double x, double y);
HHRates hh_rates_exact(double v, double q10);

// The table: entry i holds, for v = -100 + i, the six rates and their differences to entry i+1,
// interleaved so that one lookup touches 96 contiguous bytes:
//   [minf, dminf, mtau, dmtau, hinf, dhinf, htau, dhtau, ninf, dninf, ntau, dntau]
class HHRateTable {
public:
    static constexpr int intervals = 200;
    static constexpr double v_min = -100.0;
    static constexpr int stride = 12;
    explicit HHRateTable(double celsius);
    const double* data() const { return values_.data(); }
    // NEURON's lookup (usetable_hh = 1), for tests.
    HHRates lookup(double v) const;

private:
    std::vector<double> values_;
};

}  // namespace parnet::cable
