#pragma once
// Set-up errors of the Python module, agreed by all ranks of the communicator. As with
// engine/collective_errors.hpp every rank runs the step and then they compare notes, but instead
// of one rank printing, the lowest failing rank's message is broadcast and every rank throws
// agreed_failure with it, so that the same Python exception is raised on every rank together
// and no rank is left waiting in a collective.
#include "engine/errors.hpp"

#include <mpi.h>

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace parnet::python {

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

}  // namespace parnet::python
