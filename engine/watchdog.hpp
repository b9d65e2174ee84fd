#pragma once
// Ends a job whose ranks stopped making progress: a rank that stops (SIGSTOP, a node that hangs)
// leaves every other rank waiting in the spike exchange for ever. Each rank's watchdog thread
// watches the epoch loop's heartbeat; when none came for the limit, it prints one line and ends
// the process, and mpirun then ends the whole job. Rank 0 speaks first; the others wait a little
// so that the job normally ends with rank 0's single message. The limit grows to 10 times the
// longest epoch seen, so a slow but live run is never ended.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace parnet {

class Watchdog {
public:
    using clock = std::chrono::steady_clock;

    // limit_seconds <= 0: no watchdog.
    Watchdog(double limit_seconds, int rank) : limit_(limit_seconds), rank_(rank), last_(clock::now()) {
        if (limit_ > 0) thread_ = std::thread([this] { watch(); });
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;
    ~Watchdog() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    // The epoch loop made progress (after each epoch's exchange).
    void beat(long epoch) {
        std::lock_guard lock(mutex_);
        const auto now = clock::now();
        longest_ = std::max(longest_, std::chrono::duration<double>(now - last_).count());
        last_ = now;
        epoch_ = epoch;
    }

private:
    void watch() {
        std::unique_lock lock(mutex_);
        auto woke = clock::now();
        while (!done_) {
            wake_.wait_for(lock, std::chrono::milliseconds(250));
            if (done_) break;
            // This process itself was stopped (or not scheduled) for a while: the quiet was its
            // own, not the other ranks'; start counting again.
            const auto now = clock::now();
            if (now - woke > std::chrono::seconds(2)) last_ = now;
            woke = now;
            const double quiet = std::chrono::duration<double>(clock::now() - last_).count();
            const double limit = std::max(limit_, 10 * longest_);
            if (quiet <= limit) continue;
            if (rank_ != 0) {
                // Let rank 0 speak and end the job; speak only if it cannot.
                lock.unlock();
                std::this_thread::sleep_for(std::chrono::seconds(3));
                lock.lock();
                if (done_) break;
            }
            std::fprintf(stderr,
                         "engine: error: rank %d has waited %.0f s for the other ranks after epoch %ld (limit %.0f s, "
                         "--watchdog): a rank stopped answering; ending the job\n",
                         rank_, quiet, epoch_, limit);
            std::fflush(stderr);
            std::_Exit(1);
        }
    }

    double limit_;
    int rank_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    clock::time_point last_;
    double longest_ = 0.0;
    long epoch_ = 0;
    std::thread thread_;
};

}  // namespace parnet
