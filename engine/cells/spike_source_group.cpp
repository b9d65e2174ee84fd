#include "spike_source_group.hpp"

#include "engine/errors.hpp"
#include "engine/recipe.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace parnet {

namespace {

[[noreturn]] void bad_parameter(const Recipe& recipe, Gid g, const std::string& name,
                                const std::string& expected, double value) {
    throw input_error(recipe.where(g) + ", gid " +
                      std::to_string(g) + ": parameter " + name + ": expected " + expected +
                      ", got " + std::to_string(value));
}

}  // namespace

SpikeSourceGroup::SpikeSourceGroup(const Recipe& recipe, std::span<const Gid> gids)
    : gids_(gids.begin(), gids.end()) {
    const std::size_t n = gids_.size();
    model_.resize(n);
    next_time_.assign(n, infinite_time);
    mean_isi_.assign(n, 0.0);
    stop_.assign(n, infinite_time);
    interval_.assign(n, 0.0);
    noise_.assign(n, 0.0);
    number_.assign(n, 0.0);
    emitted_.assign(n, 0.0);
    cursor_.assign(n, 0);
    replay_end_.assign(n, 0);
    streams_.reserve(n);

    // Offsets of replay lists already copied, by the recipe's list (cells sharing a list share it here).
    std::map<const double*, std::pair<std::uint64_t, std::uint64_t>> shared_lists;

    for (std::size_t i = 0; i < n; ++i) {
        const Gid g = gids_[i];
        if (recipe.kind(g) != CellKind::spike_source)
            throw std::logic_error("make_spike_source_group: gid " + std::to_string(g) +
                                   " is not a spike source");
        model_[i] = recipe.source_model(g);
        streams_.push_back(recipe.stream(purpose::stimulus, g));

        switch (model_[i]) {
        case SourceModel::poisson: {
            const double rate = recipe.parameter(g, "rate");
            if (!(rate >= 0.0)) bad_parameter(recipe, g, "rate", "a rate >= 0 (Hz)", rate);
            const double start = recipe.parameter(g, "start");
            stop_[i] = recipe.parameter(g, "stop");
            if (rate > 0.0) {
                mean_isi_[i] = 1000.0 / rate;
                next_time_[i] = start + mean_isi_[i] * streams_[i].exponential();
                if (!(next_time_[i] < stop_[i])) next_time_[i] = infinite_time;
            }
            break;
        }
        case SourceModel::regular: {
            // NetStim's INITIAL block.
            interval_[i] = recipe.parameter(g, "interval");
            number_[i] = recipe.parameter(g, "number");
            noise_[i] = std::clamp(recipe.parameter(g, "noise"), 0.0, 1.0);
            const double start = recipe.parameter(g, "start");
            if (start >= 0.0 && number_[i] > 0.0) {
                const double first =
                    start + netstim_interval(i) - interval_[i] * (1.0 - noise_[i]);
                next_time_[i] = std::max(first, 0.0);
            }
            break;
        }
        case SourceModel::replay: {
            const std::span<const double> times = recipe.replay_times(g);
            auto [it, fresh] = shared_lists.try_emplace(times.data());
            if (fresh) {
                it->second.first = replay_times_.size();
                replay_times_.insert(replay_times_.end(), times.begin(), times.end());
                it->second.second = replay_times_.size();
                std::sort(replay_times_.begin() + static_cast<std::ptrdiff_t>(it->second.first), replay_times_.end());
            }
            const std::uint64_t begin = it->second.first;
            const std::uint64_t end = it->second.second;
            cursor_[i] = begin;
            replay_end_[i] = end;
            next_time_[i] = begin < end ? replay_times_[begin] : infinite_time;
            break;
        }
        }
    }
}

double SpikeSourceGroup::netstim_interval(std::size_t i) {
    double mean = interval_[i];
    if (mean <= 0.0) mean = 0.01;  // NetStim: "I would worry if it were 0"
    if (noise_[i] == 0.0) return mean;
    return (1.0 - noise_[i]) * mean + noise_[i] * mean * streams_[i].exponential();
}

double SpikeSourceGroup::following_spike(std::size_t i) {
    const double t = next_time_[i];
    switch (model_[i]) {
    case SourceModel::poisson: {
        const double next = t + mean_isi_[i] * streams_[i].exponential();
        return next < stop_[i] ? next : infinite_time;
    }
    case SourceModel::regular: {
        // NetStim's flag-1 event: count the spike, draw the next interval, stop after `number`.
        emitted_[i] += 1.0;
        const double invl = netstim_interval(i);
        return emitted_[i] >= number_[i] ? infinite_time : t + invl;
    }
    case SourceModel::replay:
        ++cursor_[i];
        return cursor_[i] < replay_end_[i] ? replay_times_[cursor_[i]] : infinite_time;
    }
    return infinite_time;
}

void SpikeSourceGroup::advance(const Epoch& epoch, const EventLanes&, std::vector<Spike>& spikes) {
    const double t_begin = epoch.t_begin();
    const double t_end = epoch.t_end();
    for (std::size_t i = 0; i < gids_.size(); ++i) {
        // Spikes before t_begin belong to time that is not simulated (e.g. a negative start).
        while (next_time_[i] < t_end) {
            if (next_time_[i] >= t_begin) spikes.push_back(Spike{gids_[i], next_time_[i]});
            next_time_[i] = following_spike(i);
        }
    }
}

std::unique_ptr<CellGroup> make_spike_source_group(const Recipe& recipe,
                                                   std::span<const Gid> gids) {
    return std::make_unique<SpikeSourceGroup>(recipe, gids);
}

}  // namespace parnet
