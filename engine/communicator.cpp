#include "communicator.hpp"

#include <limits>
#include <stdexcept>

namespace parnet {

Communicator::Communicator(MPI_Comm comm) : comm_(comm) {
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
    counts_.resize(size_);
    displs_.resize(size_);
}

std::vector<Spike> Communicator::gather_spikes(std::span<const Spike> local) {
    // Spikes travel as raw bytes: every rank runs the same binary, so the layout agrees.
    const long long bytes = static_cast<long long>(local.size() * sizeof(Spike));
    if (bytes > std::numeric_limits<int>::max())
        throw std::runtime_error("too many spikes in one epoch for one MPI message");
    const int mine = static_cast<int>(bytes);
    MPI_Allgather(&mine, 1, MPI_INT, counts_.data(), 1, MPI_INT, comm_);
    long long total = 0;
    for (int r = 0; r < size_; ++r) {
        displs_[r] = static_cast<int>(total);
        total += counts_[r];
        if (total > std::numeric_limits<int>::max())
            throw std::runtime_error("too many spikes in one epoch for one MPI message");
    }
    std::vector<Spike> all(static_cast<std::size_t>(total) / sizeof(Spike));
    MPI_Allgatherv(local.data(), mine, MPI_BYTE, all.data(), counts_.data(), displs_.data(), MPI_BYTE,
                   comm_);
    return all;
}

double Communicator::min(double x) const {
    double out = x;
    MPI_Allreduce(&x, &out, 1, MPI_DOUBLE, MPI_MIN, comm_);
    return out;
}

double Communicator::max(double x) const {
    double out = x;
    MPI_Allreduce(&x, &out, 1, MPI_DOUBLE, MPI_MAX, comm_);
    return out;
}

double Communicator::sum(double x) const {
    double out = x;
    MPI_Allreduce(&x, &out, 1, MPI_DOUBLE, MPI_SUM, comm_);
    return out;
}

std::uint64_t Communicator::sum(std::uint64_t x) const {
    std::uint64_t out = x;
    MPI_Allreduce(&x, &out, 1, MPI_UINT64_T, MPI_SUM, comm_);
    return out;
}

void Communicator::barrier() const { MPI_Barrier(comm_); }

}  // namespace parnet
