#include "simulation.hpp"

#include "collective_errors.hpp"
#include "step_count.hpp"

#include <omp.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <mutex>
#include <stdexcept>

namespace parnet {

namespace {
double now() { return omp_get_wtime(); }

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

Simulation::Simulation(const Network& network, const Decomposition& decomposition, Communicator& comm)
    : comm_(comm), dt_(network.model().run.dt) {
    const double start = now();
    const int threads = static_cast<int>(decomposition.thread_gids.size());
    omp_set_dynamic(0);
    domains_.resize(static_cast<std::size_t>(threads));
    on_each_thread(threads, [&](int t) {
        domains_[t] = std::make_unique<ThreadDomain>(network, decomposition.thread_gids[t]);
    });

    double local_min = infinite_time;
    std::vector<Gid> sources;
    for (const auto& d : domains_) {
        local_min = std::min(local_min, d->min_delay());
        stats_.cells += d->cell_count();
        stats_.connections += d->connection_count();
        auto s = d->sources();
        sources.insert(sources.end(), s.begin(), s.end());
    }
    std::sort(sources.begin(), sources.end());
    stats_.source_gids = static_cast<std::uint64_t>(std::unique(sources.begin(), sources.end()) - sources.begin());
    local_min_delay_ = local_min;
    stats_.setup = now() - start;
}

void Simulation::agree_epoch() {
    const double start = now();
    min_delay_ = comm_.min(local_min_delay_);
    // Epochs are at most max_epoch_ms long (any epoch up to the minimum delay is exact), so that
    // traces and spikes are written as the run goes instead of being held for a long epoch, or
    // for the whole run when there are no connections.
    const Step longest = static_cast<Step>(std::max<std::uint64_t>(1, steps_covering(max_epoch_ms, dt_)));
    if (std::isfinite(min_delay_)) {
        epoch_steps_ = static_cast<Step>(std::floor(min_delay_ / dt_ + 1e-9));
        if (epoch_steps_ < 1)
            throw std::runtime_error("the smallest connection delay (" + std::to_string(min_delay_) +
                                     " ms) is shorter than dt (" + std::to_string(dt_) + " ms)");
        epoch_steps_ = std::min(epoch_steps_, longest);
    } else {
        epoch_steps_ = longest;
    }
    for (auto& d : domains_) d->set_epoch_steps(epoch_steps_, dt_);
    epoch_agreed_ = true;
    stats_.setup += now() - start;
}

std::size_t Simulation::add_trace(std::span<const Gid> gids, const std::string& variable, const std::string& section,
                                  double x, Step stride) {
    const std::size_t trace = traces_.size();
    traces_.emplace_back(std::max<Step>(1, stride), gids.size());
    for (std::size_t column = 0; column < gids.size(); ++column) {
        bool found = false;
        for (auto& d : domains_) found = found || d->add_probe(trace, column, gids[column], variable, section, x);
        if (!found) throw std::logic_error("add_trace: gid " + std::to_string(gids[column]) + " is not on this rank");
    }
    return trace;
}

void Simulation::replay_input(std::span<const Spike> spikes) {
    if (!epoch_agreed_) throw std::logic_error("Simulation::replay_input before agree_epoch");
    replay_ = true;
    for (auto& d : domains_) d->enqueue(spikes);
}

void Simulation::run(double tstop, const EpochCallback& after_epoch) {
    if (!epoch_agreed_) throw std::logic_error("Simulation::run before agree_epoch");
    const Step total = static_cast<Step>(steps_covering(tstop, dt_));
    const int threads = this->threads();
    std::vector<Spike> received;
    std::vector<Spike> local;
    std::vector<double> thread_cpu(static_cast<std::size_t>(threads), 0.0);
    // The state at t = 0 is the first sample of every trace.
    for (auto& t : traces_) t.add_rows_through(0);
    for (auto& d : domains_) d->sample(0, traces_);
    std::int64_t index = 0;
    for (Step begin = 0; begin < total; begin += epoch_steps_, ++index) {
        const Epoch epoch{begin, std::min(total, begin + epoch_steps_), dt_};

        for (auto& t : traces_) t.add_rows_through(std::min(epoch.end, total - 1));
        double t0 = now();
        std::string failure;
        bool failed = false;
        try {
            on_each_thread(threads, [&](int t) {
                const double cpu0 = thread_cpu_seconds();
                domains_[t]->enqueue(received);
                domains_[t]->advance(index, epoch, traces_, total);
                thread_cpu[t] = thread_cpu_seconds() - cpu0;
            });
        } catch (const std::exception& e) {
            failed = true;
            failure = e.what();
        }
        stats_.compute_cpu += *std::max_element(thread_cpu.begin(), thread_cpu.end());
        local.clear();
        for (const auto& d : domains_) local.insert(local.end(), d->spikes().begin(), d->spikes().end());
        double t1 = now();
        stats_.compute += t1 - t0;

        // The barrier before the exchange also agrees failures: a cell group's error ends the run
        // on every rank, printed once by the lowest failing rank (not once per rank, interleaved).
        report_agreed_failure(comm_, "engine", failed, failure);
        double t2 = now();
        stats_.waiting += t2 - t1;
        if (epoch.end < total && !replay_) {
            received = comm_.gather_spikes(local);
            stats_.spikes_received += received.size();
        }
        double t3 = now();
        stats_.exchange += t3 - t2;
        stats_.spikes_sent += local.size();

        if (after_epoch) after_epoch(epoch, local);
        stats_.output += now() - t3;
    }
    stats_.events_delivered = 0;
    for (const auto& d : domains_) stats_.events_delivered += d->events_delivered();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    stats_.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

}  // namespace parnet
