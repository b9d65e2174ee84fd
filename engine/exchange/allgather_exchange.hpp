#pragma once
// Every spike to every rank: MPI_Iallgather of the byte counts when posted (so the counts travel
// while the next epoch is integrated), MPI_Allgatherv of the spikes when completed.
#include "private_comm.hpp"
#include "spike_exchange.hpp"

#include <array>

namespace parnet {

class AllgatherExchange final : public SpikeExchange {
public:
    explicit AllgatherExchange(Communicator& comm);
    ~AllgatherExchange() override;

    void post(std::span<const Spike> local) override;
    const std::vector<Spike>& complete() override;
    std::uint64_t bytes_received() const override { return bytes_received_; }
    std::size_t destinations() const override { return static_cast<std::size_t>(size_ - 1); }

private:
    struct InFlight {
        std::vector<Spike> local;   // kept until the payload is sent
        int bytes = 0;              // this rank's count, the Iallgather's send buffer
        std::vector<int> counts;    // every rank's count
        MPI_Request request = MPI_REQUEST_NULL;
    };
    PrivateComm comm_;
    int size_ = 1;
    std::array<InFlight, 2> slots_;
    std::size_t posted_ = 0, completed_ = 0;
    std::vector<int> displs_;
    std::vector<Spike> received_;
    std::uint64_t bytes_received_ = 0;
};

}  // namespace parnet
