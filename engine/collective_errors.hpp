#pragma once
// Errors during set-up are agreed by all ranks: each runs the step, then they compare notes; if any
// rank failed, the lowest failing rank prints its message once and every rank stops with
// job_failed. (Errors inside the run loop, where ranks may wait in different collectives, end the
// job with MPI_Abort instead; see run/network_run.cpp.)
#include "communicator.hpp"
#include "errors.hpp"

#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <stdexcept>
#include <type_traits>
#include <utility>

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

// The library's way (the run library, run/, and the Python module): instead of one rank printing,
// the lowest failing rank's message is broadcast and every rank throws agreed_failure with it, so
// that each front end reports it its own way (the engine program prints it once and exits 1,
// Python raises the same exception on every rank) and no rank is left waiting in a collective.
struct agreed_failure : std::runtime_error {
    agreed_failure(bool input, const std::string& message) : std::runtime_error(message), input(input) {}
    bool input;  // an input_error (bad model, option or file) rather than another failure
};

// Collective. Returns on every rank when no rank failed; throws agreed_failure everywhere otherwise.
inline void agree_on_failure(MPI_Comm comm, const std::exception_ptr& failure) {
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    const int mine = failure ? rank : size;
    int first = size;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == size) return;

    int input = 0;
    std::string message;
    if (rank == first) {
        try {
            std::rethrow_exception(failure);
        } catch (const input_error& e) {
            input = 1;
            message = e.what();
        } catch (const std::exception& e) {
            message = e.what();
        } catch (...) {
            message = "unknown error";
        }
    }
    int length = static_cast<int>(message.size());
    int header[2] = {input, length};
    MPI_Bcast(header, 2, MPI_INT, first, comm);
    message.resize(static_cast<std::size_t>(header[1]));
    MPI_Bcast(message.data(), header[1], MPI_CHAR, first, comm);
    throw agreed_failure(header[0] != 0, message);
}

// Runs step() on every rank of comm; returns its result where all succeeded.
template <class Step>
auto agreed_everywhere(MPI_Comm comm, Step&& step) -> decltype(step()) {
    using Result = decltype(step());
    std::exception_ptr failure;
    if constexpr (std::is_void_v<Result>) {
        try {
            step();
        } catch (...) {
            failure = std::current_exception();
        }
        agree_on_failure(comm, failure);
    } else {
        std::optional<Result> result;
        try {
            result.emplace(step());
        } catch (...) {
            failure = std::current_exception();
        }
        agree_on_failure(comm, failure);
        return std::move(*result);
    }
}

template <class Step>
auto agreed_everywhere(const Communicator& comm, Step&& step) -> decltype(step()) {
    return agreed_everywhere(comm.comm(), std::forward<Step>(step));
}

}  // namespace parnet
