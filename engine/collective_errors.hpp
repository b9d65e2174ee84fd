#pragma once
// Errors during set-up are agreed by all ranks: each runs the step, then they compare notes; if any
// rank failed, the lowest failing rank prints its message once and every rank stops with
// job_failed. (Errors inside the run loop, where ranks may wait in different collectives, end the
// job with MPI_Abort instead; see tools/engine.cpp.)
#include "communicator.hpp"

#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <type_traits>

namespace parnet {

struct job_failed : std::exception {
    const char* what() const noexcept override { return "job failed (message already printed)"; }
};

// Throws job_failed on every rank if any rank failed; the lowest failing rank prints.
inline void report_agreed_failure(const Communicator& comm, const std::string& program, bool failed,
                                  const std::string& message) {
    int mine = failed ? comm.rank() : comm.size();
    int first = comm.size();
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm.comm());
    if (first == comm.size()) return;
    if (comm.rank() == first) std::cerr << program << ": error: " << message << std::endl;
    throw job_failed{};
}

// Runs step() on every rank; returns its result where all succeeded.
template <class Step>
auto agreed(const Communicator& comm, const std::string& program, Step&& step) -> decltype(step()) {
    using Result = decltype(step());
    std::string message;
    bool failed = false;
    if constexpr (std::is_void_v<Result>) {
        try {
            step();
        } catch (const std::exception& e) {
            failed = true;
            message = e.what();
        }
        report_agreed_failure(comm, program, failed, message);
    } else {
        std::optional<Result> result;
        try {
            result.emplace(step());
        } catch (const std::exception& e) {
            failed = true;
            message = e.what();
        }
        report_agreed_failure(comm, program, failed, message);
        return std::move(*result);
    }
}

}  // namespace parnet
