#pragma once
// A duplicate of a communicator, freed on scope exit: the exchange's messages and collectives
// can never match anyone else's (output, reductions) however they interleave.
#include <mpi.h>

namespace parnet {

class PrivateComm {
public:
    explicit PrivateComm(MPI_Comm parent) { MPI_Comm_dup(parent, &comm_); }
    ~PrivateComm() {
        if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
    }
    PrivateComm(const PrivateComm&) = delete;
    PrivateComm& operator=(const PrivateComm&) = delete;
    MPI_Comm get() const { return comm_; }

private:
    MPI_Comm comm_ = MPI_COMM_NULL;
};

}  // namespace parnet
