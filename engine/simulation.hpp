#pragma once
// Drives a run on one rank: threads integrate their cells for one min-delay epoch, then ranks
// exchange the epoch's spikes, which become the events of later epochs (docs/ARCHITECTURE.md, the epoch loop).
#include "communicator.hpp"
#include "decomposition.hpp"
#include "exchange/spike_exchange.hpp"
#include "thread_domain.hpp"

#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace parnet {

// Wall-clock seconds by phase, and counts, for this rank (the run report, io/run_report.hpp).
struct RankStats {
    double setup = 0.0;
    double compute = 0.0;   // threads integrating and delivering events
    double compute_cpu = 0.0;  // the same as CPU time of the slowest thread: immune to a shared machine's load
    // Time in the exchange, split without adding a collective to the epoch loop: `exchange` is the
    // fastest rank's total time in it (the cost of communicating), `waiting` this rank's excess
    // over that (waiting for slower ranks to arrive).
    double waiting = 0.0;
    double exchange = 0.0;
    double output = 0.0;    // the epoch callback (writing spikes and traces)
    std::uint64_t cells = 0;
    std::uint64_t connections = 0;
    std::uint64_t source_gids = 0;      // distinct presynaptic gids this rank listens to
    std::uint64_t spikes_sent = 0;      // spikes of this rank's cells
    std::uint64_t spikes_received = 0;  // spikes from all ranks that reached this rank
    std::uint64_t bytes_received = 0;   // spike payload from other ranks
    std::uint64_t epochs = 0;
    std::uint64_t destinations = 0;     // ranks this rank sends its spikes to
    std::uint64_t events_delivered = 0;
    double peak_rss_mb = 0.0;           // the process's peak resident memory at the end of the run
    double rss_mb = 0.0;                // its resident memory at the end of the run (the running size)
};

// How spikes travel between ranks (engine/exchange/spike_exchange.hpp). With overlap, epochs are
// half the minimum delay and the exchange of epoch k runs while epoch k+1 is integrated (its
// spikes are first needed in epoch k+2); the results are the same bit for bit.
struct ExchangeOptions {
    ExchangeMethod method = ExchangeMethod::allgather;
    bool overlap = false;
};

class Simulation {
public:
    // Builds this rank's cells and their incoming connections (threads build their own share).
    // Local work only: no MPI call, so a failure here can be agreed on by all ranks.
    Simulation(const Network& network, const Decomposition& decomposition, Communicator& comm);

    // Collective: agrees the epoch, the global minimum delay in whole steps (or half of it with
    // overlap), and sets up the spike exchange. Overlap needs a minimum delay of at least two
    // steps; with less it is left off (overlap_active() says which).
    void agree_epoch(const ExchangeOptions& exchange = {});
    bool overlap_active() const { return lag_ == 2; }
    ExchangeMethod exchange_method() const { return options_.method; }

    double dt() const { return dt_; }
    Step epoch_steps() const { return epoch_steps_; }
    double min_delay() const { return min_delay_; }
    int threads() const { return static_cast<int>(domains_.size()); }

    // Records `variable` of the given gids (all owned by this rank, ascending: they become the
    // trace's columns in this order) every `stride` steps from step 0. Returns the trace index.
    // Before run(); throws input_error when a cell kind has no such variable. float64: the rows
    // keep the cells' doubles (TraceBuffer::take_wide_rows), otherwise floats.
    std::size_t add_trace(std::span<const Gid> gids, const std::string& variable, const std::string& section,
                          double x, Step stride, bool float64 = false);
    // Sampled rows not yet taken, per trace (TraceBuffer::take_rows hands them out).
    std::vector<TraceBuffer>& traces() { return traces_; }

    // Replay (like NEURON's PatternStim): the cells receive exactly these spikes (from an earlier
    // run's file) through their connections, and nothing from the exchange, not even each other's
    // spikes. Before run().
    void replay_input(std::span<const Spike> spikes);

    // Called after each epoch with the spikes this rank's cells fired during it.
    using EpochCallback = std::function<void(const Epoch&, std::span<const Spike>)>;
    // Runs from t = 0 to tstop (rounded to whole steps).
    void run(double tstop, const EpochCallback& after_epoch);

    const RankStats& stats() const { return stats_; }
    // The thread domains, for probes and tests.
    const std::vector<std::unique_ptr<ThreadDomain>>& domains() const { return domains_; }

private:
    Communicator& comm_;
    double dt_;
    double local_min_delay_ = infinite_time;
    double min_delay_ = infinite_time;
    Step epoch_steps_ = 1;
    bool epoch_agreed_ = false;
    ExchangeOptions options_;
    int lag_ = 1;                       // epochs between a spike's epoch and its first use, minus 1
    std::unique_ptr<SpikeExchange> exchange_;
    std::vector<Gid> owned_;            // this rank's gids
    std::vector<Gid> listened_;         // distinct sources of this rank's connections, ascending
    bool replay_ = false;
    std::vector<std::unique_ptr<ThreadDomain>> domains_;
    RankStats stats_;
    std::vector<TraceBuffer> traces_;
};

}  // namespace parnet
