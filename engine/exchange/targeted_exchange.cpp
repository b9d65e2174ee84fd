#include "targeted_exchange.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace parnet {

namespace {

// Sends items[i] to rank_of(items[i]) for every i (MPI_Alltoallv); returns what this rank got,
// with the rank each item came from.
template <class T, class RankOf>
std::vector<std::pair<T, int>> route(MPI_Comm comm, const std::vector<T>& items, RankOf rank_of) {
    int size = 1;
    MPI_Comm_size(comm, &size);
    std::vector<int> send_counts(static_cast<std::size_t>(size), 0), recv_counts(send_counts.size());
    for (const T& x : items) ++send_counts[static_cast<std::size_t>(rank_of(x))];
    std::vector<int> send_displs(send_counts.size(), 0), recv_displs(send_counts.size(), 0);
    MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, comm);
    long long total = 0;
    for (std::size_t r = 1; r < send_counts.size(); ++r) send_displs[r] = send_displs[r - 1] + send_counts[r - 1];
    for (std::size_t r = 0; r < recv_counts.size(); ++r) {
        recv_displs[r] = static_cast<int>(total);
        total += recv_counts[r];
        if (total * static_cast<long long>(sizeof(T)) > std::numeric_limits<int>::max())
            throw std::runtime_error("targeted exchange set-up: too many gids for one MPI message");
    }
    std::vector<T> send(items.size());
    std::vector<int> cursor = send_displs;
    for (const T& x : items) send[static_cast<std::size_t>(cursor[static_cast<std::size_t>(rank_of(x))]++)] = x;
    // Counted in bytes so that any trivially copyable T travels.
    for (auto* v : {&send_counts, &send_displs, &recv_counts, &recv_displs})
        for (int& c : *v) c *= static_cast<int>(sizeof(T));
    std::vector<T> recv(static_cast<std::size_t>(total));
    MPI_Alltoallv(send.data(), send_counts.data(), send_displs.data(), MPI_BYTE, recv.data(), recv_counts.data(),
                  recv_displs.data(), MPI_BYTE, comm);
    std::vector<std::pair<T, int>> out;
    out.reserve(recv.size());
    for (int r = 0; r < size; ++r)
        for (int i = recv_displs[r]; i < recv_displs[r] + recv_counts[r]; i += static_cast<int>(sizeof(T)))
            out.emplace_back(recv[static_cast<std::size_t>(i) / sizeof(T)], r);
    return out;
}

struct GidRank {
    Gid gid;
    int rank;
};

}  // namespace

TargetedExchange::TargetedExchange(Communicator& comm, std::span<const Gid> owned, std::span<const Gid> listened)
    : comm_(comm.comm()), owned_(owned.begin(), owned.end()) {
    const int rank = comm.rank();
    const int size = comm.size();
    std::sort(owned_.begin(), owned_.end());
    const auto directory = [size](Gid g) { return static_cast<int>(g % static_cast<Gid>(size)); };

    // Directories learn the owner of each of their gids, and who listens to it.
    auto owners = route(comm_.get(), owned_, directory);
    std::sort(owners.begin(), owners.end());
    const std::vector<Gid> needed(listened.begin(), listened.end());
    auto listeners = route(comm_.get(), needed, directory);

    // Each (gid, listener) goes to the gid's owner. An unowned gid is remembered, and reported by
    // every rank after the last collective of the set-up.
    struct Routed {
        GidRank listener;
        int owner;
    };
    Gid unowned = std::numeric_limits<Gid>::max();
    std::vector<Routed> to_owner;
    to_owner.reserve(listeners.size());
    for (const auto& [gid, listener] : listeners) {
        const auto it = std::lower_bound(owners.begin(), owners.end(), std::pair<Gid, int>{gid, -1});
        if (it == owners.end() || it->first != gid) {
            unowned = std::min(unowned, gid);
            continue;
        }
        to_owner.push_back({{gid, listener}, it->second});
    }
    const auto arrived = route(comm_.get(), to_owner, [](const Routed& r) { return r.owner; });

    std::vector<std::pair<Gid, int>> listens;   // (own gid, listening rank)
    listens.reserve(arrived.size());
    for (const auto& [r, from] : arrived) listens.emplace_back(r.listener.gid, r.listener.rank);
    std::sort(listens.begin(), listens.end());

    for (const auto& [gid, listener] : listens)
        if (listener != rank) to_ranks_.push_back(listener);
    std::sort(to_ranks_.begin(), to_ranks_.end());
    to_ranks_.erase(std::unique(to_ranks_.begin(), to_ranks_.end()), to_ranks_.end());

    dest_offsets_.assign(owned_.size() + 1, 0);
    self_listens_.assign(owned_.size(), false);
    std::size_t j = 0;
    for (std::size_t i = 0; i < owned_.size(); ++i) {
        dest_offsets_[i] = static_cast<std::uint32_t>(dest_.size());
        for (; j < listens.size() && listens[j].first == owned_[i]; ++j) {
            if (listens[j].second == rank) {
                self_listens_[i] = true;
                continue;
            }
            const auto to = std::lower_bound(to_ranks_.begin(), to_ranks_.end(), listens[j].second);
            dest_.push_back(static_cast<std::uint32_t>(to - to_ranks_.begin()));
        }
    }
    dest_offsets_[owned_.size()] = static_cast<std::uint32_t>(dest_.size());

    // Who sends to this rank: one flag per pair of ranks.
    std::vector<int> sends_to(static_cast<std::size_t>(size), 0), sends_here(sends_to.size(), 0);
    for (int r : to_ranks_) sends_to[static_cast<std::size_t>(r)] = 1;
    MPI_Alltoall(sends_to.data(), 1, MPI_INT, sends_here.data(), 1, MPI_INT, comm_.get());
    for (int r = 0; r < size; ++r)
        if (sends_here[static_cast<std::size_t>(r)]) from_ranks_.push_back(r);

    unsigned long long first_unowned = unowned;
    MPI_Allreduce(MPI_IN_PLACE, &first_unowned, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, comm_.get());
    if (first_unowned != std::numeric_limits<Gid>::max()) {
        throw std::runtime_error("targeted exchange: cells listen to gid " + std::to_string(first_unowned) +
                                 ", which no rank owns");
    }
}

TargetedExchange::~TargetedExchange() {
    for (auto& s : slots_)
        if (!s.requests.empty()) MPI_Waitall(static_cast<int>(s.requests.size()), s.requests.data(), MPI_STATUSES_IGNORE);
}

void TargetedExchange::post(std::span<const Spike> local) {
    if (posted_ - completed_ == slots_.size()) throw std::logic_error("TargetedExchange: more than two exchanges in flight");
    InFlight& s = slots_[posted_++ % slots_.size()];
    // Group by destination: count, then fill.
    s.send_offsets.assign(to_ranks_.size() + 1, 0);
    s.self.clear();
    std::vector<std::uint32_t> index(local.size());
    for (std::size_t k = 0; k < local.size(); ++k) {
        const auto it = std::lower_bound(owned_.begin(), owned_.end(), local[k].source);
        if (it == owned_.end() || *it != local[k].source)
            throw std::logic_error("TargetedExchange: a spike of gid " + std::to_string(local[k].source) +
                                   ", which this rank does not own");
        const auto i = static_cast<std::uint32_t>(it - owned_.begin());
        index[k] = i;
        for (std::uint32_t d = dest_offsets_[i]; d < dest_offsets_[i + 1]; ++d) ++s.send_offsets[dest_[d] + 1];
        if (self_listens_[i]) s.self.push_back(local[k]);
    }
    for (std::size_t r = 0; r < to_ranks_.size(); ++r) s.send_offsets[r + 1] += s.send_offsets[r];
    s.send.resize(s.send_offsets.back());
    std::vector<std::uint32_t> cursor(s.send_offsets.begin(), s.send_offsets.end() - 1);
    for (std::size_t k = 0; k < local.size(); ++k)
        for (std::uint32_t d = dest_offsets_[index[k]]; d < dest_offsets_[index[k] + 1]; ++d)
            s.send[cursor[dest_[d]]++] = local[k];

    s.requests.assign(to_ranks_.size(), MPI_REQUEST_NULL);
    for (std::size_t r = 0; r < to_ranks_.size(); ++r) {
        const auto bytes = static_cast<long long>((s.send_offsets[r + 1] - s.send_offsets[r]) * sizeof(Spike));
        if (bytes > std::numeric_limits<int>::max())
            throw std::runtime_error("too many spikes in one epoch for one MPI message");
        MPI_Isend(s.send.data() + s.send_offsets[r], static_cast<int>(bytes), MPI_BYTE, to_ranks_[r], 0, comm_.get(),
                  &s.requests[r]);
    }
}

const std::vector<Spike>& TargetedExchange::complete() {
    if (completed_ == posted_) throw std::logic_error("TargetedExchange: complete() without post()");
    InFlight& s = slots_[completed_++ % slots_.size()];
    received_.assign(s.self.begin(), s.self.end());
    // Messages from one rank arrive in the order they were sent (MPI's non-overtaking rule), so
    // the first one waiting from each rank is the oldest exchange's.
    for (int from : from_ranks_) {
        MPI_Message message;
        MPI_Status status;
        MPI_Mprobe(from, 0, comm_.get(), &message, &status);
        int bytes = 0;
        MPI_Get_count(&status, MPI_BYTE, &bytes);
        const std::size_t at = received_.size();
        received_.resize(at + static_cast<std::size_t>(bytes) / sizeof(Spike));
        MPI_Mrecv(received_.data() + at, bytes, MPI_BYTE, &message, MPI_STATUS_IGNORE);
        bytes_received_ += static_cast<std::uint64_t>(bytes);
    }
    MPI_Waitall(static_cast<int>(s.requests.size()), s.requests.data(), MPI_STATUSES_IGNORE);
    s.requests.clear();
    return received_;
}

}  // namespace parnet
