// Invariants of the soma-contour arithmetic (io/neuron_contour): the Meschach eigen solver gives
// an orthonormal basis of eigenvectors, and the centroid of an ellipse lies on its major axis with
// the ellipse's width as diameter. (Agreement with NEURON itself: neuron_import3d_test.cpp.)
#include "io/neuron_contour.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace parnet {
namespace {

using Matrix3 = std::array<std::array<double, 3>, 3>;

TEST(NeuronContour, SymmetricEigenIsAnOrthonormalEigenbasis) {
    std::mt19937 random(7);
    std::uniform_real_distribution<double> entry(-10, 10);
    for (int trial = 0; trial < 200; ++trial) {
        Matrix3 a{};
        for (int i = 0; i < 3; ++i)
            for (int j = i; j < 3; ++j) a[i][j] = a[j][i] = entry(random);
        std::array<double, 3> values{};
        Matrix3 q{};
        ASSERT_TRUE(io::symmetric_eigen(a, values, q));
        double scale = 0;
        for (double v : values) scale = std::max(scale, std::abs(v));
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) {
                double dot = 0, image = 0;
                for (int r = 0; r < 3; ++r) dot += q[r][i] * q[r][j];
                EXPECT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-13);
                for (int r = 0; r < 3; ++r) image += a[j][r] * q[r][i];  // (A q_i)_j
                EXPECT_NEAR(image, values[static_cast<std::size_t>(i)] * q[j][i], 1e-12 * scale);
            }
    }
}

TEST(NeuronContour, DiagonalMatrixKeepsItsAxes) {
    const Matrix3 a{{{2, 0, 0}, {0, 5, 0}, {0, 0, 1}}};
    std::array<double, 3> values{};
    Matrix3 q{};
    ASSERT_TRUE(io::symmetric_eigen(a, values, q));
    EXPECT_EQ(values, (std::array<double, 3>{2, 5, 1}));
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) EXPECT_EQ(std::abs(q[i][j]), i == j ? 1.0 : 0.0);
}

std::vector<Point3> ellipse(double a, double b, double cx, double cy, int n) {
    std::vector<Point3> outline;
    for (int k = 0; k < n; ++k) {
        const double t = 2 * M_PI * k / n;
        outline.push_back(Point3{cx + a * std::cos(t), cy + b * std::sin(t), 1.5, 0.1});
    }
    return outline;
}

TEST(NeuronContour, EllipseCentroidFollowsTheMajorAxis) {
    const auto centroid = io::contour_centroid(ellipse(10, 5, 3, 4, 64));
    ASSERT_TRUE(centroid);
    ASSERT_EQ(centroid->size(), 21u);  // NEURON's 20 slices
    double widest = 0;
    for (const Point3& p : *centroid) {
        EXPECT_NEAR(p.y, 4, 0.1);  // on the major axis (the resampled outline's mean is close to the centre)
        EXPECT_NEAR(p.z, 1.5, 1e-12);
        EXPECT_GT(p.x, 3 - 10);
        EXPECT_LT(p.x, 3 + 10);
        // the width across the axis at this x, within the polygon's error
        const double u = (p.x - 3) / 10;
        if (&p != &centroid->front() && &p != &centroid->back()) {
            EXPECT_NEAR(p.diam, 10 * std::sqrt(1 - u * u), 0.15);
        }
        widest = std::max(widest, p.diam);
    }
    EXPECT_NEAR(widest, 10, 0.05);
}

TEST(NeuronContour, CircleDiameterOfARegularPolygon) {
    const Point3 circle = io::contour_as_circle(ellipse(4, 4, -2, 7, 200));
    // NEURON resamples the outline open, from the first point to the last, so the start weighs
    // twice in the mean: the centre is off by about r / n.
    EXPECT_NEAR(circle.x, -2, 0.03);
    EXPECT_NEAR(circle.y, 7, 0.03);
    EXPECT_NEAR(circle.diam, 8, 1e-3);  // mean radius + perimeter / 2 pi
}

TEST(NeuronContour, DegenerateOutlinesAreRefused) {
    EXPECT_FALSE(io::contour_centroid({{0, 0, 0, 1}, {1, 1, 0, 1}, {2, 2, 0, 1}}));
    EXPECT_FALSE(io::contour_centroid({{0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 1}}));
}

}  // namespace
}  // namespace parnet
