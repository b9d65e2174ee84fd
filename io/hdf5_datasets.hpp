#pragma once
// Reading 1-d and n x 2 datasets of input files (SONATA circuits, connection lists) with checks a
// user can act on: a missing dataset, a wrong type or shape is refused naming the file, the dataset
// and what was expected ("edges.h5: /edges/e/edge_type_id: expected a 1-d integer dataset, got a
// 1-d float dataset"). Parts of a dataset are read as a list of row ranges in few HDF5 calls, so
// that a rank reads only its own rows.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "io/hdf5_handle.hpp"

namespace parnet::io {

// Rows [first, last) of a dataset.
struct RowRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
};

// One opened dataset of an input file; `path` is its full name, for messages.
class InputDataset {
public:
    enum class Expect { integer, number, string };

    // Opens loc/name and checks its class and rank (1, or 2 with `columns` columns). Throws
    // input_error "<file>: <path>: missing; expected ..." or "...: expected ..., got ...".
    InputDataset(hid_t loc, const std::string& name, const std::string& path, Expect expect,
                 const H5Errors& errors, int columns = 1);

    const std::string& path() const { return path_; }
    std::uint64_t rows() const { return rows_; }

    // The whole dataset (integer datasets as int64, numbers as double; n x 2 row-major).
    std::vector<std::int64_t> integers() const;
    std::vector<double> numbers() const;
    std::vector<std::string> strings() const;
    // The given rows; `ranges` ascending, not overlapping, inside the dataset (values in file order).
    std::vector<std::int64_t> integers(const std::vector<RowRange>& ranges) const;
    std::vector<double> numbers(const std::vector<RowRange>& ranges) const;

    // "<file>: <path>: <what>"
    [[noreturn]] void fail(const std::string& what) const;

private:
    void read_rows(const std::vector<RowRange>& ranges, hid_t memory_type, void* out) const;
    std::string path_;
    const H5Errors& errors_;
    H5Dataset dataset_;
    std::uint64_t rows_ = 0;
    int columns_ = 1;
};

// Whether loc/name exists (a link of any kind).
bool has_link(hid_t loc, const std::string& name, const H5Errors& errors);

// Names of the members of a group, in HDF5's name order.
std::vector<std::string> group_members(hid_t group, const H5Errors& errors);

// Sorts ranges and merges adjacent and overlapping ones (fewer, larger reads); empty ones go.
std::vector<RowRange> coalesced(std::vector<RowRange> ranges);

}  // namespace parnet::io
