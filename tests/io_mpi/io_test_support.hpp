#pragma once
// Shared helpers of the io_mpi suite: a scratch folder per test and rank count, reading HDF5
// files back with the plain C API (independently of the writers' code), and deterministic data.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace parnet::io_test {

inline int world_rank() {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

inline int world_size() {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

// <build>/tests/io_mpi_scratch/<suite>.<test>.ranks<N>: empty, made by rank 0, seen by all.
// The rank count is in the name because ctest may run the suite at 1, 2 and 3 ranks at once.
inline std::filesystem::path scratch_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::filesystem::path dir = std::filesystem::path(PARNET_BINARY_DIR) / "tests" / "io_mpi_scratch" /
                                      (std::string(info->test_suite_name()) + "." + info->name() + ".ranks" +
                                       std::to_string(world_size()));
    if (world_rank() == 0) {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    return dir;
}

// The same on every rank: true if every rank passes true.
inline bool on_every_rank(bool value) {
    int mine = value ? 1 : 0;
    int all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all == 1;
}

// splitmix64: a fixed deterministic generator for test data (independent of parnet's RNG).
inline std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// ---- Reading files back with the HDF5 C API -------------------------------------------------

// Owns an hid_t with its close function; test code only.
struct Id {
    hid_t id;
    herr_t (*close)(hid_t);
    Id(hid_t value, herr_t (*closer)(hid_t)) : id(value), close(closer) {}
    Id(const Id&) = delete;
    Id& operator=(const Id&) = delete;
    ~Id() {
        if (id >= 0) close(id);
    }
    operator hid_t() const { return id; }
};

inline Id open_file(const std::filesystem::path& path) {
    return Id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
}

inline bool exists(hid_t file, const std::string& path) {
    // Walk the path one link at a time (H5Lexists needs every parent to exist).
    std::string prefix;
    std::size_t position = 1;
    while (position <= path.size()) {
        const std::size_t next = path.find('/', position);
        prefix = path.substr(0, next);
        if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
        if (next == std::string::npos) break;
        position = next + 1;
    }
    return true;
}

// Dimensions of a dataset.
inline std::vector<hsize_t> shape_of(hid_t file, const std::string& path) {
    Id dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
    Id space(H5Dget_space(dataset), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return dims;
}

// True if the dataset's stored type equals `type` (e.g. H5T_IEEE_F64LE).
inline bool stored_as(hid_t file, const std::string& path, hid_t type) {
    Id dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
    Id stored(H5Dget_type(dataset), H5Tclose);
    return H5Tequal(stored, type) > 0;
}

template <class T>
std::vector<T> read_all(hid_t file, const std::string& path, hid_t memory_type) {
    Id dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
    Id space(H5Dget_space(dataset), H5Sclose);
    const hssize_t points = H5Sget_simple_extent_npoints(space);
    std::vector<T> values(static_cast<std::size_t>(std::max<hssize_t>(points, 0)));
    if (!values.empty()) H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    return values;
}

// A string attribute of the object at `object_path` ("" if missing or not a string).
inline std::string string_attribute(hid_t file, const std::string& object_path, const std::string& name) {
    if (H5Aexists_by_name(file, object_path.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return "";
    Id attribute(H5Aopen_by_name(file, object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    Id type(H5Aget_type(attribute), H5Tclose);
    if (H5Tget_class(type) != H5T_STRING) return "";
    if (H5Tis_variable_str(type) > 0) {
        Id memory(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(memory, H5T_VARIABLE);
        char* text = nullptr;
        H5Aread(attribute, memory, &text);
        std::string value = text != nullptr ? text : "";
        H5free_memory(text);
        return value;
    }
    std::vector<char> buffer(H5Tget_size(type) + 1, '\0');
    H5Aread(attribute, type, buffer.data());
    return std::string(buffer.data());
}

}  // namespace parnet::io_test
