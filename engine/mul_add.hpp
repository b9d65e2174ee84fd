#pragma once
// a*b + c rounded the same way in vectorized and scalar code. With FMA hardware the compiler
// may contract a*b + c into a fused multiply-add in one loop version and not in another (vector
// body vs. scalar remainder), which would make a cell's bits depend on its position in its group;
// spelling the fusion out removes the choice. Without FMA hardware nothing can be fused.
#include <cmath>

namespace parnet {

inline double mul_add(double a, double b, double c) {
#if defined(__FMA__) || defined(__aarch64__)
    return std::fma(a, b, c);
#else
    return a * b + c;
#endif
}

}  // namespace parnet
