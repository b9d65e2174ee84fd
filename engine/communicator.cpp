#include "communicator.hpp"

#include <cstdlib>
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

std::vector<std::uint64_t> Communicator::sum(std::span<const std::uint64_t> x) const {
    std::vector<std::uint64_t> out(x.begin(), x.end());
    MPI_Allreduce(x.data(), out.data(), static_cast<int>(x.size()), MPI_UINT64_T, MPI_SUM, comm_);
    return out;
}

double Communicator::broadcast(double x, int root) const {
    MPI_Bcast(&x, 1, MPI_DOUBLE, root, comm_);
    return x;
}

void Communicator::barrier() const { MPI_Barrier(comm_); }

void Communicator::abort(int code) const {
    MPI_Abort(comm_, code);
    std::_Exit(code);  // MPI_Abort does not return; this tells the compiler so
}

int Communicator::ranks_on_this_node() const {
    MPI_Comm node = MPI_COMM_NULL;
    MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
    int local_ranks = 1;
    MPI_Comm_size(node, &local_ranks);
    MPI_Comm_free(&node);
    return local_ranks;
}

std::vector<std::byte> Communicator::gather_bytes(std::span<const std::byte> local, int root) const {
    if (local.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw std::runtime_error("too many results on one rank for one MPI message");
    const int mine = static_cast<int>(local.size());
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(static_cast<std::size_t>(size_));
    if (root == all_ranks)
        MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, comm_);
    else
        MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm_);
    long long total = 0;
    for (int r = 0; r < size_; ++r) {
        displs[r] = static_cast<int>(total);
        total += counts[r];
    }
    if (total > std::numeric_limits<int>::max()) throw std::runtime_error("too many results for one MPI message");
    const bool receiving = root == all_ranks || root == rank_;
    std::vector<std::byte> all(receiving ? static_cast<std::size_t>(total) : 0);
    if (root == all_ranks)
        MPI_Allgatherv(local.data(), mine, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, comm_);
    else
        MPI_Gatherv(local.data(), mine, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, root, comm_);
    return all;
}

}  // namespace parnet
