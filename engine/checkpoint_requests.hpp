#pragma once
// When a run writes checkpoints (docs/checkpoints.md): at the epochs that reach the times asked
// for, and at the next epoch boundary after SIGTERM or SIGUSR1 (what Slurm sends before a time
// limit) reached any rank. The signal is agreed by all ranks with a non-blocking reduction started
// at one epoch boundary and completed at the next, so every rank checkpoints at the same epoch
// without a blocking collective in the epoch loop.
#include "event.hpp"
#include "exchange/private_comm.hpp"

#include <mpi.h>

#include <csignal>
#include <vector>

namespace parnet {

// The exit status of a run that stopped at a checkpoint after a signal (EX_TEMPFAIL: try again,
// i.e. requeue and restore).
inline constexpr int checkpointed_exit_status = 75;

class CheckpointRequests {
public:
    // times: ms, any order; with on_signal, SIGTERM and SIGUSR1 request a checkpoint (and the
    // end of the run) instead of ending the process.
    CheckpointRequests(MPI_Comm comm, std::vector<double> times, bool on_signal);
    // Collective, once the epoch loop ended: waits for the last reduction, puts the signal
    // handlers back.
    ~CheckpointRequests();
    CheckpointRequests(const CheckpointRequests&) = delete;
    CheckpointRequests& operator=(const CheckpointRequests&) = delete;

    // Collective, at every epoch boundary (after the epoch): whether to checkpoint now. A signal
    // makes it true on every rank at the same epoch (one or two epochs after it arrived).
    bool due(const Epoch& epoch);
    // After due() returned true: whether a signal asked for it (then the run stops there).
    bool stop_requested() const { return signalled_; }
    // The requested times the last due() served (to say where the checkpoint went).
    const std::vector<double>& served() const { return served_; }

private:
    PrivateComm comm_;
    std::vector<double> times_;   // ascending, not yet served
    std::vector<double> served_;
    bool on_signal_;
    int sent_ = 0, agreed_ = 0;
    MPI_Request pending_ = MPI_REQUEST_NULL;
    bool signalled_ = false;
    void (*previous_term_)(int) = SIG_DFL;
    void (*previous_usr1_)(int) = SIG_DFL;
};

}  // namespace parnet
