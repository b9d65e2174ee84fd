#pragma once
// MPI for the lifetime of a program: initialised with thread support for OpenMP (only the main
// thread calls MPI), finalised on scope exit.
#include <mpi.h>

#include <stdexcept>

namespace parnet {

class MpiSession {
public:
    MpiSession(int& argc, char**& argv) {
        int provided = 0;
        MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
        if (provided < MPI_THREAD_FUNNELED) {
            MPI_Finalize();
            throw std::runtime_error("MPI does not provide MPI_THREAD_FUNNELED");
        }
    }
    ~MpiSession() { MPI_Finalize(); }
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;
};

}  // namespace parnet
