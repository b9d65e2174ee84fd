#pragma once
// Numerics for generated kernels (docs/mechanisms.md). The dense linear solver of NEURON's
// implicit methods, for the KINETIC (sparse) and derivimplicit kernels: scopmath's crout
// factorisation with
// scaled partial pivoting and its forward and back substitution, for the small system of N
// equations one lane of a kernel holds. The same operations in the same order as NEURON's, so
// that derivimplicit's Newton iteration (on a numerical Jacobian) takes NEURON's steps.
#include <cmath>

namespace parnet::cable::nmodl {

// NEURON's error codes (scopmath errcodes).
constexpr int solver_success = 0, solver_exceeded_iterations = 1, solver_singular = 2;

// LU factors of a in place (unit upper triangle), rows permuted by perm; solver_singular when a
// pivot is below NEURON's ROUNDOFF.
template <int N>
int crout(double (&a)[N][N], int (&perm)[N]) {
    double rowmax[N];
    for (int i = 0; i < N; ++i) {
        perm[i] = i;
        int k = 0;
        for (int j = 1; j < N; ++j)
            if (std::fabs(a[i][j]) > std::fabs(a[i][k])) k = j;
        rowmax[i] = a[i][k];
    }
    for (int r = 0; r < N; ++r) {
        for (int i = r; i < N; ++i) {
            double sum = 0.0;
            const int irow = perm[i];
            for (int k = 0; k < r; ++k) sum += a[irow][k] * a[perm[k]][r];
            a[irow][r] -= sum;
        }
        int pivot = perm[r], save_i = 0;
        double equil_1 = std::fabs(a[pivot][r] / rowmax[pivot]);
        for (int i = r + 1; i < N; ++i) {
            const int irow = perm[i];
            const double equil_2 = std::fabs(a[irow][r] / rowmax[irow]);
            if (equil_2 > equil_1) {
                pivot = irow;
                save_i = i;
                equil_1 = equil_2;
            }
        }
        if (pivot != perm[r]) {
            perm[save_i] = perm[r];
            perm[r] = pivot;
        }
        if (std::fabs(a[pivot][r]) < 1.e-20) return solver_singular;
        for (int j = r + 1; j < N; ++j) {
            double sum = 0.0;
            for (int k = 0; k < r; ++k) sum += a[pivot][k] * a[perm[k]][j];
            a[pivot][j] = (a[pivot][j] - sum) / a[pivot][r];
        }
    }
    return solver_success;
}

// x solving a x = b from crout's factors.
template <int N>
void crout_solve(const double (&a)[N][N], const double (&b)[N], const int (&perm)[N], double (&x)[N]) {
    for (int i = 0; i < N; ++i) {
        const int pivot = perm[i];
        double sum = 0.0;
        for (int j = 0; j < i; ++j) sum += a[pivot][j] * x[j];
        x[i] = (b[pivot] - sum) / a[pivot][i];
    }
    for (int i = N - 1; i >= 0; --i) {
        const int pivot = perm[i];
        double sum = 0.0;
        for (int j = i + 1; j < N; ++j) sum += a[pivot][j] * x[j];
        x[i] -= sum;
    }
}

// x^N for a small integer N as N - 1 multiplications, left to right (generated kernels' `x^5`:
// a libm pow per lane would keep the lane loop from vectorizing).
template <int N>
inline double ipow(double x) {
    double r = x;
    for (int i = 1; i < N; ++i) r *= x;
    return r;
}

}  // namespace parnet::cable::nmodl
