#pragma once
// Ends a job whose ranks stopped answering, naming the rank that stopped: a rank that stops
// (SIGSTOP, a node that hangs) leaves every other rank waiting in a collective for ever, in the
// set-up as in the epoch loop.
//
// Each rank's watchdog thread sends a heartbeat ("alive, after epoch e") every fraction of the
// limit to the judges, ranks 0, 1 and 2, on a communicator of its own. The thread runs while the
// main thread computes or waits in a collective; a stopped process sends nothing, not even from
// one-sided MPI (without hardware RDMA its target side needs the process to run). A judge that
// has not heard from a rank for the limit names it in one line and ends the process (mpirun then
// ends the job). A judge defers to the judges below it while it hears them, so one line is said.
// In the epoch loop it also ends a job that every rank answers but none advances for 10 times the
// longest epoch so far (and at least the limit), naming the rank furthest behind: the one still
// integrating while the others wait for it. A slow set-up or first epoch is never ended (the first
// epoch's length is not known until a rank has waited in an exchange).
//
// The watchdog needs MPI_THREAD_MULTIPLE (its thread calls MPI while the main thread waits in a
// collective); without it only the epoch loop is watched, and the rank that waits ends the job
// naming only itself.
#include <mpi.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace parnet {

class Watchdog {
public:
    using clock = std::chrono::steady_clock;

    // limit_seconds <= 0: no watchdog. Collective over comm (every rank passes the same limit).
    // `program` starts the message ("engine: error: ...").
    Watchdog(double limit_seconds, MPI_Comm comm, std::string program);
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;
    // Collective: every rank says goodbye to the judges, which wait for every goodbye (watching
    // the ranks that have not yet said it), so that no heartbeat is left in flight.
    ~Watchdog();

    // The epoch loop starts: beats are expected from now on.
    void loop_started();
    // The epoch loop made progress: this rank has integrated `epoch` epochs (called before it
    // waits in that epoch's exchange, so a rank still integrating is behind the ranks waiting).
    void beat(long epoch);
    // The epoch loop ended: a long final sort or write is not a stuck loop.
    void loop_ended();

private:
    enum class Phase : long { setup = 0, loop = 1, after = 2, goodbye = 3 };
    struct Heard {
        clock::time_point at;
        long epoch = -1;
        Phase phase = Phase::setup;
    };
    struct Outgoing {
        std::array<long, 2> message{};
        MPI_Request request = MPI_REQUEST_NULL;
    };

    void watch();
    void watch_without_mpi();
    void send_heartbeats(Phase phase, long epoch);
    void complete_sends(bool wait);
    void hear(clock::time_point now);
    // A judge's verdict: ends the process when a rank is silent or the loop is stuck.
    void judge(clock::time_point now);
    bool all_said_goodbye() const;
    [[noreturn]] void end_job(const std::string& message) const;

    double limit_;
    std::string program_;
    int rank_ = 0;
    int ranks_ = 1;
    int judges_ = 0;
    MPI_Comm comm_ = MPI_COMM_NULL;
    std::deque<Outgoing> outgoing_;
    // Judges: what each rank last said, and a receive always posted.
    std::vector<Heard> heard_;
    std::array<long, 2> incoming_{};
    MPI_Request receive_ = MPI_REQUEST_NULL;
    clock::time_point progress_at_;  // the last time any rank's epoch advanced
    long furthest_epoch_ = -1;
    double answering_s_ = 0.0;       // heard within this: answering now

    // Shared with the main thread.
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    Phase phase_ = Phase::setup;
    clock::time_point last_beat_;
    double longest_epoch_ = 0.0;
    long epoch_ = 0;
    long beats_ = 0;
    std::thread thread_;
};

}  // namespace parnet
