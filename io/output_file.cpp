#include "io/output_file.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <system_error>
#include <thread>
#include <vector>

namespace parnet::io {

MpiComm::MpiComm(MPI_Comm parent) {
    MPI_Comm_dup(parent, &comm_);
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
}

MpiComm::~MpiComm() {
    if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

void agree_or_throw(MPI_Comm comm, bool failed, const std::string& message) {
    int rank = 0;
    int size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (size == 1) {
        if (failed) throw input_error(message);
        return;
    }
    const int mine = failed ? rank : size;
    int first_failed = size;
    MPI_Allreduce(&mine, &first_failed, 1, MPI_INT, MPI_MIN, comm);
    if (first_failed == size) return;
    int length = rank == first_failed ? static_cast<int>(message.size()) : 0;
    MPI_Bcast(&length, 1, MPI_INT, first_failed, comm);
    std::string shared = rank == first_failed ? message : std::string(static_cast<std::size_t>(length), '\0');
    MPI_Bcast(shared.data(), length, MPI_CHAR, first_failed, comm);
    throw input_error(shared);
}

bool same_on_every_rank(MPI_Comm comm, std::string_view text) {
    std::uint64_t hash = 14695981039346656037ull;   // FNV-1a
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ull;
    }
    std::uint64_t mine[2] = {hash, ~hash};
    std::uint64_t largest[2] = {0, 0};
    MPI_Allreduce(mine, largest, 2, MPI_UINT64_T, MPI_MAX, comm);
    // max(hash) == min(hash) exactly when every rank has the same hash.
    return largest[0] == ~largest[1];
}

OutputFile::OutputFile(MPI_Comm comm, std::filesystem::path final_path, OutputDriver driver)
    : comm_(comm),
      final_path_(std::move(final_path)),
      temporary_path_(final_path_.string() + ".part"),
      errors_(final_path_.string()) {
    H5QuietErrors quiet;
    collectively(comm_.get(), [&] {
        if (comm_.rank() != 0) return;
        // A file left by an earlier run must not pass for this run's output if this run fails.
        std::error_code error;
        std::filesystem::remove(final_path_, error);
        if (error) throw input_error(final_path_.string() + ": cannot remove the earlier file: " + error.message());
    });
    collectively(comm_.get(), [&] {
        H5PropertyList access(errors_.id(H5Pcreate(H5P_FILE_ACCESS), "create a file access property list"));
        if (driver == OutputDriver::serial && comm_.size() > 1)
            throw std::logic_error(final_path_.string() + ": a serial file written by more than one rank");
        if (driver == OutputDriver::serial) {
            // No raw-data chunk cache (parallel HDF5 has none for writes either): every append
            // reaches the file at once, so a full disk fails that write, and what a failed file
            // still holds is only its small metadata, which the close in close_and_remove() can
            // write into the emptied file. A chunk cache would hold up to 1 MB per dataset that
            // no close could write, and HDF5 would crash on that file at MPI_Finalize.
            errors_.status(H5Pset_cache(access.get(), 0, 0, 0, 0.75), "turn off the chunk cache");
        }
        if (driver == OutputDriver::mpio) {
            errors_.status(H5Pset_fapl_mpio(access.get(), comm_.get(), MPI_INFO_NULL), "select the MPI-IO driver");
            transfer_ = H5PropertyList(errors_.id(H5Pcreate(H5P_DATASET_XFER), "create a transfer property list"));
            errors_.status(H5Pset_dxpl_mpio(transfer_.get(), H5FD_MPIO_COLLECTIVE), "select collective transfers");
        }
        file_ = H5File(H5Fcreate(temporary_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()));
        if (!file_) errors_.fail("create the file (written as " + temporary_path_.string() + " until complete)");
    });
}

OutputFile::~OutputFile() {
    if (!file_) return;
    if (all_ranks_discarding()) {
        close_and_remove();
    } else {
        abandon();
    }
}

std::pair<H5Dataspace, H5Dataspace> OutputFile::slice(hid_t dataset, std::uint64_t offset, hsize_t count) const {
    H5Dataspace file_space(errors_.id(H5Dget_space(dataset), "get a dataset's dataspace"));
    const hsize_t start = offset;
    H5Dataspace memory_space(errors_.id(H5Screate_simple(1, &count, nullptr), "create a dataspace"));
    if (count > 0) {
        errors_.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
                       "select this rank's part of a dataset");
    } else {
        errors_.status(H5Sselect_none(file_space.get()), "select nothing in a dataset");
        errors_.status(H5Sselect_none(memory_space.get()), "select nothing in memory");
    }
    return {std::move(file_space), std::move(memory_space)};
}

void OutputFile::extend(hid_t dataset, std::span<const hsize_t> dimensions) const {
    errors_.status(H5Dset_extent(dataset, dimensions.data()), "extend a dataset");
}

void OutputFile::flush() const {
    H5QuietErrors quiet;
    collectively(comm_.get(), [&] {
        errors_.status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "write to the disk (is it full?)");
    });
}

void OutputFile::commit() {
    H5QuietErrors quiet;
    try {
        collectively(comm_.get(), [&] {
            if (file_.close() < 0) errors_.fail("close the file (data may not have reached the disk)");
        });
        collectively(comm_.get(), [&] {
            if (comm_.rank() != 0) return;
            std::error_code error;
            std::filesystem::rename(temporary_path_, final_path_, error);
            if (error) {
                throw input_error(final_path_.string() + ": cannot rename the finished file from " +
                                  temporary_path_.string() + ": " + error.message());
            }
        });
    } catch (...) {
        if (comm_.rank() == 0) {
            std::error_code ignored;
            std::filesystem::remove(temporary_path_, ignored);
        }
        throw;
    }
}

bool OutputFile::all_ranks_discarding() noexcept {
    if (comm_.size() == 1) return true;
    MPI_Request request = MPI_REQUEST_NULL;
    if (MPI_Ibarrier(comm_.get(), &request) != MPI_SUCCESS) return false;
    const auto deadline = std::chrono::steady_clock::now() + discard_wait;
    int done = 0;
    while (true) {
        MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        if (done != 0) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void OutputFile::close_and_remove() noexcept {
    H5QuietErrors quiet;
    if (comm_.rank() == 0) {
        // Emptied first: on a full disk, what HDF5 still holds can then be written out and the
        // close succeeds (into the unlinked file).
        std::error_code ignored;
        std::filesystem::resize_file(temporary_path_, 0, ignored);
        std::filesystem::remove(temporary_path_, ignored);
    }
    if (comm_.size() > 1) MPI_Barrier(comm_.get());
    if (comm_.size() == 1) redirect_to_scratch();
    file_.close();
    transfer_.close();
}

void OutputFile::redirect_to_scratch() noexcept {
    // A serial file being discarded: what HDF5 still writes when it closes (its metadata) goes to
    // an unlinked scratch file instead. On a disk that other ranks' files still fill, that write
    // could fail, and HDF5 1.10 keeps a file whose close failed and crashes on it in
    // MPI_Finalize (seen with per-rank saving on a full disk, about one run in ten).
    void* handle = nullptr;
    if (H5Fget_vfd_handle(file_.get(), H5P_DEFAULT, &handle) < 0 || handle == nullptr) return;
    std::string name = (std::filesystem::temp_directory_path() / "parnet-discarded-XXXXXX").string();
    const int scratch = mkstemp(name.data());
    if (scratch < 0) return;
    unlink(name.c_str());
    dup2(scratch, *static_cast<int*>(handle));
    close(scratch);
}

void OutputFile::abandon() noexcept {
    std::error_code ignored;
    std::filesystem::remove(temporary_path_, ignored);
    file_.release();
}

}  // namespace parnet::io
