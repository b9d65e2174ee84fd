#pragma once
// The few collectives of set-up and reporting (reductions, and gathering every rank's spikes for
// tests and summaries). The epoch loop's spike exchange is engine/exchange/.
#include "types.hpp"

#include <mpi.h>

#include <cstdint>
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
    void barrier() const;

private:
    MPI_Comm comm_;
    int rank_ = 0;
    int size_ = 1;
    std::vector<int> counts_;
    std::vector<int> displs_;
};

}  // namespace parnet
