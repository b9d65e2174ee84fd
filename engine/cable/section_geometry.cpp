#include "section_geometry.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace parnet::cable {

namespace {

constexpr double pi = std::numbers::pi;   // NEURON's PI (3.14159265358979323846)

// A section's points as NEURON holds them: coordinates and diameters in float, arc lengths in
// double accumulated from float differences (treeset.cpp nrn_pt3dmodified).
struct StoredPoints {
    std::vector<double> arc;
    std::vector<double> diam;   // |d| of the float value
};

StoredPoints stored_points(const std::vector<Point3>& points) {
    StoredPoints s;
    s.arc.resize(points.size());
    s.diam.resize(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        const float x = static_cast<float>(points[i].x), y = static_cast<float>(points[i].y),
                    z = static_cast<float>(points[i].z), d = static_cast<float>(points[i].diam);
        s.diam[i] = std::fabs(static_cast<double>(d));
        if (i == 0) {
            s.arc[0] = 0.0;
            continue;
        }
        const float px = static_cast<float>(points[i - 1].x), py = static_cast<float>(points[i - 1].y),
                    pz = static_cast<float>(points[i - 1].z);
        const double t1 = x - px, t2 = y - py, t3 = z - pz;   // float differences, as NEURON's
        s.arc[i] = s.arc[i - 1] + std::sqrt(t1 * t1 + t2 * t2 + t3 * t3);
    }
    return s;
}

bool has_points(const CableSection& section) { return section.points.size() > 1; }

double clamped_length(double length) { return length <= 1e-9 ? 1e-9 : length; }

SectionGeometry cylinder_geometry(const CableSection& sec) {
    SectionGeometry g;
    g.length = sec.length;
    const double dx = sec.length / static_cast<double>(sec.ncomp);
    const double rleft = 1e-2 * sec.Ra * (dx / 2) / (pi * sec.diam * sec.diam / 4.);  // megohm
    double rright = 0.0;
    for (std::uint32_t k = 0; k < sec.ncomp; ++k) {
        g.area.push_back(pi * sec.diam * dx);
        g.rinv.push_back(1. / (rleft + rright));
        g.diam.push_back(sec.diam);
        rright = rleft;
    }
    g.rinv.push_back(1. / rright);
    return g;
}

// diam_from_list for every segment in turn: trapezoidal integration over the points between
// the segment's boundaries, each half separately for the resistances. The state (current point
// j and the last integration point x1, y1) runs on from one half and one segment to the next.
SectionGeometry point_geometry(const CableSection& sec) {
    const StoredPoints p = stored_points(sec.points);
    const std::size_t npt = p.arc.size();
    SectionGeometry g;
    g.length = clamped_length(p.arc[npt - 1]);
    const double ds = p.arc[npt - 1] / static_cast<double>(sec.ncomp);
    const double ra = sec.Ra;
    std::size_t j = 0;
    double x1 = p.arc[0], y1 = p.diam[0];
    double rright = 0.0, rparent = 0.0;
    for (std::uint32_t inode = 0; inode < sec.ncomp; ++inode) {
        double si = static_cast<double>(inode) * ds;
        double diam = 0.0, area = 0.0, rleft = 0.0;
        for (int ihalf = 0; ihalf < 2; ++ihalf) {
            double ri = 0.0;
            const double sip = si + ds / 2.;
            for (;;) {
                const std::size_t jp = j + 1;
                const double xj = p.arc[j], xjp = p.arc[jp];
                double x2, y2;
                std::size_t jnext;
                if (xjp > sip || jp == npt - 1) {
                    const double frac = std::fabs(xjp - xj) < 1e-10 ? 1.0 : (sip - xj) / (xjp - xj);
                    x2 = sip;
                    y2 = (1. - frac) * p.diam[j] + frac * p.diam[jp];
                    jnext = j;
                } else {
                    x2 = xjp;
                    y2 = p.diam[jp];
                    jnext = jp;
                }
                double delta = x2 - x1;
                diam += (y2 + y1) * delta;
                if (delta < 1e-15) delta = 1e-15;
                double temp = y2 * y1 / delta;
                if (temp == 0) temp = 1e-15;
                ri += 1 / temp;                      // integral of dx / d^2 over a frustum
                temp = .5 * (y2 - y1);
                temp = std::sqrt(delta * delta + temp * temp);
                area += (y2 + y1) * temp;            // lateral surface of the frustum / (pi/2)
                x1 = x2;
                y1 = y2;
                if (j == jnext) break;
                j = jnext;
            }
            if (ihalf == 0) rleft = ri * ra / pi * (4. * .01);
            else rright = ri * ra / pi * (4. * .01);   // megohm
            si = sip;
        }
        g.rinv.push_back(1. / (rparent + rleft));   // rparent: the previous segment's right half
        rparent = rright;
        diam *= .5 / ds;
        g.diam.push_back(diam);
        g.area.push_back(area * .5 * pi);
    }
    g.rinv.push_back(1. / rright);
    return g;
}

}  // namespace

double section_length(const CableSection& section) {
    if (!has_points(section)) return section.length;
    const StoredPoints p = stored_points(section.points);
    return clamped_length(p.arc.back());
}

SectionGeometry section_geometry(const CableSection& section) {
    if (section.ncomp == 0) throw std::invalid_argument("section " + section.name + ": nseg must be positive");
    return has_points(section) ? point_geometry(section) : cylinder_geometry(section);
}

double lambda_f(const CableSection& section, double frequency) {
    const double cm = section.cm, Ra = section.Ra;
    if (cm == 0) return 1e10;
    if (!has_points(section)) return 1e5 * std::sqrt(section.diam / (4 * pi * frequency * Ra * cm));
    const StoredPoints p = stored_points(section.points);
    double x1 = p.arc[0], d1 = p.diam[0], lam = 0;
    for (std::size_t i = 1; i < p.arc.size(); ++i) {
        if (d1 == 0)
            throw std::invalid_argument("section " + section.name + ": 0 diameter at 3-D point " +
                                        std::to_string(i - 1) + " (lambda_f)");
        const double x2 = p.arc[i], d2 = p.diam[i];
        lam += (x2 - x1) / std::sqrt(d1 + d2);
        x1 = x2;
        d1 = d2;
    }
    lam *= std::sqrt(2) * 1e-5 * std::sqrt(4 * pi * frequency * Ra * cm);
    return clamped_length(p.arc.back()) / lam;
}

}  // namespace parnet::cable
