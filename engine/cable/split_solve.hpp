#pragma once
// One cell's Hines system solved in pieces (NEURON's multisplit idea, parnet's own arithmetic):
// the node tree is cut at a few nodes, every piece eliminates its interior nodes towards its
// boundary nodes (its top and the cuts just below it), the small system of all boundary nodes is
// assembled from the pieces' contributions in piece order and solved exactly, and every piece
// finishes its back substitution from the boundary values. Each piece reads and writes only its
// own interior rows and its own contribution block, so pieces may run on any thread or rank, in
// any order: the order of every floating-point operation depends only on the tree and the cuts,
// and the result is bit-identical wherever the pieces run (docs/split-solve.md).
#include <cstdint>
#include <span>
#include <vector>

namespace parnet::cable {

// Where a cell is cut: nodes (in Hines numbering, parent below child) that become the tops of
// their own pieces. Node 0 is always the top of piece 0 and is not listed. Sorted ascending.
struct SplitDescription {
    std::vector<std::uint32_t> cuts;
    std::size_t piece_count() const { return cuts.size() + 1; }
};

// Cuts that divide the tree into about `pieces` pieces of balanced cost (cost per node; zero
// costs allowed). Greedy from the tips: a node whose uncut subtree reaches a target becomes a
// cut; of the targets total/pieces x (1 - k/64), k < 64, the one whose heaviest piece is lightest.
// Deterministic: depends only on parent, cost and pieces.
SplitDescription balanced_cuts(std::span<const std::int32_t> parent, std::span<const double> cost,
                               std::uint32_t pieces);

// The cost of every piece of a split (sum of its nodes' costs).
std::vector<double> piece_costs(std::span<const std::int32_t> parent, std::span<const double> cost,
                                const SplitDescription& split);

class SplitSolver {
public:
    // parent, a, b as CableLayout gives them (parent[0] = -1, parent[j] < j).
    SplitSolver(std::vector<std::int32_t> parent, std::vector<double> a, std::vector<double> b,
                SplitDescription split);

    std::size_t piece_count() const { return pieces_.size(); }
    std::size_t boundary_count() const { return boundary_node_.size(); }
    // Boundary nodes of a piece: its top first, then the cuts whose parent lies in it.
    std::span<const std::uint32_t> piece_boundary(std::size_t piece) const { return pieces_[piece].boundary; }

    // What one piece contributes to the boundary system: a dense block over its boundary nodes
    // (row-major) and their right-hand sides. This (and the boundary values back) is all a piece
    // exchanges per step.
    struct Contribution {
        std::vector<double> block;
        std::vector<double> rhs;
    };
    // Work of one piece kept between its elimination and its back substitution.
    struct PieceState {
        Contribution contribution;
        std::vector<double> row_fill;     // per interior node x child cut: the row's entry for that cut
        std::vector<double> column_fill;  // per interior node x child cut: the cut's row's entry there
        std::vector<double> inv_d;        // per interior node
    };
    std::vector<PieceState> make_states() const;

    // Step 1, per piece (any order, any thread): eliminate the piece's interior rows of d and rhs
    // (they are changed in place, as in the unsplit solve) into its contribution.
    void eliminate(std::size_t piece, double* d, double* rhs, PieceState& state) const;
    // Step 2, once: the boundary system (the boundary nodes' own d and rhs plus every piece's
    // contribution, added in piece order), solved exactly; returns dv per boundary node (in
    // boundary order, see boundary_nodes()).
    std::vector<double> solve_boundary(const double* d, const double* rhs, std::span<const PieceState> states) const;
    // The same from parts that may have come from other threads or ranks: the boundary nodes' own
    // d and rhs (in boundary order), and per piece its contribution as one array (the block, row
    // major, then the right-hand sides). Same operations in the same order: the same bits.
    // `scratch` is reused between calls; dv receives one value per boundary node.
    void solve_boundary(std::span<const double> boundary_d, std::span<const double> boundary_rhs,
                        std::span<const double* const> contributions, std::vector<double>& scratch,
                        double* dv) const;
    // Step 3, per piece: back substitution; rhs of the piece's nodes (its boundary included)
    // becomes dv, as the unsplit solve leaves it.
    void substitute(std::size_t piece, std::span<const double> boundary_dv, double* rhs,
                    const PieceState& state) const;

    // All three steps in piece order.
    void solve(double* d, double* rhs) const;

    std::span<const std::uint32_t> boundary_nodes() const { return boundary_node_; }
    // The piece holding a node, and a piece's nodes other than its top (ascending).
    std::uint32_t piece_of_node(std::size_t node) const { return piece_of_[node]; }
    std::span<const std::uint32_t> piece_interior(std::size_t piece) const { return pieces_[piece].interior; }
    bool is_boundary(std::size_t node) const { return is_boundary_[node]; }

    // Floating-point operations per solve (+ - * /), counted from the structure: the split solve,
    // and the plain Hines solve of the same tree for comparison.
    std::uint64_t operation_count() const;
    std::uint64_t unsplit_operation_count() const { return 9ull * (parent_.size() - 1) + 1; }

private:
    struct Piece {
        std::vector<std::uint32_t> boundary;      // top, then child cuts ascending
        std::vector<std::uint32_t> interior;      // ascending node numbers
        std::vector<std::uint32_t> boundary_index;  // of boundary[k] in boundary_node_
        // per interior node (local index), the child cuts (local boundary index - 1) on its path
        std::vector<std::vector<std::uint32_t>> cuts_on_path;
        // The same for the per-step loops, contiguous in local order: the parent's local index
        // (-1: the top), a and b, and the paths' cuts as offsets into path_cut.
        std::vector<std::int32_t> parent_local;
        std::vector<double> a, b;
        std::vector<std::uint32_t> path_begin, path_cut;
    };
    std::vector<std::int32_t> parent_;
    std::vector<double> a_, b_;
    std::vector<std::uint32_t> piece_of_;      // per node
    std::vector<std::uint32_t> local_;         // per node: interior index in its piece (boundary: unused)
    std::vector<bool> is_boundary_;
    std::vector<std::uint32_t> boundary_node_;  // ascending: node 0, then the cuts
    std::vector<Piece> pieces_;
};

}  // namespace parnet::cable
