#include "allgather_exchange.hpp"

#include <limits>
#include <stdexcept>

namespace parnet {

namespace {
int message_bytes(std::size_t spikes) {
    const auto bytes = static_cast<long long>(spikes * sizeof(Spike));
    if (bytes > std::numeric_limits<int>::max())
        throw std::runtime_error("too many spikes in one epoch for one MPI message");
    return static_cast<int>(bytes);
}
}  // namespace

AllgatherExchange::AllgatherExchange(Communicator& comm) : comm_(comm.comm()), size_(comm.size()) {
    for (auto& s : slots_) s.counts.resize(static_cast<std::size_t>(comm.size()));
    displs_.resize(static_cast<std::size_t>(comm.size()));
}

AllgatherExchange::~AllgatherExchange() {
    // A run left early by an exception: no request may outlive its buffers.
    for (auto& s : slots_)
        if (s.request != MPI_REQUEST_NULL) MPI_Wait(&s.request, MPI_STATUS_IGNORE);
}

void AllgatherExchange::post(std::span<const Spike> local) {
    if (posted_ - completed_ == slots_.size()) throw std::logic_error("AllgatherExchange: more than two exchanges in flight");
    InFlight& s = slots_[posted_++ % slots_.size()];
    s.local.assign(local.begin(), local.end());
    s.bytes = message_bytes(s.local.size());
    MPI_Iallgather(&s.bytes, 1, MPI_INT, s.counts.data(), 1, MPI_INT, comm_.get(), &s.request);
}

const std::vector<Spike>& AllgatherExchange::complete() {
    if (completed_ == posted_) throw std::logic_error("AllgatherExchange: complete() without post()");
    InFlight& s = slots_[completed_++ % slots_.size()];
    MPI_Wait(&s.request, MPI_STATUS_IGNORE);
    long long total = 0;
    for (std::size_t r = 0; r < s.counts.size(); ++r) {
        displs_[r] = static_cast<int>(total);
        total += s.counts[r];
        if (total > std::numeric_limits<int>::max())
            throw std::runtime_error("too many spikes in one epoch for one MPI message");
    }
    received_.resize(static_cast<std::size_t>(total) / sizeof(Spike));
    MPI_Allgatherv(s.local.data(), s.bytes, MPI_BYTE, received_.data(), s.counts.data(), displs_.data(),
                   MPI_BYTE, comm_.get());
    bytes_received_ += static_cast<std::uint64_t>(total - s.bytes);
    return received_;
}

}  // namespace parnet
