#include "hh_rates.hpp"

#include <cmath>

namespace parnet::cable {

double hh_q10(double celsius) { return std::pow(3.0, (celsius - 6.3) / 10.0); }

double hh_vtrap(double x, double y) {
    if (std::fabs(x / y) < 1e-6) return y * (1.0 - x / y / 2.0);
    return x / (std::exp(x / y) - 1.0);
}

HHRates hh_rates_exact(double v, double q10) {
    HHRates r{};
    double alpha = 0.1 * hh_vtrap(-(v + 40.0), 10.0);
    double beta = 4.0 * std::exp(-(v + 65.0) / 18.0);
    double sum = alpha + beta;
    r.mtau = 1.0 / (q10 * sum);
    r.minf = alpha / sum;
    alpha = 0.07 * std::exp(-(v + 65.0) / 20.0);
    beta = 1.0 / (std::exp(-(v + 35.0) / 10.0) + 1.0);
    sum = alpha + beta;
    r.htau = 1.0 / (q10 * sum);
    r.hinf = alpha / sum;
    alpha = 0.01 * hh_vtrap(-(v + 55.0), 10.0);
    beta = 0.125 * std::exp(-(v + 65.0) / 80.0);
    sum = alpha + beta;
    r.ntau = 1.0 / (q10 * sum);
    r.ninf = alpha / sum;
    return r;
}

HHRateTable::HHRateTable(double celsius) : values_((intervals + 1) * stride, 0.0) {
    const double q10 = hh_q10(celsius);
    std::vector<HHRates> points(intervals + 1);
    // NEURON steps x by dx = 1 from -100; every point is an exact integer.
    double v = v_min;
    for (int i = 0; i <= intervals; ++i, v += 1.0) points[i] = hh_rates_exact(v, q10);
    for (int i = 0; i <= intervals; ++i) {
        const HHRates& a = points[i];
        const HHRates& b = points[i < intervals ? i + 1 : i];
        const double va[6] = {a.minf, a.mtau, a.hinf, a.htau, a.ninf, a.ntau};
        const double vb[6] = {b.minf, b.mtau, b.hinf, b.htau, b.ninf, b.ntau};
        for (int q = 0; q < 6; ++q) {
            values_[i * stride + 2 * q] = va[q];
            values_[i * stride + 2 * q + 1] = vb[q] - va[q];
        }
    }
}

HHRates HHRateTable::lookup(double v) const {
    double xi = v - v_min;
    xi = xi < 0.0 ? 0.0 : (xi > intervals ? intervals : xi);
    int i = static_cast<int>(xi);
    i = i > intervals - 1 ? intervals - 1 : i;
    const double theta = xi - i;
    const double* t = data() + i * stride;
    return {t[0] + theta * t[1], t[2] + theta * t[3], t[4] + theta * t[5],
            t[6] + theta * t[7], t[8] + theta * t[9], t[10] + theta * t[11]};
}

}  // namespace parnet::cable
