#include "simulation.hpp"

#include "errors.hpp"
#include "step_count.hpp"

#include <omp.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

#include <algorithm>
#include <cmath>
#include <exception>
#include <mutex>
#include <stdexcept>

namespace parnet {

namespace {
double now() { return omp_get_wtime(); }

// Resident memory now (Linux /proc/self/statm: pages), 0 where unavailable.
double resident_mb() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0.0;
    unsigned long size = 0, resident = 0;
    const int read = std::fscanf(f, "%lu %lu", &size, &resident);
    std::fclose(f);
    return read == 2 ? static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0) : 0.0;
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Runs body(t) on thread t of a parallel region of `threads` threads; the first exception
// thrown on any thread is rethrown on the calling thread.
template <class Body>
void on_each_thread(int threads, Body&& body) {
    std::exception_ptr error;
    std::mutex error_mutex;
#pragma omp parallel num_threads(threads)
    {
        const int t = omp_get_thread_num();
        try {
            body(t);
        } catch (...) {
            std::lock_guard lock(error_mutex);
            if (!error) error = std::current_exception();
        }
    }
    if (error) std::rethrow_exception(error);
}
}  // namespace

Simulation::Simulation(const Recipe& recipe, const Decomposition& decomposition, Communicator& comm)
    : comm_(comm), dt_(recipe.dt()) {
    const double start = now();
    const int threads = static_cast<int>(decomposition.thread_gids.size());
    omp_set_dynamic(0);
    domains_.resize(static_cast<std::size_t>(threads));
    if (decomposition.splits && !decomposition.splits->empty())
        split_ = std::make_unique<SplitExchange>(recipe, *decomposition.splits, comm.rank(), threads);
    on_each_thread(threads, [&](int t) {
        domains_[t] = std::make_unique<ThreadDomain>(recipe, decomposition.thread_gids[t], split_.get(), t);
    });

    double local_min = infinite_time;
    for (const auto& d : domains_) {
        local_min = std::min(local_min, d->min_delay());
        stats_.connections += d->connection_count();
        auto s = d->sources();
        listened_.insert(listened_.end(), s.begin(), s.end());
        for (const auto& g : d->groups()) {
            owned_.insert(owned_.end(), g->spike_gids().begin(), g->spike_gids().end());
            stats_.cells += g->spike_gids().size();   // a split cell once, where its detector is
        }
    }
    std::sort(listened_.begin(), listened_.end());
    listened_.erase(std::unique(listened_.begin(), listened_.end()), listened_.end());
    std::sort(owned_.begin(), owned_.end());
    stats_.source_gids = listened_.size();
    local_min_delay_ = local_min;
    stats_.setup = now() - start;
}

void Simulation::agree_epoch(const ExchangeOptions& exchange) {
    const double start = now();
    options_ = exchange;
    min_delay_ = comm_.min(local_min_delay_);
    lag_ = 1;
    // Epochs are at most max_epoch_ms long (any epoch up to the minimum delay is exact), so that
    // traces and spikes are written as the run goes instead of being held for a long epoch, or
    // for the whole run when there are no connections.
    const Step longest = static_cast<Step>(std::max<std::uint64_t>(1, steps_covering(max_epoch_ms, dt_)));
    if (std::isfinite(min_delay_)) {
        epoch_steps_ = static_cast<Step>(std::floor(min_delay_ / dt_ + 1e-9));
        if (epoch_steps_ < 1)
            throw std::runtime_error("the smallest connection delay (" + std::to_string(min_delay_) +
                                     " ms) is shorter than dt (" + std::to_string(dt_) + " ms)");
        // A spike fired in epoch k (times in (begin, end]) arrives at least D steps later: with
        // epochs of D/2 steps, not before epoch k+2.
        if (exchange.overlap && epoch_steps_ >= 2) {
            epoch_steps_ /= 2;
            lag_ = 2;
        }
        // Epochs are also at most max_epoch_ms (shorter epochs change nothing: D/2 with overlap
        // stays a bound).
        epoch_steps_ = std::min(epoch_steps_, longest);
    } else {
        epoch_steps_ = longest;
    }
    exchange_ = make_spike_exchange(exchange.method, comm_, owned_, listened_);
    if (split_) split_->connect(comm_.comm());
    stats_.destinations = exchange_->destinations();
    for (auto& d : domains_) d->set_epoch_steps(epoch_steps_, dt_);
    epoch_agreed_ = true;
    stats_.setup += now() - start;
}

std::size_t Simulation::add_trace(std::span<const Gid> gids, const std::string& variable, const std::string& section,
                                  double x, Step stride, bool float64) {
    const std::size_t trace = traces_.size();
    traces_.emplace_back(std::max<Step>(1, stride), gids.size(), float64);
    for (std::size_t column = 0; column < gids.size(); ++column) {
        bool found = false;
        for (auto& d : domains_) found = found || d->add_probe(trace, column, gids[column], variable, section, x);
        if (!found) throw std::logic_error("add_trace: gid " + std::to_string(gids[column]) + " is not on this rank");
    }
    return trace;
}

std::vector<Gid> Simulation::gids_holding(const std::string& section, double x) const {
    std::vector<Gid> out;
    for (const auto& d : domains_)
        for (const auto& group : d->groups()) {
            const auto gids = group->gids();
            for (std::size_t c = 0; c < gids.size(); ++c)
                if (group->holds(c, section, x)) out.push_back(gids[c]);
        }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void Simulation::replay_input(std::span<const Spike> spikes) {
    if (!epoch_agreed_) throw std::logic_error("Simulation::replay_input before agree_epoch");
    replay_ = true;
    for (auto& d : domains_) d->enqueue(spikes);
}

RankCheckpoint Simulation::checkpoint() const {
    if (replay_) throw input_error("a replay cannot be checkpointed");
    RankCheckpoint out;
    for (const auto& d : domains_) d->save(out);
    // Spikes of the epoch just completed are in no queue yet (a rank holds them in `received`
    // until the next epoch), and with overlap neither are those of the epoch before.
    out.in_flight = local_;
    if (lag_ == 2) out.in_flight.insert(out.in_flight.end(), previous_local_.begin(), previous_local_.end());
    return out;
}

void Simulation::restore(const RestoredState& state) {
    if (!epoch_agreed_) throw std::logic_error("Simulation::restore before agree_epoch");
    // Any step is an exact place to resume (every epoch is at most the minimum delay): the restored
    // run's epochs count from the checkpoint, whatever epochs the interrupted run had.
    start_epoch_ = state.step / epoch_steps_;
    offset_ = state.step % epoch_steps_;
    for (auto& d : domains_) d->restore(state, start_epoch_, offset_, dt_);
    restored_input_ = state.in_flight;
}

void Simulation::run(double tstop, const EpochCallback& after_epoch, const ComputedCallback& computed) {
    if (!epoch_agreed_) throw std::logic_error("Simulation::run before agree_epoch");
    const Step total = static_cast<Step>(steps_covering(tstop, dt_));
    const int threads = this->threads();
    std::vector<Spike> received;
    received.swap(restored_input_);
    std::vector<Spike>& local = local_;
    std::vector<double> thread_cpu(static_cast<std::size_t>(threads), 0.0);
    // The state at t = 0 (or at the restored step) is the first sample of every trace that has
    // no row there yet.
    const Step first = start_step();
    for (auto& t : traces_) t.add_rows_through(std::min(first, std::max<Step>(total - 1, 0)));
    for (auto& d : domains_) d->sample(first, traces_);
    const std::int64_t epochs = total > offset_ ? (total - offset_ + epoch_steps_ - 1) / epoch_steps_ : 0;
    // The spikes of epoch k are first needed in epoch k + lag_: posted after epoch k, completed
    // after epoch k + lag_ - 1 (with lag 2, while epoch k+1 was integrated they were on their way).
    const bool exchanging = !replay_;
    const auto in_exchange = [&](auto&& body) {
        const double t = now();
        body();
        stats_.exchange += now() - t;
    };
    for (std::int64_t index = start_epoch_; index < epochs; ++index) {
        const Step begin = offset_ + index * epoch_steps_;
        const Epoch epoch{begin, std::min(total, begin + epoch_steps_), dt_};

        for (auto& t : traces_) t.add_rows_through(std::min(epoch.end, total - 1));
        const double t0 = now();
        on_each_thread(threads, [&](int t) {
            const double cpu0 = thread_cpu_seconds();
            domains_[t]->enqueue(received);
            domains_[t]->advance(index, epoch, traces_, total);
            thread_cpu[t] = thread_cpu_seconds() - cpu0;
        });
        received.clear();
        stats_.compute_cpu += *std::max_element(thread_cpu.begin(), thread_cpu.end());
        if (lag_ == 2) previous_local_.swap(local);
        local.clear();
        for (const auto& d : domains_) local.insert(local.end(), d->spikes().begin(), d->spikes().end());
        stats_.compute += now() - t0;
        if (computed) computed(index + 1);

        if (exchanging) {
            if (index + lag_ < epochs) in_exchange([&] { exchange_->post(local); });
            // The epoch whose spikes epoch index+1 needs (a restored run posted none before its start).
            const std::int64_t due = index - lag_ + 1;
            if (due >= start_epoch_ && due + lag_ < epochs)
                in_exchange([&] {
                    const auto& spikes = exchange_->complete();
                    received.assign(spikes.begin(), spikes.end());
                });
            stats_.spikes_received += received.size();
        }
        stats_.spikes_sent += local.size();
        ++stats_.epochs;

        const double t3 = now();
        if (after_epoch) after_epoch(epoch, local);
        stats_.output += now() - t3;
        if (stop_) break;
    }
    // Without a barrier in the loop, a rank's exchange time includes waiting for slower ranks;
    // the fastest rank's is the exchange's own cost.
    stats_.bytes_received = exchange_ ? exchange_->bytes_received() : 0;
    const double fastest = comm_.min(stats_.exchange);
    stats_.waiting = stats_.exchange - fastest;
    stats_.exchange = fastest;
    stats_.events_delivered = 0;
    for (const auto& d : domains_) stats_.events_delivered += d->events_delivered();
    if (split_) {
        stats_.split_exchange = split_->exchange_seconds();
        stats_.split_exchange_cpu = split_->exchange_cpu_seconds();
        stats_.split_bytes_per_step = split_->bytes_per_step();
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    stats_.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
    stats_.rss_mb = resident_mb();
}

}  // namespace parnet
