#pragma once
// A number given in the model file either as a constant or as a distribution drawn per gid.
#include "random_stream.hpp"

#include <limits>

namespace parnet {

struct Distribution {
    enum class Kind { constant, uniform, normal, lognormal };
    Kind kind = Kind::constant;
    // constant: value = a; uniform: [a, b); normal: mean a, std b;
    // lognormal: mean a and std b of the values themselves (as NEURON's Random.lognormal).
    double a = 0.0;
    double b = 0.0;
    // Draws are clamped into [min, max] (a truncation users can state, e.g. delays >= dt).
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();

    static Distribution constant(double value) { return {Kind::constant, value, 0.0}; }
    bool is_constant() const { return kind == Kind::constant; }
    // Uses no random numbers when constant.
    double draw(RandomStream& rng) const;
    // Smallest / largest value a draw can take.
    double lower_bound() const;
    double upper_bound() const;
};

}  // namespace parnet
