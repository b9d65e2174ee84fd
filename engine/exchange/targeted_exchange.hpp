#pragma once
// Spikes only to the ranks that listen to them. Set-up finds, for each gid of this rank, the
// ranks with connections from it, without any rank holding the whole network: gid g's
// "directory" is rank g % size; owners tell directories what they own, listeners tell them what
// they need, directories tell owners who listens (three MPI_Alltoallv). Each epoch a rank sends
// one message (possibly empty) to each rank listening to any of its gids, and receives one from
// each rank it listens to, on a private duplicate of the communicator so that no other message
// (collective output, reductions) can match them.
#include "private_comm.hpp"
#include "spike_exchange.hpp"

#include <array>

namespace parnet {

class TargetedExchange final : public SpikeExchange {
public:
    TargetedExchange(Communicator& comm, std::span<const Gid> owned, std::span<const Gid> listened);
    ~TargetedExchange() override;

    void post(std::span<const Spike> local) override;
    const std::vector<Spike>& complete() override;
    std::uint64_t bytes_received() const override { return bytes_received_; }
    std::size_t destinations() const override { return to_ranks_.size(); }

private:
    struct InFlight {
        std::vector<Spike> send;            // grouped by destination (send_offsets)
        std::vector<std::uint32_t> send_offsets;
        std::vector<Spike> self;            // this rank's own spikes that its cells listen to
        std::vector<MPI_Request> requests;
    };

    // Declared first: destroyed last, after the requests of the slots are finished.
    PrivateComm comm_;
    std::vector<Gid> owned_;                // ascending
    std::vector<std::uint32_t> dest_offsets_;   // owned_[i]'s destinations: dest_[offsets[i]..offsets[i+1])
    std::vector<std::uint32_t> dest_;       // indices into to_ranks_
    std::vector<bool> self_listens_;        // per owned gid: a cell of this rank listens to it
    std::vector<int> to_ranks_, from_ranks_;  // ascending, this rank excluded
    std::array<InFlight, 2> slots_;
    std::size_t posted_ = 0, completed_ = 0;
    std::vector<Spike> received_;
    std::uint64_t bytes_received_ = 0;
};

}  // namespace parnet
