#pragma once
// RAII ownership of HDF5 identifiers (hid_t) and turning HDF5 failures into exceptions.
//
// Each handle closes its identifier in its destructor and is move-only. In a file opened with the
// MPI-IO driver, closing a file (and, to be safe, any object in it) is collective: the owners of
// parallel files (CollectiveOutputFile and the writers) make sure every rank closes together.
//
// HDF5 reports errors on an error stack that it prints to stderr by default. Every public entry
// point of parnet's HDF5 code holds an H5QuietErrors guard, so nothing is printed; H5Errors reads
// the innermost message off the stack and throws it as parnet::input_error naming the file and
// the operation that failed.
#include <hdf5.h>

#include <string>
#include <string_view>
#include <utility>

#include "engine/errors.hpp"

namespace parnet::io {

template <herr_t (*Close)(hid_t)>
class H5Handle {
public:
    H5Handle() = default;
    explicit H5Handle(hid_t id) noexcept : id_(id) {}
    H5Handle(const H5Handle&) = delete;
    H5Handle& operator=(const H5Handle&) = delete;
    H5Handle(H5Handle&& other) noexcept : id_(other.release()) {}
    H5Handle& operator=(H5Handle&& other) noexcept {
        if (this != &other) {
            reset();
            id_ = other.release();
        }
        return *this;
    }
    ~H5Handle() { reset(); }

    hid_t get() const noexcept { return id_; }
    bool valid() const noexcept { return id_ >= 0; }
    explicit operator bool() const noexcept { return valid(); }

    // Closes now; returns HDF5's status so that callers can report a failed close (a file's
    // close flushes data, so its failure matters).
    herr_t close() noexcept {
        herr_t status = 0;
        if (valid()) status = Close(id_);
        id_ = H5I_INVALID_HID;
        return status;
    }
    void reset() noexcept { close(); }

    // Gives up ownership without closing (used only when a parallel file must be abandoned
    // because the other ranks will not join a collective close).
    hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }

private:
    hid_t id_ = H5I_INVALID_HID;
};

using H5File = H5Handle<H5Fclose>;
using H5Group = H5Handle<H5Gclose>;
using H5Dataset = H5Handle<H5Dclose>;
using H5Dataspace = H5Handle<H5Sclose>;
using H5PropertyList = H5Handle<H5Pclose>;
using H5Attribute = H5Handle<H5Aclose>;
using H5Datatype = H5Handle<H5Tclose>;

// Silences HDF5's automatic error printing for its lifetime and restores the previous handler.
class H5QuietErrors {
public:
    H5QuietErrors() noexcept {
        H5Eget_auto2(H5E_DEFAULT, &previous_function_, &previous_data_);
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
    H5QuietErrors(const H5QuietErrors&) = delete;
    H5QuietErrors& operator=(const H5QuietErrors&) = delete;
    ~H5QuietErrors() { H5Eset_auto2(H5E_DEFAULT, previous_function_, previous_data_); }

private:
    H5E_auto2_t previous_function_ = nullptr;
    void* previous_data_ = nullptr;
};

// The innermost description on HDF5's current error stack (the most specific reason, e.g.
// "unable to open file: name = '...', errno = 2, error message = 'No such file or directory'"),
// then clears the stack. Empty if HDF5 recorded nothing.
inline std::string take_hdf5_error_detail() {
    std::string detail;
    auto keep_innermost = [](unsigned, const H5E_error2_t* entry, void* out) -> herr_t {
        if (entry->desc != nullptr && entry->desc[0] != '\0') *static_cast<std::string*>(out) = entry->desc;
        return 0;
    };
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_innermost, &detail);
    H5Eclear2(H5E_DEFAULT);
    // The POSIX driver's reason is a long multi-line record; keep its first words and the
    // system's message ("file write failed: No space left on device").
    const std::string marker = "error message = '";
    if (const auto at = detail.find(marker); at != std::string::npos) {
        const auto end = detail.find('\'', at + marker.size());
        const auto head = detail.find(':');
        detail = detail.substr(0, head) + ": " + detail.substr(at + marker.size(), end - at - marker.size());
    }
    return detail;
}

// Checks HDF5 return values for one file; failures throw input_error
// "<file>: cannot <operation>: <HDF5's reason>".
class H5Errors {
public:
    explicit H5Errors(std::string file) : file_(std::move(file)) {}

    const std::string& file() const noexcept { return file_; }

    [[noreturn]] void fail(std::string_view operation) const {
        std::string message = file_ + ": cannot " + std::string(operation);
        std::string detail = take_hdf5_error_detail();
        if (!detail.empty()) message += " (HDF5: " + detail + ")";
        throw input_error(message);
    }
    hid_t id(hid_t value, std::string_view operation) const {
        if (value < 0) fail(operation);
        return value;
    }
    void status(herr_t value, std::string_view operation) const {
        if (value < 0) fail(operation);
    }
    // H5*exists-style calls: negative is an error, otherwise a truth value.
    bool truth(htri_t value, std::string_view operation) const {
        if (value < 0) fail(operation);
        return value > 0;
    }

private:
    std::string file_;
};

}  // namespace parnet::io
