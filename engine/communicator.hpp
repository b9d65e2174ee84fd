#pragma once
// The few collectives of set-up and reporting (reductions, and gathering every rank's spikes for
// tests, summaries and in-memory results); every MPI call outside the spike exchange goes through it. The epoch loop's spike exchange is engine/exchange/.
#include "types.hpp"

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace parnet {

class Communicator {
public:
    explicit Communicator(MPI_Comm comm);

    MPI_Comm comm() const { return comm_; }
    int rank() const { return rank_; }
    int size() const { return size_; }

    // Every rank's spikes of the epoch, concatenated in rank order (the same on every rank).
    std::vector<Spike> gather_spikes(std::span<const Spike> local);

    double min(double x) const;
    double max(double x) const;
    double sum(double x) const;
    std::uint64_t sum(std::uint64_t x) const;
    // Element-wise sum over ranks (the same length on every rank); the result on every rank.
    std::vector<std::uint64_t> sum(std::span<const std::uint64_t> x) const;
    // Rank `root`'s value on every rank.
    double broadcast(double x, int root = 0) const;
    void barrier() const;
    // Ends every rank of the job (an error where ranks may wait in different collectives).
    [[noreturn]] void abort(int code) const;
    // Ranks of this communicator on this rank's node (shared memory).
    int ranks_on_this_node() const;

    // Every rank's `local` concatenated in rank order, on `root` (empty elsewhere) or, with
    // root = all_ranks, on every rank. T travels as bytes: every rank runs the same binary.
    static constexpr int all_ranks = -1;
    template <class T>
    std::vector<T> gather(std::span<const T> local, int root) const {
        const std::vector<std::byte> bytes = gather_bytes(std::as_bytes(local), root);
        std::vector<T> out(bytes.size() / sizeof(T));
        if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
        return out;
    }

private:
    std::vector<std::byte> gather_bytes(std::span<const std::byte> local, int root) const;
    MPI_Comm comm_;
    int rank_ = 0;
    int size_ = 1;
    std::vector<int> counts_;
    std::vector<int> displs_;
};

}  // namespace parnet
