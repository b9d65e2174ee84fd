#pragma once
// Spike sources: Poisson trains, NEURON's NetStim ("regular", with optional noise) and replay of
// given spike lists. They receive no events; each epoch they emit exactly the spikes whose time
// lies in [t_begin, t_end). Trains are generated lazily, one spike ahead, from one random stream
// per gid (purpose "stim"), so a train depends on nothing but (model, gid, runid).
#include "engine/cell_group.hpp"
#include "engine/model.hpp"
#include "engine/random_stream.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace parnet {

class SpikeSourceGroup final : public CellGroup {
public:
    SpikeSourceGroup(const Recipe& recipe, std::span<const Gid> gids);

    std::span<const Gid> gids() const override { return gids_; }
    void advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) override;
    bool takes_step_events() const override { return true; }  // it takes none
    void advance_steps(const Epoch& epoch, const StepEvents&, std::vector<Spike>& spikes) override {
        advance(epoch, EventLanes{}, spikes);
    }

    // Time of the cell's next spike not yet emitted (infinite_time when its train has ended).
    double next_spike_time(std::size_t cell) const { return next_time_[cell]; }

    void save_state(std::size_t cell, CellStateWriter& out) const override;
    void restore_state(std::size_t cell, CellStateReader& in) override;
    void resume_at(Step, double) override {}   // sources hold no time of their own

private:
    double following_spike(std::size_t cell);  // draws the spike after next_time_[cell]
    double netstim_interval(std::size_t cell); // NetStim's invl(interval)

    std::vector<Gid> gids_;
    std::vector<SourceModel> model_;
    std::vector<double> next_time_;     // ms; infinite_time once the train has ended
    // poisson
    std::vector<double> mean_isi_;      // ms (1000 / rate)
    std::vector<double> stop_;          // ms; spikes at t >= stop are not emitted
    // regular (NetStim)
    std::vector<double> interval_;      // ms
    std::vector<double> noise_;         // clamped into [0, 1] as NetStim's INITIAL does
    std::vector<double> number_;        // NetStim's `number` (a double there too)
    std::vector<double> emitted_;       // NetStim's `ispike`
    // poisson and noisy regular trains
    std::vector<RandomStream> streams_;
    // replay: cell i emits replay_times_[cursor_[i] .. replay_end_[i]) (sorted, shared when the
    // population gives a single list for every cell)
    std::vector<double> replay_times_;
    std::vector<std::uint64_t> cursor_;
    std::vector<std::uint64_t> replay_begin_, replay_end_;   // (a checkpoint keeps cursor - begin)
};

std::unique_ptr<CellGroup> make_spike_source_group(const Recipe& recipe, std::span<const Gid> gids);

}  // namespace parnet
