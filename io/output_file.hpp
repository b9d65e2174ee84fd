#pragma once
// One HDF5 output file written by the ranks of a communicator, which only appears under its final
// name when every rank finished writing it, and the rule that makes failures collective. Every
// SONATA file parnet writes goes through it: the collective strategy's file (all ranks, MPI-IO
// driver), the rank-0 file and the per-rank parts (a communicator of one rank: the default serial
// driver), and the consolidated files.
//
// The file is created as "<path>.part"; commit() closes it on every rank and rank 0 renames it.
// A stale file at the final path is removed when writing starts, so a failed run never leaves a
// file that passes for this run's complete output. An unfinished file is emptied and unlinked
// before it is closed, so that a file that failed on a full disk can still be closed (a failed
// close leaves HDF5 objects behind that crash at MPI_Finalize).
//
// Collective consistency: work that may fail on one rank only runs inside collectively(comm, ...);
// if any rank failed, every rank throws the same input_error (the message of the lowest failing
// rank), so all ranks leave the collective sequence together and none is left waiting in an MPI
// call the others will never make.
#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "engine/errors.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/hdf5_handle.hpp"

namespace parnet::io {

// Owns a duplicate of a communicator, so a writer's collectives never match the caller's.
class MpiComm {
public:
    explicit MpiComm(MPI_Comm parent);
    MpiComm(const MpiComm&) = delete;
    MpiComm& operator=(const MpiComm&) = delete;
    ~MpiComm();
    MPI_Comm get() const noexcept { return comm_; }
    int rank() const noexcept { return rank_; }
    int size() const noexcept { return size_; }

private:
    MPI_Comm comm_ = MPI_COMM_NULL;
    int rank_ = 0;
    int size_ = 1;
};

// Every rank passes whether it failed and why; if any failed, every rank throws input_error with
// the message of the lowest failing rank. Collective.
void agree_or_throw(MPI_Comm comm, bool failed, const std::string& message);

// Runs `body` on this rank, then agrees with the other ranks (see agree_or_throw). Collective.
template <class Body>
void collectively(MPI_Comm comm, Body&& body) {
    bool failed = false;
    std::string message;
    try {
        std::forward<Body>(body)();
    } catch (const std::exception& error) {
        failed = true;
        message = error.what();
    } catch (...) {
        failed = true;
        message = "unknown error";
    }
    agree_or_throw(comm, failed, message);
}

// True if `text` is the same on every rank (compared by a 64-bit hash). Collective.
bool same_on_every_rank(MPI_Comm comm, std::string_view text);

// How the file is written: MPI-IO (any number of ranks), or the default serial driver (a
// communicator of one rank: the rank-0 file, per-rank parts and consolidation, which must not
// depend on MPI-IO).
enum class OutputDriver { mpio, serial };

class OutputFile {
public:
    // How long an unfinished file waits in its destructor for the other ranks to discard it too
    // before giving up on a collective close (another rank failed alone and will MPI_Abort).
    static constexpr std::chrono::seconds discard_wait{10};

    // Collective: removes a stale final file (rank 0), creates "<path>.part". Throws input_error
    // on every rank if that fails, or if a serial file is asked of more than one rank.
    OutputFile(MPI_Comm comm, std::filesystem::path final_path, OutputDriver driver = OutputDriver::mpio);
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;
    ~OutputFile();

    MPI_Comm comm() const noexcept { return comm_.get(); }
    int rank() const noexcept { return comm_.rank(); }
    int size() const noexcept { return comm_.size(); }
    hid_t file() const noexcept { return file_.get(); }
    bool is_open() const noexcept { return file_.valid(); }
    // Checks HDF5 calls; messages name the final path (the name the user asked for).
    const H5Errors& errors() const noexcept { return errors_; }
    // Transfer property list for dataset reads and writes (collective under MPI-IO).
    hid_t transfer() const noexcept { return transfer_.valid() ? transfer_.get() : H5P_DEFAULT; }
    const std::filesystem::path& final_path() const noexcept { return final_path_; }

    // Collective: grows a dataset to `dimensions` (its rank's worth of sizes).
    void extend(hid_t dataset, std::span<const hsize_t> dimensions) const;

    // Collective: this rank writes `values` at [offset, offset + size) of a 1-D dataset; ranks
    // with nothing to write pass an empty span and still take part.
    template <class T>
    void write_slice(hid_t dataset, std::uint64_t offset, std::span<const T> values) const;
    // Collective: this rank reads [offset, offset + values.size()) of a 1-D dataset.
    template <class T>
    void read_slice(hid_t dataset, std::uint64_t offset, std::span<T> values) const;

    // Collective: hands what was written to the file system (H5Fflush), so that a full disk or a
    // quota is noticed at the first write rather than at the end of the run.
    void flush() const;

    // Collective: closes the file (every object in it must be closed already), then rank 0
    // renames it to its final name. Throws on every rank if either step failed anywhere; the
    // temporary file is then removed.
    void commit();

    // For an unfinished file. Waits up to discard_wait for every rank to call this too; returns
    // true if they did (then close_and_remove() is safe), false if not. Never throws.
    bool all_ranks_discarding() noexcept;
    // Rank 0 empties and removes the temporary file, then every rank closes it. Never throws.
    void close_and_remove() noexcept;
    // A discarded serial file: its close writes into an unlinked scratch file, not the disk.
    void redirect_to_scratch() noexcept;
    // Local: removes the temporary file and gives up the handle without the collective close
    // (the process is about to be aborted). Never throws.
    void abandon() noexcept;

private:
    // The selection of [offset, offset + count) of a 1-D dataset (none when count is 0).
    std::pair<H5Dataspace, H5Dataspace> slice(hid_t dataset, std::uint64_t offset, hsize_t count) const;

    MpiComm comm_;
    std::filesystem::path final_path_;
    std::filesystem::path temporary_path_;
    H5Errors errors_;
    H5File file_;
    H5PropertyList transfer_;
};

template <class T>
void OutputFile::write_slice(hid_t dataset, std::uint64_t offset, std::span<const T> values) const {
    auto [file_space, memory_space] = slice(dataset, offset, values.size());
    const T nothing{};
    errors_.status(H5Dwrite(dataset, H5TypeOf<T>::memory(), memory_space.get(), file_space.get(), transfer(),
                            values.empty() ? &nothing : values.data()),
                   "write a dataset");
}

template <class T>
void OutputFile::read_slice(hid_t dataset, std::uint64_t offset, std::span<T> values) const {
    auto [file_space, memory_space] = slice(dataset, offset, values.size());
    T nothing{};
    errors_.status(H5Dread(dataset, H5TypeOf<T>::memory(), memory_space.get(), file_space.get(), transfer(),
                           values.empty() ? &nothing : values.data()),
                   "read back a dataset");
}

}  // namespace parnet::io
