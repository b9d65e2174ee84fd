#include "checkpoint_requests.hpp"

#include <algorithm>
#include <csignal>

namespace parnet {

namespace {
// The one piece of global mutable state here: a signal handler can only tell the program through
// a variable of static storage of type volatile sig_atomic_t. It is set by the handler and read
// at epoch boundaries, nothing else.
volatile std::sig_atomic_t checkpoint_signal = 0;

extern "C" void on_checkpoint_signal(int) { checkpoint_signal = 1; }
}  // namespace

CheckpointRequests::CheckpointRequests(MPI_Comm comm, std::vector<double> times, bool on_signal)
    : comm_(comm), times_(std::move(times)), on_signal_(on_signal) {
    std::sort(times_.begin(), times_.end());
    if (on_signal_) {
        previous_term_ = std::signal(SIGTERM, on_checkpoint_signal);
        previous_usr1_ = std::signal(SIGUSR1, on_checkpoint_signal);
    }
}

CheckpointRequests::~CheckpointRequests() {
    if (pending_ != MPI_REQUEST_NULL) MPI_Wait(&pending_, MPI_STATUS_IGNORE);
    // After the epoch loop a signal ends the process again as it did before.
    if (on_signal_) {
        std::signal(SIGTERM, previous_term_ == SIG_ERR ? SIG_DFL : previous_term_);
        std::signal(SIGUSR1, previous_usr1_ == SIG_ERR ? SIG_DFL : previous_usr1_);
    }
}

bool CheckpointRequests::due(const Epoch& epoch) {
    served_.clear();
    // Times up to a restored run's start were the interrupted run's; times within this epoch are due.
    while (!times_.empty() && times_.front() <= epoch.t_end() + 1e-9 * epoch.dt) {
        if (times_.front() > epoch.t_begin() + 1e-9 * epoch.dt) served_.push_back(times_.front());
        times_.erase(times_.begin());
    }
    signalled_ = false;
    if (on_signal_) {
        if (pending_ != MPI_REQUEST_NULL) {
            MPI_Wait(&pending_, MPI_STATUS_IGNORE);
            signalled_ = agreed_ != 0;
        }
        if (!signalled_) {
            sent_ = checkpoint_signal;
            MPI_Iallreduce(&sent_, &agreed_, 1, MPI_INT, MPI_MAX, comm_.get(), &pending_);
        }
    }
    return signalled_ || !served_.empty();
}

}  // namespace parnet
