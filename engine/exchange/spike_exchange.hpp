#pragma once
// How the spikes of an epoch reach the ranks that need them. Two methods:
// - allgather: every rank receives every spike (MPI_Allgather of counts, MPI_Allgatherv of the
//   spikes), NEURON's ParallelContext method; nothing to set up, volume grows with the network.
// - targeted: at set-up the ranks learn which ranks listen to each gid; each epoch a rank sends
//   its spikes only there (point-to-point on a private communicator), so the volume a rank
//   receives grows with its own inputs.
// Either way the events made from the spikes are put in canonical order by the event queue, so
// the method never changes a result.
//
// An exchange is started with post() and finished with complete(); the simulation may post epoch
// k before completing epoch k-1 (exchange overlapped with the next epoch's integration): at most
// two exchanges are in flight, completed in the order they were posted.
#include "engine/communicator.hpp"
#include "engine/types.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parnet {

enum class ExchangeMethod { allgather, targeted };

// "allgather" / "targeted"; throws input_error naming `what` for anything else.
ExchangeMethod parse_exchange_method(std::string_view name, const std::string& what);

// How spikes travel between ranks. With overlap, epochs are
// half the minimum delay and the exchange of epoch k runs while epoch k+1 is integrated (its
// spikes are first needed in epoch k+2); the results are the same bit for bit.
struct ExchangeOptions {
    ExchangeMethod method = ExchangeMethod::allgather;
    bool overlap = false;
};

const char* to_string(ExchangeMethod method);

class SpikeExchange {
public:
    virtual ~SpikeExchange() = default;
    // Starts sending this rank's spikes of one epoch (the span may be reused after the call).
    virtual void post(std::span<const Spike> local) = 0;
    // Finishes the oldest posted exchange: every spike this rank's cells listen to (at least;
    // allgather brings all), from every rank, in an order that does not matter.
    virtual const std::vector<Spike>& complete() = 0;
    // Bytes of spike payload this rank received so far (its own spikes excluded).
    virtual std::uint64_t bytes_received() const = 0;
    // Ranks this rank sends to (allgather: all others).
    virtual std::size_t destinations() const = 0;
};

// Collective over `comm`. owned: the gids of this rank's cells; listened: the distinct source
// gids this rank's cells have connections from (ascending). Throws (on every rank) if a listened
// gid is owned by no rank.
std::unique_ptr<SpikeExchange> make_spike_exchange(ExchangeMethod method, Communicator& comm,
                                                   std::span<const Gid> owned,
                                                   std::span<const Gid> listened);

}  // namespace parnet
