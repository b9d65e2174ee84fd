#include "distribution.hpp"

#include <algorithm>
#include <cmath>

namespace parnet {

double Distribution::draw(RandomStream& rng) const {
    double x = a;
    switch (kind) {
    case Kind::constant: break;
    case Kind::uniform: x = rng.uniform(a, b); break;
    case Kind::normal: x = a + b * rng.normal(); break;
    case Kind::lognormal: {
        const double sigma2 = std::log1p((b * b) / (a * a));
        const double mu = std::log(a) - 0.5 * sigma2;
        x = std::exp(mu + std::sqrt(sigma2) * rng.normal());
        break;
    }
    }
    return std::clamp(x, min, max);
}

double Distribution::lower_bound() const {
    switch (kind) {
    case Kind::constant: return std::clamp(a, min, max);
    case Kind::uniform: return std::max(a, min);
    case Kind::normal: return min;
    case Kind::lognormal: return std::max(0.0, min);
    }
    return min;
}

double Distribution::upper_bound() const {
    switch (kind) {
    case Kind::constant: return std::clamp(a, min, max);
    case Kind::uniform: return std::min(b, max);
    case Kind::normal:
    case Kind::lognormal: return max;
    }
    return max;
}

}  // namespace parnet
