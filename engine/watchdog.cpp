#include "engine/watchdog.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace parnet {
namespace {

constexpr int heartbeat_tag = 7301;
constexpr int judge_count = 3;

double seconds(Watchdog::clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string rank_list(const std::vector<int>& ranks) {
    std::string out;
    for (int r : ranks) out += (out.empty() ? "" : ", ") + std::to_string(r);
    return out;
}

}  // namespace

Watchdog::Watchdog(double limit_seconds, MPI_Comm comm, std::string program)
    : limit_(limit_seconds), program_(std::move(program)), last_beat_(clock::now()) {
    if (limit_ <= 0) return;
    MPI_Comm_rank(comm, &rank_);
    MPI_Comm_size(comm, &ranks_);
    if (ranks_ == 1) return;  // no other rank to wait for
    int level = MPI_THREAD_SINGLE;
    MPI_Query_thread(&level);
    if (level == MPI_THREAD_MULTIPLE) {
        MPI_Comm_dup(comm, &comm_);
        judges_ = std::min(ranks_, judge_count);
        if (rank_ < judges_) {
            heard_.assign(static_cast<std::size_t>(ranks_), Heard{clock::now()});
            MPI_Irecv(incoming_.data(), 2, MPI_LONG, MPI_ANY_SOURCE, heartbeat_tag, comm_, &receive_);
        }
        progress_at_ = clock::now();
        thread_ = std::thread([this] { watch(); });
    } else {
        thread_ = std::thread([this] { watch_without_mpi(); });
    }
    // Named, so that an operator (and the tests) can see that a rank is watched.
    pthread_setname_np(thread_.native_handle(), "parnet-watch");
}

Watchdog::~Watchdog() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        done_ = true;
    }
    wake_.notify_all();
    thread_.join();
    if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

void Watchdog::loop_started() {
    std::lock_guard lock(mutex_);
    phase_ = Phase::loop;
    last_beat_ = clock::now();
    epoch_ = 0;
    beats_ = 0;
}

void Watchdog::beat(long epoch) {
    std::lock_guard lock(mutex_);
    const auto now = clock::now();
    // The first interval is this rank's own integration only; from the second on an interval
    // also holds the wait for the slowest rank in the exchange, so it times a whole epoch.
    if (beats_++ > 0) longest_epoch_ = std::max(longest_epoch_, seconds(now - last_beat_));
    last_beat_ = now;
    epoch_ = epoch;
}

void Watchdog::loop_ended() {
    std::lock_guard lock(mutex_);
    phase_ = Phase::after;
}

void Watchdog::watch() {
    const auto tick = std::chrono::duration<double>(std::clamp(limit_ / 6, 0.05, 0.5));
    answering_s_ = std::min(limit_ / 2, 3 * tick.count());
    // A pause this long between two ticks was this process's own (stopped, or not scheduled):
    // the silence of the others during it is not theirs.
    const double own_pause = std::max(2.0, 4 * tick.count());
    const bool judge = rank_ < judges_;
    auto woke = clock::now();
    bool said_goodbye = false;
    while (true) {
        Phase phase;
        long epoch;
        bool done;
        {
            std::unique_lock lock(mutex_);
            if (!done_) wake_.wait_for(lock, tick, [this] { return done_; });
            phase = phase_;
            epoch = epoch_;
            done = done_;
        }
        const auto now = clock::now();
        if (seconds(now - woke) > own_pause) {
            for (Heard& h : heard_) h.at = now;
            progress_at_ = now;
        }
        woke = now;
        if (done) phase = Phase::goodbye;
        if (!said_goodbye) send_heartbeats(phase, epoch);
        said_goodbye = done;
        complete_sends(false);
        if (judge) {
            heard_[static_cast<std::size_t>(rank_)] = {now, epoch, phase};
            hear(now);
            this->judge(now);
        }
        if (done && (!judge || all_said_goodbye())) break;
        if (done) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    complete_sends(true);
    if (receive_ != MPI_REQUEST_NULL) {
        MPI_Cancel(&receive_);
        MPI_Wait(&receive_, MPI_STATUS_IGNORE);
    }
}

void Watchdog::send_heartbeats(Phase phase, long epoch) {
    for (int j = 0; j < judges_; ++j) {
        if (j == rank_) continue;
        Outgoing& o = outgoing_.emplace_back();  // a deque: earlier messages stay where they are
        o.message = {epoch, static_cast<long>(phase)};
        MPI_Isend(o.message.data(), 2, MPI_LONG, j, heartbeat_tag, comm_, &o.request);
    }
}

void Watchdog::complete_sends(bool wait) {
    while (!outgoing_.empty()) {
        int done = 0;
        if (wait) {
            MPI_Wait(&outgoing_.front().request, MPI_STATUS_IGNORE);
            done = 1;
        } else {
            MPI_Test(&outgoing_.front().request, &done, MPI_STATUS_IGNORE);
        }
        if (done == 0) return;  // a judge that stopped holds its messages: bounded, the job ends
        outgoing_.pop_front();
    }
}

void Watchdog::hear(clock::time_point now) {
    while (true) {
        int arrived = 0;
        MPI_Status status;
        MPI_Test(&receive_, &arrived, &status);
        if (arrived == 0) break;
        heard_[static_cast<std::size_t>(status.MPI_SOURCE)] = {now, incoming_[0], static_cast<Phase>(incoming_[1])};
        MPI_Irecv(incoming_.data(), 2, MPI_LONG, MPI_ANY_SOURCE, heartbeat_tag, comm_, &receive_);
    }
    for (const Heard& h : heard_)
        if (h.phase == Phase::loop && h.epoch > furthest_epoch_) {
            furthest_epoch_ = h.epoch;
            progress_at_ = now;
        }
}

void Watchdog::judge(clock::time_point now) {
    // A judge speaks only when every judge below it has been silent for twice the limit: while a
    // lower judge ends the job, the higher ones stay quiet.
    auto silent_for = [&](int r) { return seconds(now - heard_[static_cast<std::size_t>(r)].at); };
    for (int j = 0; j < rank_; ++j)
        if (silent_for(j) <= 2 * limit_) return;
    std::vector<int> silent;
    for (int r = 0; r < ranks_; ++r)
        if (r != rank_ && heard_[static_cast<std::size_t>(r)].phase != Phase::goodbye && silent_for(r) > limit_)
            silent.push_back(r);
    if (!silent.empty()) {
        const Heard& first = heard_[static_cast<std::size_t>(silent.front())];
        const std::string when = first.phase == Phase::setup  ? "during the set-up"
                                 : first.phase == Phase::loop ? "after epoch " + std::to_string(first.epoch)
                                                              : "after the epoch loop";
        char line[256];
        std::snprintf(line, sizeof line,
                      " stopped answering: not heard from for %.0f s %s (limit %.0f s, --watchdog); ending the job",
                      silent_for(silent.front()), when.c_str(), limit_);
        end_job((silent.size() == 1 ? "rank " : "ranks ") + rank_list(silent) + line);
    }
    // Every rank answers. In the loop, none advancing for long (10 times the longest epoch; never
    // before an epoch has been timed) means one holds the others up: name the one furthest behind.
    double longest;
    {
        std::lock_guard lock(mutex_);
        longest = longest_epoch_;
    }
    // Every rank heard within the last few ticks, not merely not yet silent for the limit: a rank
    // that stopped just now must be named as stopped, not the others as stuck.
    const bool all_answering_in_loop = std::all_of(heard_.begin(), heard_.end(), [&](const Heard& h) {
        return h.phase == Phase::loop && seconds(now - h.at) <= answering_s_;
    });
    const double stuck_limit = std::max(limit_, 10 * longest);
    if (!all_answering_in_loop || longest <= 0 || seconds(now - progress_at_) <= stuck_limit) return;
    long behind = furthest_epoch_;
    for (const Heard& h : heard_) behind = std::min(behind, h.epoch);
    std::vector<int> stuck;
    for (int r = 0; r < ranks_; ++r)
        if (heard_[static_cast<std::size_t>(r)].epoch == behind) stuck.push_back(r);
    char line[256];
    std::snprintf(line, sizeof line,
                  "no epoch finished for %.0f s (limit %.0f s: --watchdog, or 10 times the longest epoch) though every "
                  "rank answers the watchdog: %s %s, after epoch %ld, %s the others up; ending the job",
                  seconds(now - progress_at_), stuck_limit, stuck.size() == 1 ? "rank" : "ranks",
                  rank_list(stuck).c_str(), behind, stuck.size() == 1 ? "holds" : "hold");
    end_job(line);
}

bool Watchdog::all_said_goodbye() const {
    return std::all_of(heard_.begin(), heard_.end(), [](const Heard& h) { return h.phase == Phase::goodbye; });
}

void Watchdog::end_job(const std::string& message) const {
    std::fprintf(stderr, "%s: error: %s\n", program_.c_str(), message.c_str());
    std::fflush(stderr);
    std::_Exit(1);
}

void Watchdog::watch_without_mpi() {
    const auto tick = std::chrono::milliseconds(250);
    auto woke = clock::now();
    std::unique_lock lock(mutex_);
    while (!done_) {
        wake_.wait_for(lock, tick, [this] { return done_; });
        if (done_) break;
        const auto now = clock::now();
        if (seconds(now - woke) > 2) last_beat_ = now;  // this process's own pause
        woke = now;
        const double quiet = seconds(now - last_beat_);
        const double limit = std::max(limit_, 10 * longest_epoch_);
        // Rank 0 speaks first; the others only if it could not (it stopped too).
        const double grace = rank_ == 0 ? 0.0 : 3.0;
        if (phase_ != Phase::loop || quiet <= limit + grace) continue;
        char line[256];
        std::snprintf(line, sizeof line,
                      "rank %d has waited %.0f s for the other ranks after epoch %ld (limit %.0f s, --watchdog): a "
                      "rank stopped answering; ending the job",
                      rank_, quiet, epoch_, limit);
        end_job(line);
    }
}

}  // namespace parnet
