#include "engine/cable/split_solve.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace parnet::cable {

namespace {

// Greedy from the tips: a node whose uncut subtree reaches `target` becomes a cut (at most
// max_cuts of them; without a limit when max_cuts is 0).
std::vector<std::uint32_t> greedy_cuts(std::span<const std::int32_t> parent, std::span<const double> cost,
                                       double target, std::size_t max_cuts) {
    std::vector<std::uint32_t> cuts;
    std::vector<double> uncut(cost.begin(), cost.end());   // cost of the subtree not yet cut off
    for (std::size_t j = parent.size() - 1; j >= 1; --j) {
        if (uncut[j] >= target && (max_cuts == 0 || cuts.size() < max_cuts))
            cuts.push_back(static_cast<std::uint32_t>(j));
        else
            uncut[static_cast<std::size_t>(parent[j])] += uncut[j];
    }
    std::sort(cuts.begin(), cuts.end());
    return cuts;
}

}  // namespace

// The greedy target total/pieces can leave a piece short, or let one swallow several branches
// just under the target where they meet; so targets from total/pieces down to a sixty-fourth of
// it are tried and the split with the lightest heaviest piece is kept (the first on ties).
SplitDescription balanced_cuts(std::span<const std::int32_t> parent, std::span<const double> cost,
                               std::uint32_t pieces) {
    SplitDescription best;
    if (pieces <= 1 || parent.size() < 2) return best;
    const std::size_t want = std::min<std::size_t>(pieces - 1, parent.size() - 1);
    const double share = std::accumulate(cost.begin(), cost.end(), 0.0) / pieces;
    double best_max = 0.0;
    for (int k = 0; k < 64; ++k) {
        SplitDescription split{greedy_cuts(parent, cost, share * (1.0 - k / 64.0), want)};
        if (split.cuts.size() < best.cuts.size()) continue;
        const auto costs = piece_costs(parent, cost, split);
        const double heaviest = *std::max_element(costs.begin(), costs.end());
        if (split.cuts.size() > best.cuts.size() || heaviest < best_max) {
            best = std::move(split);
            best_max = heaviest;
        }
    }
    return best;
}

namespace {

// Piece of every node: 0 for the root's piece, 1 + i for the piece topped by cuts[i].
std::vector<std::uint32_t> pieces_of_nodes(std::span<const std::int32_t> parent, const SplitDescription& split) {
    std::vector<std::uint32_t> piece(parent.size(), 0);
    std::vector<std::uint32_t> top_of(parent.size(), 0);
    for (std::size_t i = 0; i < split.cuts.size(); ++i) {
        const std::uint32_t c = split.cuts[i];
        if (c == 0 || c >= parent.size() || (i > 0 && split.cuts[i - 1] >= c))
            throw std::invalid_argument("split description: cuts must be ascending node numbers in 1.." +
                                        std::to_string(parent.size() - 1));
        top_of[c] = static_cast<std::uint32_t>(i + 1);
    }
    for (std::size_t j = 1; j < parent.size(); ++j)
        piece[j] = top_of[j] != 0 ? top_of[j] : piece[static_cast<std::size_t>(parent[j])];
    return piece;
}

}  // namespace

std::vector<double> piece_costs(std::span<const std::int32_t> parent, std::span<const double> cost,
                                const SplitDescription& split) {
    const auto piece = pieces_of_nodes(parent, split);
    std::vector<double> out(split.piece_count(), 0.0);
    for (std::size_t j = 0; j < parent.size(); ++j) out[piece[j]] += cost[j];
    return out;
}

SplitSolver::SplitSolver(std::vector<std::int32_t> parent, std::vector<double> a, std::vector<double> b,
                         SplitDescription split)
    : parent_(std::move(parent)), a_(std::move(a)), b_(std::move(b)) {
    const std::size_t N = parent_.size();
    if (N == 0 || parent_[0] != -1) throw std::invalid_argument("split solve: node 0 must be the root");
    for (std::size_t j = 1; j < N; ++j)
        if (parent_[j] < 0 || static_cast<std::size_t>(parent_[j]) >= j)
            throw std::invalid_argument("split solve: nodes must be in Hines order (parent below child)");
    piece_of_ = pieces_of_nodes(parent_, split);
    is_boundary_.assign(N, false);
    is_boundary_[0] = true;
    boundary_node_.push_back(0);
    for (std::uint32_t c : split.cuts) {
        is_boundary_[c] = true;
        boundary_node_.push_back(c);
    }
    pieces_.resize(split.piece_count());
    for (std::size_t p = 0; p < pieces_.size(); ++p) {
        pieces_[p].boundary.push_back(boundary_node_[p]);
        pieces_[p].boundary_index.push_back(static_cast<std::uint32_t>(p));
    }
    local_.assign(N, 0);
    for (std::size_t j = 1; j < N; ++j) {
        if (is_boundary_[j]) {
            // A cut: a boundary node of the piece holding its parent, too.
            Piece& above = pieces_[piece_of_[static_cast<std::size_t>(parent_[j])]];
            above.boundary.push_back(static_cast<std::uint32_t>(j));
            above.boundary_index.push_back(piece_of_[j]);
        } else {
            Piece& piece = pieces_[piece_of_[j]];
            local_[j] = static_cast<std::uint32_t>(piece.interior.size());
            piece.interior.push_back(static_cast<std::uint32_t>(j));
        }
    }
    for (Piece& piece : pieces_) {
        piece.cuts_on_path.resize(piece.interior.size());
        for (std::size_t k = 1; k < piece.boundary.size(); ++k)
            for (auto n = static_cast<std::size_t>(parent_[piece.boundary[k]]); !is_boundary_[n];
                 n = static_cast<std::size_t>(parent_[n]))
                piece.cuts_on_path[local_[n]].push_back(static_cast<std::uint32_t>(k - 1));
        piece.path_begin.push_back(0);
        for (std::size_t i = 0; i < piece.interior.size(); ++i) {
            const std::size_t j = piece.interior[i];
            const auto par = static_cast<std::size_t>(parent_[j]);
            piece.parent_local.push_back(is_boundary_[par] ? -1 : static_cast<std::int32_t>(local_[par]));
            piece.a.push_back(a_[j]);
            piece.b.push_back(b_[j]);
            piece.path_cut.insert(piece.path_cut.end(), piece.cuts_on_path[i].begin(), piece.cuts_on_path[i].end());
            piece.path_begin.push_back(static_cast<std::uint32_t>(piece.path_cut.size()));
        }
    }
}

std::vector<SplitSolver::PieceState> SplitSolver::make_states() const {
    std::vector<PieceState> states(pieces_.size());
    for (std::size_t p = 0; p < pieces_.size(); ++p) {
        const std::size_t nb = pieces_[p].boundary.size(), ni = pieces_[p].interior.size();
        states[p].contribution.block.assign(nb * nb, 0.0);
        states[p].contribution.rhs.assign(nb, 0.0);
        states[p].row_fill.assign(ni * (nb - 1), 0.0);
        states[p].column_fill.assign(ni * (nb - 1), 0.0);
        states[p].inv_d.assign(ni, 0.0);
    }
    return states;
}

// Gaussian elimination of the interior rows, children before parents (descending node number).
// Besides the Hines updates of the parent's row, an interior node on the path from a child cut
// up to the top carries that cut in its row (row_fill, started by a[cut]) and in the cut's row
// (column_fill, started by b[cut]); eliminating it passes both to its parent and adds the Schur
// terms between the cuts to the piece's block. At the top they land in the block too.
void SplitSolver::eliminate(std::size_t p, double* d, double* rhs, PieceState& state) const {
    const Piece& piece = pieces_[p];
    const std::size_t nb = piece.boundary.size(), nc = nb - 1;
    double* K = state.contribution.block.data();
    double* g = state.contribution.rhs.data();
    double* R = state.row_fill.data();
    double* C = state.column_fill.data();
    std::fill(K, K + nb * nb, 0.0);
    std::fill(g, g + nb, 0.0);
    std::fill(R, R + piece.interior.size() * nc, 0.0);
    std::fill(C, C + piece.interior.size() * nc, 0.0);
    for (std::size_t k = 1; k < nb; ++k) {
        const std::uint32_t c = piece.boundary[k];
        const auto pc = static_cast<std::size_t>(parent_[c]);
        if (is_boundary_[pc]) {   // directly below the top
            K[k] += a_[c];
            K[k * nb] += b_[c];
        } else {
            R[local_[pc] * nc + k - 1] = a_[c];
            C[local_[pc] * nc + k - 1] = b_[c];
        }
    }
    const std::uint32_t* node = piece.interior.data();
    const std::int32_t* up = piece.parent_local.data();
    const double* pa = piece.a.data();
    const double* pb = piece.b.data();
    const std::uint32_t* begin = piece.path_begin.data();
    const std::uint32_t* cut = piece.path_cut.data();
    double* inv_d = state.inv_d.data();
    for (std::size_t i = piece.interior.size(); i-- > 0;) {
        const std::size_t j = node[i];
        const double inv = 1.0 / d[j];
        inv_d[i] = inv;
        const double f = pa[i] * inv;
        const std::uint32_t* path = cut + begin[i];
        const std::uint32_t* path_end = cut + begin[i + 1];
        if (up[i] < 0) {
            K[0] -= f * pb[i];
            g[0] -= f * rhs[j];
            for (const std::uint32_t* k = path; k != path_end; ++k) {
                K[*k + 1] -= f * R[i * nc + *k];
                K[(*k + 1) * nb] -= (C[i * nc + *k] * inv) * pb[i];
            }
        } else {
            const auto ip = static_cast<std::size_t>(up[i]);
            const std::size_t par = node[ip];
            d[par] -= f * pb[i];
            rhs[par] -= f * rhs[j];
            for (const std::uint32_t* k = path; k != path_end; ++k) {
                R[ip * nc + *k] -= f * R[i * nc + *k];
                C[ip * nc + *k] -= (C[i * nc + *k] * inv) * pb[i];
            }
        }
        for (const std::uint32_t* k = path; k != path_end; ++k) {
            const double h = C[i * nc + *k] * inv;
            g[*k + 1] -= h * rhs[j];
            for (const std::uint32_t* l = path; l != path_end; ++l) K[(*k + 1) * nb + *l + 1] -= h * R[i * nc + *l];
        }
    }
}

// The boundary nodes are few (one per cut and the root): a dense system, eliminated from the
// highest boundary node down (tips of the cut tree first, as Hines), no pivoting (the matrix is
// diagonally dominant like the cell's own), fixed order.
std::vector<double> SplitSolver::solve_boundary(const double* d, const double* rhs,
                                                std::span<const PieceState> states) const {
    const std::size_t n = boundary_node_.size();
    std::vector<double> bd(n), br(n), dv(n), scratch;
    for (std::size_t i = 0; i < n; ++i) {
        bd[i] = d[boundary_node_[i]];
        br[i] = rhs[boundary_node_[i]];
    }
    std::vector<std::vector<double>> parts(pieces_.size());
    std::vector<const double*> contributions(pieces_.size());
    for (std::size_t p = 0; p < pieces_.size(); ++p) {
        parts[p] = states[p].contribution.block;
        parts[p].insert(parts[p].end(), states[p].contribution.rhs.begin(), states[p].contribution.rhs.end());
        contributions[p] = parts[p].data();
    }
    solve_boundary(bd, br, contributions, scratch, dv.data());
    return dv;
}

void SplitSolver::solve_boundary(std::span<const double> boundary_d, std::span<const double> boundary_rhs,
                                 std::span<const double* const> contributions, std::vector<double>& scratch,
                                 double* x) const {
    const std::size_t n = boundary_node_.size();
    scratch.assign(n * n + n, 0.0);
    double* S = scratch.data();
    double* g = S + n * n;
    for (std::size_t i = 0; i < n; ++i) {
        S[i * n + i] = boundary_d[i];
        g[i] = boundary_rhs[i];
    }
    for (std::size_t p = 0; p < pieces_.size(); ++p) {
        const Piece& piece = pieces_[p];
        const std::size_t nb = piece.boundary.size();
        const double* block = contributions[p];
        const double* crhs = block + nb * nb;
        for (std::size_t r = 0; r < nb; ++r) {
            const std::size_t R = piece.boundary_index[r];
            for (std::size_t s = 0; s < nb; ++s) S[R * n + piece.boundary_index[s]] += block[r * nb + s];
            g[R] += crhs[r];
        }
    }
    for (std::size_t i = n; i-- > 1;) {
        const double inv = 1.0 / S[i * n + i];
        for (std::size_t r = 0; r < i; ++r) {
            if (S[r * n + i] == 0.0) continue;   // structural zero: pieces not touching
            const double f = S[r * n + i] * inv;
            for (std::size_t s = 0; s < i; ++s) S[r * n + s] -= f * S[i * n + s];
            g[r] -= f * g[i];
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        double sum = g[i];
        for (std::size_t s = 0; s < i; ++s) sum -= S[i * n + s] * x[s];
        x[i] = sum / S[i * n + i];
    }
}

void SplitSolver::substitute(std::size_t p, std::span<const double> boundary_dv, double* rhs,
                             const PieceState& state) const {
    const Piece& piece = pieces_[p];
    const std::size_t nc = piece.boundary.size() - 1;
    const double top = boundary_dv[piece.boundary_index[0]];
    rhs[piece.boundary[0]] = top;   // the cuts below are written by their own pieces
    const std::uint32_t* node = piece.interior.data();
    const std::int32_t* up = piece.parent_local.data();
    const double* pb = piece.b.data();
    const double* inv_d = state.inv_d.data();
    for (std::size_t i = 0; i < piece.interior.size(); ++i) {
        const std::size_t j = node[i];
        double s = rhs[j] - pb[i] * (up[i] < 0 ? top : rhs[node[up[i]]]);
        for (std::uint32_t p = piece.path_begin[i]; p < piece.path_begin[i + 1]; ++p) {
            const std::uint32_t k = piece.path_cut[p];
            s -= state.row_fill[i * nc + k] * boundary_dv[piece.boundary_index[k + 1]];
        }
        rhs[j] = s * inv_d[i];
    }
}

void SplitSolver::solve(double* d, double* rhs) const {
    auto states = make_states();
    for (std::size_t p = 0; p < pieces_.size(); ++p) eliminate(p, d, rhs, states[p]);
    const auto dv = solve_boundary(d, rhs, states);
    for (std::size_t p = 0; p < pieces_.size(); ++p) substitute(p, dv, rhs, states[p]);
}

std::uint64_t SplitSolver::operation_count() const {
    std::uint64_t ops = 0;
    for (const Piece& piece : pieces_) {
        const std::uint64_t nb = piece.boundary.size();
        for (const auto& path : piece.cuts_on_path) {
            const std::uint64_t m = path.size();
            ops += 9;                        // as the Hines solve: 1/d, factor, d, rhs, back substitution
            ops += m * (2 + 3 + 2 + 2) + 2 * m * m;   // fills up, Schur rhs and block terms
        }
        ops += nb * nb + nb;                 // assembly
    }
    const std::uint64_t n = boundary_node_.size();
    for (std::uint64_t i = 1; i < n; ++i) ops += 1 + i * (1 + 2 * i + 2);   // dense elimination (upper bound)
    ops += n * n;                            // forward: i products and sums, one division each
    return ops;
}

}  // namespace parnet::cable
