#pragma once
// Drives a run on one rank: threads integrate their cells for one min-delay epoch, then ranks
// exchange the epoch's spikes, which become the events of later epochs (docs/ARCHITECTURE.md, the epoch loop).
#include "communicator.hpp"
#include "decomposition.hpp"
#include "exchange/spike_exchange.hpp"
#include "cable/split_exchange.hpp"
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
    // Split cells (docs/split-solve.md): thread 0's time in their per-step exchange, wall and CPU
    // (inside compute and compute_cpu), and the bytes it sends to other ranks per step.
    double split_exchange = 0.0;
    double split_exchange_cpu = 0.0;
    std::uint64_t split_bytes_per_step = 0;
    double peak_rss_mb = 0.0;           // the process's peak resident memory at the end of the run
    double rss_mb = 0.0;                // its resident memory at the end of the run (the running size)
};

class Simulation {
public:
    // Builds this rank's cells and their incoming connections (threads build their own share).
    // Local work only: no MPI call, so a failure here can be agreed on by all ranks.
    Simulation(const Recipe& recipe, const Decomposition& decomposition, Communicator& comm);

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
    // Whether this rank can record (section, x) of gid g: it holds the cell, or the piece of a
    // split cell with that location.
    bool holds(Gid g, const std::string& section, double x) const {
        for (const auto& d : domains_)
            if (d->holds(g, section, x)) return true;
        return false;
    }
    // This rank's cells that can record (section, x), ascending: its whole cells and the split
    // cells whose piece with that location is here (a trace's columns on this rank).
    std::vector<Gid> gids_holding(const std::string& section, double x) const;
    // Sampled rows not yet taken, per trace (TraceBuffer::take_rows hands them out).
    std::vector<TraceBuffer>& traces() { return traces_; }
    const std::vector<TraceBuffer>& traces() const { return traces_; }

    // Replay (like NEURON's PatternStim): the cells receive exactly these spikes (from an earlier
    // run's file) through their connections, and nothing from the exchange, not even each other's
    // spikes. Before run().
    void replay_input(std::span<const Spike> spikes);

    // Checkpoints (docs/checkpoints.md). checkpoint(): this rank's part of the state at the end
    // of the epoch just completed (call it from the epoch callback): cell states, pending events
    // and the spikes not yet turned into events. restore(): before run(), after agree_epoch();
    // the run then starts at state.step (its epochs count from there: any --overlap may restore).
    RankCheckpoint checkpoint() const;
    void restore(const RestoredState& state);
    Step start_step() const { return offset_ + start_epoch_ * epoch_steps_; }

    // Called after each epoch with the spikes this rank's cells fired during it.
    using EpochCallback = std::function<void(const Epoch&, std::span<const Spike>)>;
    // From the epoch callback: the run ends after this epoch (every rank must ask at the same one).
    void stop_after_epoch() { stop_ = true; }
    bool stopped() const { return stop_; }

    // Called when this rank has integrated an epoch, before it waits in the exchange, with the
    // number of epochs integrated so far: a watchdog tells the rank still integrating from the
    // ranks waiting for it.
    using ComputedCallback = std::function<void(std::int64_t)>;

    // Runs from t = 0 (or the restored step) to tstop (rounded to whole steps).
    void run(double tstop, const EpochCallback& after_epoch, const ComputedCallback& computed = {});

    const RankStats& stats() const { return stats_; }
    // The thread domains, for probes and tests.
    const std::vector<std::unique_ptr<ThreadDomain>>& domains() const { return domains_; }
    // The per-step exchange of split cells' pieces (null when the decomposition splits no cell).
    const SplitExchange* split_exchange() const { return split_.get(); }

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
    std::unique_ptr<SplitExchange> split_;
    std::vector<Gid> owned_;            // this rank's gids
    std::vector<Gid> listened_;         // distinct sources of this rank's connections, ascending
    bool replay_ = false;
    bool stop_ = false;
    std::int64_t start_epoch_ = 0;      // a restored run's first epoch
    Step offset_ = 0;                   // the first step of epoch 0 (a restored run's start % epoch)
    std::vector<Spike> restored_input_; // a restored run's in-flight spikes, enqueued in its first epoch
    std::vector<Spike> local_, previous_local_;   // this rank's spikes of the last two epochs
    std::vector<std::unique_ptr<ThreadDomain>> domains_;
    RankStats stats_;
    std::vector<TraceBuffer> traces_;
};

}  // namespace parnet
