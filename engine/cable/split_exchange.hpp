#pragma once
// The per-step exchange of split cells on one rank (docs/split-solve.md, "Running split cells").
// Every split cell with a piece on this rank has a message array (one message per piece, two
// arrays used alternately by step parity). Each step the threads holding pieces write their
// pieces' messages, meet at a barrier, thread 0 trades the messages with the other ranks sharing
// a cell (point to point: only those ranks, once per step, all shared cells in one message per
// rank pair), they meet again, and then every thread holding a piece of a cell has all of the
// cell's messages and solves its boundary system itself (the same inputs in the same order on
// every holder: the same bits).
#include "split_cell.hpp"
#include "engine/exchange/private_comm.hpp"
#include "engine/model.hpp"
#include "engine/split_layout.hpp"

#include <mpi.h>

#include <array>
#include <barrier>
#include <cstdint>
#include <memory>
#include <vector>

namespace parnet {

class Recipe;

class SplitExchange {
public:
    // Local work only (no MPI call): the split cells with a piece on `rank`, their shapes (shared
    // between cells of one description and split) and who holds each piece.
    SplitExchange(const Recipe& recipe, const SplitLayout& layout, int rank, int threads);
    ~SplitExchange();

    // Collective over every rank of the run: the private communicator of the per-step messages.
    void connect(MPI_Comm comm);

    struct Cell {
        Gid gid = 0;
        std::shared_ptr<const cable::SplitCellShape> shape;
        std::vector<int> piece_rank, piece_thread;   // per piece
        std::vector<CurrentClamp> clamps;
        // By round (0: the voltage; 1: reaction-diffusion, cells with diffusing calcium) and
        // step parity.
        std::array<std::array<std::vector<double>, 2>, 2> messages;
    };
    std::vector<Cell>& cells() { return cells_; }
    bool holds_here(const Cell& cell, std::size_t piece) const { return cell.piece_rank[piece] == rank_; }
    // Indices into cells() of the cells with a piece on this thread, ascending gid.
    std::vector<std::size_t> cells_on_thread(int thread) const;
    // Threads that take part in every step's exchange: those holding pieces, and thread 0 (it
    // makes the MPI calls) when the rank shares a cell with another rank.
    bool participates(int thread) const { return thread < static_cast<int>(participant_.size()) && participant_[thread]; }

    // Exchange rounds per step on this rank: 1, or 2 when a cell here has diffusing calcium.
    int rounds() const { return rounds_; }
    // Each participating thread, once per step and round after writing its messages of this
    // parity and round.
    void exchange(int thread, int parity, int round = 0);

    // Measured by thread 0: steps exchanged, seconds in MPI (post, wait, copy), bytes sent per
    // step to other ranks, other ranks sharing a cell.
    std::uint64_t steps() const { return steps_; }
    double mpi_seconds() const { return mpi_seconds_; }
    // Thread 0's whole time in exchange() (barriers, MPI, waiting for the other holders), wall
    // and CPU seconds: what splitting costs a rank beyond the arithmetic.
    double exchange_seconds() const { return exchange_seconds_; }
    double exchange_cpu_seconds() const { return exchange_cpu_seconds_; }
    std::uint64_t bytes_per_step() const { return bytes_per_step_; }
    std::size_t peer_count() const { return peers_.size(); }

private:
    struct Segment {
        std::size_t cell, offset, size;
    };
    struct Peer {
        int rank = 0;
        std::array<std::vector<Segment>, 2> send, receive;              // by round
        std::array<std::vector<double>, 2> send_buffer, receive_buffer;
    };
    void trade(int parity, int round);

    int rank_ = 0;
    int rounds_ = 1;
    std::vector<Cell> cells_;
    std::vector<char> participant_;
    std::unique_ptr<std::barrier<>> barrier_;
    std::vector<Peer> peers_;
    std::vector<MPI_Request> requests_;
    std::unique_ptr<PrivateComm> comm_;
    std::uint64_t steps_ = 0, bytes_per_step_ = 0;
    double mpi_seconds_ = 0.0, exchange_seconds_ = 0.0, exchange_cpu_seconds_ = 0.0;
};

}  // namespace parnet
