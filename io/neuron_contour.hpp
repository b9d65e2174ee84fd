#pragma once
// NEURON's approximation of a soma contour by a centroid line (Import3d_GUI.contour2centroid,
// NEURON 8.2): the outline is resampled at 101 points evenly spaced along its perimeter, its
// principal axis found (Matrix.symmeig, Meschach's Householder + QR, reproduced so that the axis
// has NEURON's sign and so the points NEURON's order), and the outline sliced across that axis
// into 21 points whose diameters are the widths of the slices. Every step repeats NEURON's
// arithmetic in its order, so the points agree with NEURON's to the last bit but for rare rounding.
#include "engine/cable/morphology.hpp"

#include <array>
#include <optional>
#include <vector>

namespace parnet::io {

// The centroid points (diam = slice width); none if the outline is too degenerate to slice
// (all points on a line or a circle NEURON cannot orient).
std::optional<std::vector<Point3>> contour_centroid(const std::vector<Point3>& outline);

// Import3d_Section.approximate_contour_by_circle(): the outline's centre (the mean of the outline
// resampled at 101 points evenly spaced along its (x, y) perimeter, NEURON's contourcenter) and
// NEURON's diameter for it, the mean distance of the resampled points from the centre plus the
// closed 3-D perimeter over 2 pi. A soma given as a stack of contours is one such point per contour
// (Import3d_GUI.contourstack2centroid).
Point3 contour_as_circle(const std::vector<Point3>& outline);

// Meschach's symmeig as NEURON 8.2's Matrix.symmeig runs it: eigenvalues, and the eigenvectors
// as the columns of `vectors`. False if the QR iteration does not converge (non-finite input).
bool symmetric_eigen(const std::array<std::array<double, 3>, 3>& matrix, std::array<double, 3>& values,
                     std::array<std::array<double, 3>, 3>& vectors);

}  // namespace parnet::io
