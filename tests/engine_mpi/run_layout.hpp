#pragma once
// Runs a model on a sub-communicator of the first `ranks` world ranks with `threads` threads and
// returns every spike of the run, sorted (time, gid), on the participating ranks.
#include "engine/communicator.hpp"
#include "engine/decomposition.hpp"
#include "engine/network.hpp"
#include "engine/simulation.hpp"
#include "io/model_reader.hpp"

#include <mpi.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace parnet::testing {

struct LayoutResult {
    bool participated = false;
    std::vector<Spike> spikes;
    std::uint64_t events_delivered = 0;  // summed over ranks
    Step epoch_steps = 0;
    bool overlapped = false;
    std::uint64_t bytes_received = 0;    // summed over ranks
};

// rank_of_gid empty: round-robin.
inline LayoutResult run_layout(const Model& model, int ranks, int threads,
                               const std::vector<std::uint32_t>& rank_of_gid = {},
                               const ExchangeOptions& exchange = {}) {
    int world_rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
    MPI_Comm sub = MPI_COMM_NULL;
    MPI_Comm_split(MPI_COMM_WORLD, world_rank < ranks ? 0 : MPI_UNDEFINED, world_rank, &sub);
    LayoutResult out;
    if (sub == MPI_COMM_NULL) return out;
    out.participated = true;
    {
        Communicator comm(sub);
        const Network network(model);
        const Decomposition d = rank_of_gid.empty()
                                    ? round_robin_decomposition(network, comm.rank(), comm.size(), threads)
                                    : planned_decomposition(network, comm.rank(), threads, rank_of_gid, {}, 0);
        Simulation sim(network, d, comm);
        sim.agree_epoch(exchange);
        std::vector<Spike> local;
        sim.run(model.run.tstop, [&](const Epoch&, std::span<const Spike> s) { local.insert(local.end(), s.begin(), s.end()); });
        out.spikes = comm.gather_spikes(local);
        std::sort(out.spikes.begin(), out.spikes.end(), spike_time_order);
        out.events_delivered = comm.sum(sim.stats().events_delivered);
        out.epoch_steps = sim.epoch_steps();
        out.overlapped = sim.overlap_active();
        out.bytes_received = comm.sum(sim.stats().bytes_received);
    }
    MPI_Comm_free(&sub);
    return out;
}

inline int world_size() {
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

inline int world_rank() {
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

}  // namespace parnet::testing
