#include "split_exchange.hpp"

#include "engine/recipe.hpp"

#include <omp.h>
#include <time.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

namespace parnet {

namespace {
double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
}  // namespace

SplitExchange::SplitExchange(const Recipe& recipe, const SplitLayout& layout, int rank, int threads)
    : rank_(rank) {
    participant_.assign(static_cast<std::size_t>(std::max(threads, 1)), 0);
    // One shape per (description, cuts): the 150 pyramidal cells of a network share one.
    std::map<std::pair<const CableCellDescription*, std::vector<std::uint32_t>>,
             std::shared_ptr<const cable::SplitCellShape>> shapes;
    std::set<int> peer_ranks;
    for (const SplitCellPlacement& placement : layout.cells) {
        const bool here = std::find(placement.piece_rank.begin(), placement.piece_rank.end(),
                                    static_cast<std::uint32_t>(rank)) != placement.piece_rank.end();
        if (!here) continue;
        const auto description = recipe.kind(placement.gid) == CellKind::cable ? recipe.cable_cell(placement.gid) : nullptr;
        if (!description)
            throw std::invalid_argument("split layout: gid " + std::to_string(placement.gid) + " is not a cable cell");
        auto& shape = shapes[{description.get(), placement.split.cuts}];
        if (!shape)
            shape = std::make_shared<const cable::SplitCellShape>(description, placement.split,
                                                                  "gid " + std::to_string(placement.gid));
        if (placement.piece_rank.size() != shape->pieces.size() || placement.piece_thread.size() != shape->pieces.size())
            throw std::invalid_argument("split layout: gid " + std::to_string(placement.gid) +
                                        ": one rank and thread per piece expected");
        Cell cell;
        cell.gid = placement.gid;
        cell.shape = shape;
        cell.clamps = recipe.clamps_on(placement.gid);
        for (std::size_t p = 0; p < shape->pieces.size(); ++p) {
            cell.piece_rank.push_back(static_cast<int>(placement.piece_rank[p]));
            cell.piece_thread.push_back(placement.thread_of(p, threads));
            if (cell.piece_rank[p] == rank) participant_[static_cast<std::size_t>(cell.piece_thread[p])] = 1;
            else peer_ranks.insert(cell.piece_rank[p]);
        }
        for (auto& m : cell.messages[0]) m.assign(shape->message_doubles, 0.0);
        for (auto& m : cell.messages[1]) m.assign(shape->compartment_message_doubles, 0.0);
        if (shape->compartment_message_doubles > 0) rounds_ = 2;
        cells_.push_back(std::move(cell));
    }
    // Messages to and from each other rank: for every shared cell (ascending gid), the pieces of
    // the sender in piece order.
    for (int other : peer_ranks) {
        Peer peer;
        peer.rank = other;
        for (std::size_t c = 0; c < cells_.size(); ++c) {
            const Cell& cell = cells_[c];
            if (std::find(cell.piece_rank.begin(), cell.piece_rank.end(), other) == cell.piece_rank.end()) continue;
            for (std::size_t p = 0; p < cell.piece_rank.size(); ++p) {
                const auto& piece = cell.shape->pieces[p];
                if (cell.piece_rank[p] == rank) peer.send[0].push_back({c, piece.offset, piece.size});
                if (cell.piece_rank[p] == other) peer.receive[0].push_back({c, piece.offset, piece.size});
            }
            const auto& shape = *cell.shape;
            for (std::size_t q = 0; q < shape.compartment_offset.size() && shape.diffusing_species > 0; ++q) {
                const int holder = cell.piece_rank[shape.compartment_piece_host[q]];
                const Segment s{c, shape.compartment_offset[q], shape.compartment_piece_size[q]};
                if (holder == rank) peer.send[1].push_back(s);
                if (holder == other) peer.receive[1].push_back(s);
            }
        }
        for (int round = 0; round < 2; ++round) {
            std::size_t sent = 0, received = 0;
            for (const auto& s : peer.send[round]) sent += s.size;
            for (const auto& s : peer.receive[round]) received += s.size;
            peer.send_buffer[round].assign(sent, 0.0);
            peer.receive_buffer[round].assign(received, 0.0);
            bytes_per_step_ += sent * sizeof(double);
        }
        peers_.push_back(std::move(peer));
    }
    if (!peers_.empty()) participant_[0] = 1;
    const auto count = std::count(participant_.begin(), participant_.end(), 1);
    if (count > 1) barrier_ = std::make_unique<std::barrier<>>(count);
    requests_.resize(2 * peers_.size());
}

SplitExchange::~SplitExchange() = default;

void SplitExchange::connect(MPI_Comm comm) { comm_ = std::make_unique<PrivateComm>(comm); }

std::vector<std::size_t> SplitExchange::cells_on_thread(int thread) const {
    std::vector<std::size_t> out;
    for (std::size_t c = 0; c < cells_.size(); ++c)
        for (std::size_t p = 0; p < cells_[c].piece_rank.size(); ++p)
            if (cells_[c].piece_rank[p] == rank_ && cells_[c].piece_thread[p] == thread) {
                out.push_back(c);
                break;
            }
    return out;
}

void SplitExchange::exchange(int thread, int parity, int round) {
    const bool timed = thread == 0;
    const double wall = timed ? omp_get_wtime() : 0.0, cpu = timed ? thread_cpu_seconds() : 0.0;
    if (barrier_) barrier_->arrive_and_wait();   // every local message of this step is written
    if (thread == 0 && !peers_.empty()) trade(parity, round);
    if (barrier_) barrier_->arrive_and_wait();   // every remote message has arrived
    if (timed) {
        exchange_seconds_ += omp_get_wtime() - wall;
        exchange_cpu_seconds_ += thread_cpu_seconds() - cpu;
    }
}

// Round r's messages go with tag r, and only between ranks that share a cell with messages in
// that round (the same on both sides), so rounds never match each other.
void SplitExchange::trade(int parity, int round) {
    if (!comm_) throw std::logic_error("split exchange: connect() was not called");
    const double start = omp_get_wtime();
    const MPI_Comm comm = comm_->get();
    std::size_t posted = 0;
    for (Peer& peer : peers_) {
        if (peer.send[round].empty() && peer.receive[round].empty()) continue;
        MPI_Irecv(peer.receive_buffer[round].data(), static_cast<int>(peer.receive_buffer[round].size()), MPI_DOUBLE,
                  peer.rank, round, comm, &requests_[posted++]);
        double* out = peer.send_buffer[round].data();
        for (const Segment& s : peer.send[round]) {
            const double* from = cells_[s.cell].messages[round][parity].data() + s.offset;
            out = std::copy(from, from + s.size, out);
        }
        MPI_Isend(peer.send_buffer[round].data(), static_cast<int>(peer.send_buffer[round].size()), MPI_DOUBLE,
                  peer.rank, round, comm, &requests_[posted++]);
    }
    MPI_Waitall(static_cast<int>(posted), requests_.data(), MPI_STATUSES_IGNORE);
    for (Peer& peer : peers_) {
        const double* in = peer.receive_buffer[round].data();
        for (const Segment& s : peer.receive[round]) {
            std::copy(in, in + s.size, cells_[s.cell].messages[round][parity].data() + s.offset);
            in += s.size;
        }
    }
    if (round == 0) ++steps_;
    mpi_seconds_ += omp_get_wtime() - start;
}

}  // namespace parnet
