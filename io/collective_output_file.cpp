#include "io/collective_output_file.hpp"

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

CollectiveOutputFile::CollectiveOutputFile(MPI_Comm comm, std::filesystem::path final_path)
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
        errors_.status(H5Pset_fapl_mpio(access.get(), comm_.get(), MPI_INFO_NULL), "select the MPI-IO driver");
        file_ = H5File(H5Fcreate(temporary_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()));
        if (!file_) errors_.fail("create the file (written as " + temporary_path_.string() + " until complete)");
        collective_transfer_ =
            H5PropertyList(errors_.id(H5Pcreate(H5P_DATASET_XFER), "create a transfer property list"));
        errors_.status(H5Pset_dxpl_mpio(collective_transfer_.get(), H5FD_MPIO_COLLECTIVE),
                       "select collective transfers");
    });
}

CollectiveOutputFile::~CollectiveOutputFile() {
    if (!file_) return;
    if (all_ranks_discarding()) {
        close_and_remove();
    } else {
        abandon();
    }
}

void CollectiveOutputFile::extend(hid_t dataset, std::span<const hsize_t> dimensions) const {
    errors_.status(H5Dset_extent(dataset, dimensions.data()), "extend a dataset");
}

void CollectiveOutputFile::flush() const {
    H5QuietErrors quiet;
    collectively(comm_.get(), [&] {
        errors_.status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "write to the disk (is it full?)");
    });
}

void CollectiveOutputFile::commit() {
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

bool CollectiveOutputFile::all_ranks_discarding() noexcept {
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

void CollectiveOutputFile::close_and_remove() noexcept {
    H5QuietErrors quiet;
    file_.close();
    collective_transfer_.close();
    MPI_Barrier(comm_.get());
    if (comm_.rank() == 0) {
        std::error_code ignored;
        std::filesystem::remove(temporary_path_, ignored);
    }
    MPI_Barrier(comm_.get());
}

void CollectiveOutputFile::abandon() noexcept {
    std::error_code ignored;
    std::filesystem::remove(temporary_path_, ignored);
    file_.release();
}

}  // namespace parnet::io
