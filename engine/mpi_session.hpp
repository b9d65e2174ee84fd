#pragma once
// MPI for the lifetime of a program: initialised with thread support for OpenMP (only the main
// thread calls MPI, but for the watchdog's roll call), finalised on scope exit.
#include <mpi.h>

#include <stdexcept>

namespace parnet {

class MpiSession {
public:
    MpiSession(int& argc, char**& argv) {
        int provided = 0;
        // MPI_THREAD_MULTIPLE when available: the watchdog's thread calls MPI while the main
        // thread waits in a collective (engine/watchdog.hpp).
        MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
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
