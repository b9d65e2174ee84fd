#pragma once
// Ends a job whose ranks stopped making progress, naming the rank that stopped: a rank that stops
// (SIGSTOP, a node that hangs) leaves every other rank waiting in the spike exchange for ever.
//
// Each rank's watchdog thread watches the epoch loop's heartbeat. When none came for the limit
// (which grows to 10 times the longest epoch seen, so a slow but live run is never ended), the
// thread calls the roll: it sends "alive after epoch e" to the two judges, ranks 0 and 1, on a
// communicator of its own. A stopped process cannot answer anything, not even one-sided MPI
// (without hardware RDMA its target side needs the process to run), so the ranks that do not
// answer within the roll's window are the stopped ones. Rank 0 prints one line naming them and
// ends the process (mpirun then ends the job); rank 1 speaks only if rank 0 itself did not answer.
// If every rank answers, no process stopped: the rank furthest behind is named as stuck.
//
// The roll needs MPI_THREAD_MULTIPLE (this thread calls MPI while the main thread waits in a
// collective); without it the watchdog still ends the job, naming only the waiting rank.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace parnet {

class Watchdog {
public:
    using clock = std::chrono::steady_clock;

    // limit_seconds <= 0: no watchdog. Collective over comm when limit_seconds > 0 (every rank
    // passes the same limit).
    Watchdog(double limit_seconds, MPI_Comm comm) : limit_(limit_seconds), last_(clock::now()) {
        if (limit_ <= 0) return;
        MPI_Comm_rank(comm, &rank_);
        MPI_Comm_size(comm, &ranks_);
        int level = MPI_THREAD_SINGLE;
        MPI_Query_thread(&level);
        if (level == MPI_THREAD_MULTIPLE) MPI_Comm_dup(comm, &roll_comm_);
        thread_ = std::thread([this] { watch(); });
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
        if (roll_comm_ != MPI_COMM_NULL) MPI_Comm_free(&roll_comm_);
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
    static constexpr int roll_tag = 7301;

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
            const double quiet = std::chrono::duration<double>(now - last_).count();
            const double limit = std::max(limit_, 10 * longest_);
            if (quiet <= limit) continue;
            const long epoch = epoch_;
            // The ranks' last beats lie within about one epoch of each other: so do their rolls.
            const double window = std::max(3.0, 2 * longest_);
            lock.unlock();
            if (roll_comm_ == MPI_COMM_NULL) {
                speak_without_roll(quiet, epoch, limit);
            } else {
                call_roll(quiet, epoch, limit, window);
            }
            lock.lock();
        }
    }

    // Every rank tells the judges it is alive; a judge gathers the answers for `window` seconds.
    void call_roll(double quiet, long epoch, double limit, double window) {
        const int judges = std::min(ranks_, 2);
        roll_epoch_ = epoch;
        for (int judge = 0; judge < judges; ++judge) {
            MPI_Request sent = MPI_REQUEST_NULL;
            MPI_Isend(&roll_epoch_, 1, MPI_LONG, judge, roll_tag, roll_comm_, &sent);
            MPI_Request_free(&sent);
        }
        if (rank_ >= judges) {
            // Not a judge: a judge ends the job; speak only if none can.
            if (!finished_within(2 * window + 6)) speak_without_roll(quiet, epoch, limit);
            return;
        }
        std::vector<long> answered(static_cast<std::size_t>(ranks_), -1);
        long answer = 0;
        MPI_Request request = MPI_REQUEST_NULL;
        MPI_Irecv(&answer, 1, MPI_LONG, MPI_ANY_SOURCE, roll_tag, roll_comm_, &request);
        const auto deadline = clock::now() + std::chrono::duration<double>(rank_ == 0 ? window : 2 * window + 3);
        int missing = ranks_;
        while (clock::now() < deadline && missing > 0) {
            int done = 0;
            MPI_Status status;
            MPI_Test(&request, &done, &status);
            if (done == 0) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                continue;
            }
            if (answered[static_cast<std::size_t>(status.MPI_SOURCE)] < 0) --missing;
            answered[static_cast<std::size_t>(status.MPI_SOURCE)] = answer;
            MPI_Irecv(&answer, 1, MPI_LONG, MPI_ANY_SOURCE, roll_tag, roll_comm_, &request);
        }
        // Rank 1 leaves the verdict to rank 0 when rank 0 answered (rank 0 ends the job).
        if (rank_ == 1 && answered[0] >= 0) {
            if (!finished_within(window + 6)) speak_without_roll(quiet, epoch, limit);
            return;
        }
        std::string silent;
        int silent_count = 0;
        long behind = epoch;
        for (int r = 0; r < ranks_; ++r) {
            const long e = answered[static_cast<std::size_t>(r)];
            if (e < 0) {
                silent += (silent.empty() ? "" : ", ") + std::to_string(r);
                ++silent_count;
            } else {
                behind = std::min(behind, e);
            }
        }
        if (silent_count > 0) {
            std::fprintf(stderr,
                         "engine: error: %s %s stopped answering: the other ranks have waited %.0f s for %s after "
                         "epoch %ld (limit %.0f s, --watchdog) and %s did not answer the watchdog's roll call within "
                         "%.0f s; ending the job\n",
                         silent_count == 1 ? "rank" : "ranks", silent.c_str(), quiet, silent_count == 1 ? "it" : "them",
                         epoch, limit, silent_count == 1 ? "it" : "they", window);
        } else {
            std::string stuck;
            for (int r = 0; r < ranks_; ++r)
                if (answered[static_cast<std::size_t>(r)] == behind) stuck += (stuck.empty() ? "" : ", ") + std::to_string(r);
            std::fprintf(stderr,
                         "engine: error: no epoch finished for %.0f s (limit %.0f s, --watchdog) though every rank "
                         "answers the watchdog: rank %s, after epoch %ld, holds the others up; ending the job\n",
                         quiet, limit, stuck.c_str(), behind);
        }
        std::fflush(stderr);
        std::_Exit(1);
    }

    // The fallback: this rank ends the job, naming only itself.
    void speak_without_roll(double quiet, long epoch, double limit) {
        // Without a roll, let rank 0 speak and end the job; speak only if it cannot.
        if (rank_ != 0 && roll_comm_ == MPI_COMM_NULL && finished_within(3)) return;
        std::fprintf(stderr,
                     "engine: error: rank %d has waited %.0f s for the other ranks after epoch %ld (limit %.0f s, "
                     "--watchdog): a rank stopped answering; ending the job\n",
                     rank_, quiet, epoch, limit);
        std::fflush(stderr);
        std::_Exit(1);
    }

    // Waits up to `seconds`; true if the watchdog is being destroyed meanwhile (the run went on).
    bool finished_within(double seconds) {
        std::unique_lock lock(mutex_);
        return wake_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return done_; });
    }

    double limit_;
    int rank_ = 0;
    int ranks_ = 1;
    MPI_Comm roll_comm_ = MPI_COMM_NULL;
    long roll_epoch_ = 0;   // what this rank's roll-call answer sends
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    clock::time_point last_;
    double longest_ = 0.0;
    long epoch_ = 0;
    std::thread thread_;
};

}  // namespace parnet
