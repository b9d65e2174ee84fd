#include "neuron_contour.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>

// Built with -ffp-contract=off (io/CMakeLists.txt): NEURON's Debian build uses no fused
// multiply-add, and the points must round as NEURON's do.

namespace parnet::io {

namespace {

using Vec = std::vector<double>;
constexpr int n3 = 3;

// Vector.interpolate(xdest, xsrc, ysrc): piecewise linear, constant outside the source range.
Vec interpolate(const Vec& xd, const Vec& xs, const Vec& ys) {
    const std::size_t nd = xd.size(), ns = xs.size();
    Vec yd(nd);
    std::size_t id = 0;
    for (; id < nd && xd[id] <= xs[0]; ++id) yd[id] = ys[0];
    for (std::size_t is = 1; is < ns && id < nd; ++is) {
        if (xs[is] <= xs[is - 1]) continue;
        while (xd[id] <= xs[is]) {
            const double thet = (xd[id] - xs[is - 1]) / (xs[is] - xs[is - 1]);
            yd[id] = (1. - thet) * ys[is - 1] + thet * ys[is];
            if (++id >= nd) break;
        }
    }
    for (; id < nd; ++id) yd[id] = ys[ns - 1];
    return yd;
}

double mean(const Vec& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

std::size_t first_max(const Vec& v) { return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin()); }
std::size_t first_min(const Vec& v) { return static_cast<std::size_t>(std::min_element(v.begin(), v.end()) - v.begin()); }

// contourcenter(): resamples x, y, z in place at 101 points evenly spaced along the (x, y)
// perimeter of the open outline (first to last point), returns their mean.
std::array<double, 3> resample_outline(Vec& x, Vec& y, Vec& z) {
    const std::size_t n = x.size();
    Vec perimeter(n, 0.0);
    for (std::size_t i = 1; i < n; ++i) {
        const double dx = x[i] - x[i - 1], dy = y[i] - y[i - 1], dz = 0.0;
        perimeter[i] = perimeter[i - 1] + std::sqrt(0.0 + dx * dx + dy * dy + dz * dz);
    }
    const double step = perimeter[n - 1] / 100;
    Vec at(101);
    for (std::size_t k = 0; k < at.size(); ++k) at[k] = static_cast<double>(k) * step + 0.0;
    x = interpolate(at, perimeter, x);
    y = interpolate(at, perimeter, y);
    z = interpolate(at, perimeter, z);
    return {mean(x), mean(y), mean(z)};
}

// The convexity pass of contour2centroid: drops positions that do not increase.
void keep_increasing(Vec& position, Vec& radius) {
    for (long j = static_cast<long>(position.size()) - 1; j > 0; --j) {
        const auto u = static_cast<std::size_t>(j);
        if (position[u] <= position[u - 1]) {
            position.erase(position.begin() + j);
            radius.erase(radius.begin() + j);
            if (u != position.size()) ++j;
        }
    }
}

using Matrix3 = std::array<std::array<double, 3>, 3>;

// Meschach's Hfactor + makeHQ + trieig for a 3x3 symmetric matrix (symmeig.c, hessen.c,
// hsehldr.c, givens.c), in their order of operations.
struct Meschach {
    Matrix3 a{};            // factored in place
    std::array<double, 3> diag{}, beta{};

    static double in_prod(const double* u, const double* v, int i0) {
        double sum = 0.0;
        for (int i = i0; i < n3; ++i) sum += u[i] * v[i];
        return sum;
    }

    void hfactor() {
        for (int k = 0; k < n3 - 1; ++k) {
            double h[3];
            for (int i = 0; i < n3; ++i) h[i] = a[i][k];
            const int i0 = k + 1;
            const double norm = std::sqrt(in_prod(h, h, i0));
            if (norm <= 0.0) {
                beta[k] = 0.0;
            } else {
                beta[k] = 1.0 / (norm * (norm + std::fabs(h[i0])));
                const double newval = h[i0] > 0.0 ? -norm : norm;
                a[i0][k] = newval;
                h[i0] -= newval;
            }
            diag[k] = h[i0];
            transform_columns(i0, i0, h, beta[k]);
            transform_rows(0, i0, h, beta[k]);
        }
    }

    void transform_columns(int i0, int j0, const double* h, double b) {
        if (b == 0.0) return;
        double w[3] = {0.0, 0.0, 0.0};
        for (int i = i0; i < n3; ++i)
            if (h[i] != 0.0)
                for (int j = j0; j < n3; ++j) w[j] += h[i] * a[i][j];
        for (int i = i0; i < n3; ++i)
            if (h[i] != 0.0) {
                const double s = -b * h[i];
                for (int j = j0; j < n3; ++j) a[i][j] += s * w[j];
            }
    }

    void transform_rows(int i0, int j0, const double* h, double b) {
        if (b == 0.0) return;
        for (int i = i0; i < n3; ++i) {
            const double ip = in_prod(a[i].data(), h, j0);
            const double scale = b * ip;
            if (scale == 0.0) continue;
            const double s = -scale;
            for (int j = j0; j < n3; ++j) a[i][j] += s * h[j];
        }
    }

    Matrix3 make_q() const {
        Matrix3 q{};
        for (int i = 0; i < n3; ++i) {
            double t[3] = {0.0, 0.0, 0.0};
            t[i] = 1.0;
            for (int j = n3 - 2; j >= 0; --j) {
                double h[3];
                for (int r = 0; r < n3; ++r) h[r] = a[r][j];
                h[j + 1] = diag[j];
                const double scale = beta[j] * in_prod(h, t, j + 1);
                const double s = -scale;
                for (int r = j + 1; r < n3; ++r) t[r] += s * h[r];
            }
            for (int r = 0; r < n3; ++r) q[r][i] = t[r];
        }
        return q;
    }
};

void rotate_columns(Matrix3& q, int i, int k, double c, double s) {
    for (int j = 0; j < n3; ++j) {
        const double temp = c * q[j][i] + s * q[j][k];
        q[j][k] = -s * q[j][i] + c * q[j][k];
        q[j][i] = temp;
    }
}

void givens(double x, double y, double& c, double& s) {
    const double norm = std::sqrt(x * x + y * y);
    if (norm == 0.0) {
        c = 1.0;
        s = 0.0;
    } else {
        c = x / norm;
        s = y / norm;
    }
}

// trieig(): implicit QR with Wilkinson shifts on the tridiagonal (a diagonal, b off-diagonal).
bool tridiagonal_eigen(double* av, double* bv, Matrix3& q) {
    constexpr double sqrt2 = 1.4142135623730949;
    const int n = n3;
    int i_min = 0;
    int sweeps = 0;
    while (i_min < n) {
        int i_max = n - 1;
        for (int i = i_min; i < n - 1; ++i)
            if (bv[i] == 0.0) {
                i_max = i;
                break;
            }
        if (i_max <= i_min) {
            i_min = i_max + 1;
            continue;
        }
        bool split = false;
        while (!split) {
            if (++sweeps > 10000) return false;
            const double d = (av[i_max - 1] - av[i_max]) / 2;
            const double b_sqr = bv[i_max - 1] * bv[i_max - 1];
            const double sgn = d >= 0 ? 1 : -1;
            const double mu = av[i_max] - b_sqr / (d + sgn * std::sqrt(d * d + b_sqr));
            double c, s, c2, s2;
            givens(av[i_min] - mu, bv[i_min], c, s);
            s = -s;
            if (std::fabs(c) < sqrt2) {
                c2 = c * c;
                s2 = 1 - c2;
            } else {
                s2 = s * s;
                c2 = 1 - s2;
            }
            double cs = c * s;
            const double ak1 = c2 * av[i_min] + s2 * av[i_min + 1] - 2 * cs * bv[i_min];
            const double bk1 = cs * (av[i_min] - av[i_min + 1]) + (c2 - s2) * bv[i_min];
            const double ak2 = s2 * av[i_min] + c2 * av[i_min + 1] + 2 * cs * bv[i_min];
            const double bk2 = (i_min < i_max - 1) ? c * bv[i_min + 1] : 0.0;
            double z = (i_min < i_max - 1) ? -s * bv[i_min + 1] : 0.0;
            av[i_min] = ak1;
            av[i_min + 1] = ak2;
            bv[i_min] = bk1;
            if (i_min < i_max - 1) bv[i_min + 1] = bk2;
            rotate_columns(q, i_min, i_min + 1, c, -s);
            for (int i = i_min + 1; i < i_max; ++i) {
                givens(bv[i - 1], z, c, s);
                s = -s;
                if (std::fabs(c) < sqrt2) {
                    c2 = c * c;
                    s2 = 1 - c2;
                } else {
                    s2 = s * s;
                    c2 = 1 - s2;
                }
                cs = c * s;
                const double bk = c * bv[i - 1] - s * z;
                const double a1 = c2 * av[i] + s2 * av[i + 1] - 2 * cs * bv[i];
                const double b1 = cs * (av[i] - av[i + 1]) + (c2 - s2) * bv[i];
                const double a2 = s2 * av[i] + c2 * av[i + 1] + 2 * cs * bv[i];
                const double b2 = (i + 1 < i_max) ? c * bv[i + 1] : 0.0;
                z = (i + 1 < i_max) ? -s * bv[i + 1] : 0.0;
                av[i] = a1;
                av[i + 1] = a2;
                bv[i] = b1;
                if (i < i_max - 1) bv[i + 1] = b2;
                if (i > i_min) bv[i - 1] = bk;
                rotate_columns(q, i, i + 1, c, -s);
            }
            for (int i = i_min; i < i_max; ++i)
                if (std::fabs(bv[i]) < DBL_EPSILON * (std::fabs(av[i]) + std::fabs(av[i + 1]))) {
                    bv[i] = 0.0;
                    split = true;
                }
        }
    }
    return true;
}

}  // namespace

bool symmetric_eigen(const Matrix3& matrix, std::array<double, 3>& values, Matrix3& vectors) {
    Meschach m;
    m.a = matrix;
    m.hfactor();
    vectors = m.make_q();
    double b[2];
    for (int i = 0; i < n3 - 1; ++i) {
        values[static_cast<std::size_t>(i)] = m.a[i][i];
        b[i] = m.a[i][i + 1];
    }
    values[2] = m.a[2][2];
    for (double v : values)
        if (!std::isfinite(v)) return false;
    return tridiagonal_eigen(values.data(), b, vectors);
}

Point3 contour_as_circle(const std::vector<Point3>& outline) {
    const std::size_t n = outline.size();
    double perimeter = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Point3 &a = outline[i], &b = outline[(i + 1) % n];
        const double dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
        perimeter += std::sqrt(0.0 + dx * dx + dy * dy + dz * dz);
    }
    Vec x, y, z;
    for (const Point3& p : outline) {
        x.push_back(p.x);
        y.push_back(p.y);
        z.push_back(p.z);
    }
    const std::array<double, 3> centre = resample_outline(x, y, z);
    Vec distance(x.size());
    for (std::size_t k = 0; k < x.size(); ++k) {
        const double dx = x[k] - centre[0], dy = y[k] - centre[1], dz = z[k] - centre[2];
        distance[k] = std::sqrt(dx * dx + dy * dy + dz * dz);
    }
    constexpr double pi = 3.14159265358979323846;
    return Point3{centre[0], centre[1], centre[2], mean(distance) + perimeter / (2 * pi)};
}

std::optional<std::vector<Point3>> contour_centroid(const std::vector<Point3>& outline) {
    if (outline.size() < 2) return std::nullopt;
    Vec x, y, z;
    for (const Point3& p : outline) {
        x.push_back(p.x);
        y.push_back(p.y);
        z.push_back(p.z);
    }
    const std::array<double, 3> centre = resample_outline(x, y, z);
    const std::size_t n = x.size();
    std::array<Vec, 3> pts{Vec(n), Vec(n), Vec(n)};
    for (std::size_t k = 0; k < n; ++k) {
        pts[0][k] = x[k] - centre[0];
        pts[1][k] = y[k] - centre[1];
        pts[2][k] = z[k] - centre[2];
    }
    Matrix3 moments{};
    for (int i = 0; i < 3; ++i)
        for (int j = i; j < 3; ++j) {
            double sum = 0.0;
            for (std::size_t k = 0; k < n; ++k) sum += pts[static_cast<std::size_t>(i)][k] * pts[static_cast<std::size_t>(j)][k];
            moments[i][j] = moments[j][i] = sum;
        }
    std::array<double, 3> values{};
    Matrix3 axes{};
    if (!symmetric_eigen(moments, values, axes)) return std::nullopt;
    const Vec eigen(values.begin(), values.end());
    const std::size_t imax_axis = first_max(eigen), imin_axis = first_min(eigen);
    if (imax_axis == imin_axis) return std::nullopt;
    const std::size_t middle = 3 - imin_axis - imax_axis;
    std::array<double, 3> major{}, minor{};
    for (std::size_t r = 0; r < 3; ++r) {
        major[r] = axes[r][imax_axis];
        minor[r] = axes[r][middle];
    }
    minor[2] = 0;
    const double minor_length = std::sqrt(0.0 + minor[0] * minor[0] + minor[1] * minor[1] + minor[2] * minor[2]);
    if (!(minor_length > 0)) return std::nullopt;
    for (double& c : minor) c /= minor_length;

    Vec along(n), across(n);
    for (std::size_t k = 0; k < n; ++k) {
        along[k] = 0.0 + pts[0][k] * major[0] + pts[1][k] * major[1] + pts[2][k] * major[2];
        across[k] = 0.0 + pts[0][k] * minor[0] + pts[1][k] * minor[1] + pts[2][k] * minor[2];
    }
    const std::size_t imax = first_max(along);
    std::rotate(along.begin(), along.begin() + static_cast<std::ptrdiff_t>(imax), along.end());
    std::rotate(across.begin(), across.begin() + static_cast<std::ptrdiff_t>(imax), across.end());
    const std::size_t imin = first_min(along);
    if (imin == 0) return std::nullopt;
    Vec side2(along.begin() + static_cast<std::ptrdiff_t>(imin), along.end());
    Vec across2(across.begin() + static_cast<std::ptrdiff_t>(imin), across.end());
    along.resize(imin);
    across.resize(imin);
    std::reverse(along.begin(), along.end());
    std::reverse(across.begin(), across.end());
    keep_increasing(along, across);
    keep_increasing(side2, across2);

    Vec slices = along;
    slices.insert(slices.end(), side2.begin(), side2.end());
    std::sort(slices.begin(), slices.end());
    if (slices.size() < 3) return std::nullopt;
    const double start = slices[1], end = slices[slices.size() - 2];
    const double step = (end - start) / 20;
    const double count = std::floor((end - start) / step + 1e-9) + 1.;
    if (!(step > 0) || !(count >= 2) || count > 1e6) return std::nullopt;
    slices.resize(static_cast<std::size_t>(count));
    for (std::size_t k = 0; k < slices.size(); ++k) slices[k] = static_cast<double>(k) * step + start;
    const Vec r1 = interpolate(slices, along, across);
    const Vec r2 = interpolate(slices, side2, across2);

    std::vector<Point3> centroid(slices.size());
    for (std::size_t k = 0; k < slices.size(); ++k) {
        centroid[k].x = major[0] * slices[k] + centre[0];
        centroid[k].y = major[1] * slices[k] + centre[1];
        centroid[k].z = major[2] * slices[k] + centre[2];
        centroid[k].diam = std::fabs(r1[k] - r2[k]);
    }
    const std::size_t last = centroid.size() - 1;
    centroid[0].diam = (centroid[0].diam + centroid[1].diam) / 2;
    centroid[last].diam = (centroid[last].diam + centroid[last - 1].diam) / 2;
    return centroid;
}

}  // namespace parnet::io
